/// Why a parsed message could not be read as a typed message: a required field is missing, or a
/// field's value does not have its type's format or is not one of its enumerated values.
public struct FIXMessageDecodeError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What is wrong with the field.
    public enum Reason: Hashable, Sendable {
        /// A required field (or a required repeating group's NumInGroup field) is absent.
        case missing
        /// The field is present but its value is empty, has the wrong format or is not one of the
        /// field's known values; for a NumInGroup field, the count does not match the instances found.
        case malformed
    }

    /// The tag of the field concerned.
    public var tag: Int
    /// What is wrong with it.
    public var reason: Reason

    /// An error about field `tag`.
    public init(tag: Int, reason: Reason) {
        self.tag = tag
        self.reason = reason
    }

    /// A required field `tag` is absent.
    public static func missing(_ tag: Int) -> FIXMessageDecodeError { FIXMessageDecodeError(tag: tag, reason: .missing) }

    /// Field `tag` has a value that cannot be read.
    public static func malformed(_ tag: Int) -> FIXMessageDecodeError { FIXMessageDecodeError(tag: tag, reason: .malformed) }

    /// For example `required tag 11 missing` or `tag 54 has a malformed value`.
    public var description: String {
        switch reason {
        case .missing: return "required tag \(tag) missing"
        case .malformed: return "tag \(tag) has a malformed value"
        }
    }
}
