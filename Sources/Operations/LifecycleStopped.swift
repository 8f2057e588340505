/// The figures of a part that has stopped without leaving its last ones (it failed while
/// stopping): there is nothing to read.
public struct LifecycleStopped: Error, Sendable, CustomStringConvertible {
    public init() {}

    public var description: String { "stopped: no figures to read" }
}
