/// Which optional checks validation makes (the settings-file keys in parentheses).
public struct ValidationSettings: Sendable, Equatable {
    /// Header fields must come before the body and trailer fields after it
    /// (`ValidateFieldsOutOfOrder`, default on).
    public var checkFieldsOutOfOrder: Bool
    /// Every field must have a value (`ValidateFieldsHaveValues`, default on).
    public var checkFieldsHaveValues: Bool
    /// User-defined fields (tag 5000 and up) must be defined and allowed in the message
    /// (`ValidateUserDefinedFields`, default on).
    public var checkUserDefinedFields: Bool

    public init(checkFieldsOutOfOrder: Bool = true, checkFieldsHaveValues: Bool = true,
                checkUserDefinedFields: Bool = true) {
        self.checkFieldsOutOfOrder = checkFieldsOutOfOrder
        self.checkFieldsHaveValues = checkFieldsHaveValues
        self.checkUserDefinedFields = checkUserDefinedFields
    }

    /// Every check on.
    public static let strict = ValidationSettings()
}
