/// The study's arithmetic of fees and rebates (docs/STUDY.md): with trading profit p, fees f
/// paid (negative: rebates received) and a venue that rebates the fraction k of the fees.
public enum Rebate {
    /// The net profit after the rebate: p - (1 - k) f.
    public static func netProfit(profit: Double, fees: Double, rebateRatio k: Double) -> Double {
        profit - (1 - k) * fees
    }

    /// The break-even rebate k_c = 1 - p / f when fees were paid, else nil.
    public static func breakEven(profit: Double, fees: Double) -> Double? {
        fees > 0 ? 1 - profit / fees : nil
    }
}
