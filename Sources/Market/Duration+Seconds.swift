extension Duration {
    /// The duration in seconds, with its fraction (for figures and messages, not arithmetic on
    /// instants: a Double keeps about a nanosecond's precision over a hundred days).
    public var inSeconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
