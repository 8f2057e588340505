@testable import Risk

/// A context for policy tests: reference 1,000 ticks worth 1 each (one lot is worth 1,000),
/// equity 1,000,000, no limits; `modify` changes what a test needs.
func context(_ modify: (inout RiskContext) -> Void = { _ in }) -> RiskContext {
    var c = RiskContext(reference: 1_000, valuePerTickLot: 1, equity: 1_000_000)
    modify(&c)
    return c
}

/// Whether two numbers agree to `tolerance` (absolute).
func close(_ a: Double, _ b: Double, _ tolerance: Double = 1e-9) -> Bool {
    abs(a - b) <= tolerance
}

/// The denial reason of a verdict, nil when it passes.
extension RiskVerdict {
    var reason: RiskReason? {
        if case .deny(let r) = self { return r }
        return nil
    }
}
