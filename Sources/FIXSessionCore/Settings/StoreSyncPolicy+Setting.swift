/// The `FileStoreSync` setting: the sync policy of the session's ``FileStore``, read and written.
extension StoreSyncPolicy: CustomStringConvertible {
    /// Reads a `FileStoreSync` value: `always`, `never`, `Y` (always), `N` (never) or a positive
    /// whole number of milliseconds. Nil for anything else.
    public init?(settingValue text: String) {
        switch text {
        case "always", "Y": self = .always
        case "never", "N": self = .never
        default:
            guard let ms = settingsWholeNumber(text), ms > 0 else { return nil }
            self = .interval(milliseconds: ms)
        }
    }

    /// The value as written in a settings file: `always`, `never` or the milliseconds.
    public var description: String {
        switch self {
        case .always: "always"
        case .never: "never"
        case .interval(let ms): String(ms)
        }
    }
}

/// A whole number written with ASCII digits only, up to 2147483647; nil otherwise.
func settingsWholeNumber(_ text: some StringProtocol) -> Int? {
    guard !text.isEmpty, text.utf8.count <= 10, text.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }),
          let v = Int(text), v <= Int(Int32.max)
    else { return nil }
    return v
}
