/// Fixed-width runs of digits in ASCII text (the fields of dates and times), read in place.
public enum ASCIIDigits {
    /// The `count` digits at `at` of `b` as a number; nil when one is not a digit or the run is
    /// not inside `b`.
    @inlinable
    public static func value(_ b: UnsafeRawBufferPointer, at: Int, count: Int) -> Int? {
        guard at >= 0, count >= 0, at + count <= b.count else { return nil }
        var v = 0
        for i in at..<(at + count) {
            let d = b[i] &- 48
            guard d < 10 else { return nil }
            v = v &* 10 &+ Int(d)
        }
        return v
    }
}
