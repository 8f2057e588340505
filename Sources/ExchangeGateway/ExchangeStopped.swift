/// The exchange has been stopped (``ExchangeService/stop(timeout:)``): its figures can no
/// longer be read.
public struct ExchangeStopped: Error, Sendable, CustomStringConvertible {
    public init() {}

    public var description: String { "the exchange has stopped" }
}
