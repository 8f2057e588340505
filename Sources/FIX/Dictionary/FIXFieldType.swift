import Market
/// The value types of FIX fields, as data dictionaries name them.
public enum FIXFieldType: String, Sendable, CaseIterable {
    case int = "INT", length = "LENGTH", numInGroup = "NUMINGROUP", seqNum = "SEQNUM", tagNum = "TAGNUM"
    case dayOfMonth = "DAYOFMONTH"
    case float = "FLOAT", qty = "QTY", price = "PRICE", priceOffset = "PRICEOFFSET", amt = "AMT"
    case percentage = "PERCENTAGE"
    case char = "CHAR", boolean = "BOOLEAN"
    case string = "STRING", multipleValueString = "MULTIPLEVALUESTRING"
    case multipleCharValue = "MULTIPLECHARVALUE", multipleStringValue = "MULTIPLESTRINGVALUE"
    case exchange = "EXCHANGE", currency = "CURRENCY", country = "COUNTRY", language = "LANGUAGE"
    case utcTimestamp = "UTCTIMESTAMP", utcTimeOnly = "UTCTIMEONLY", utcDateOnly = "UTCDATEONLY"
    case localMktDate = "LOCALMKTDATE", monthYear = "MONTHYEAR"
    case tzTimeOnly = "TZTIMEONLY", tzTimestamp = "TZTIMESTAMP", localMktTime = "LOCALMKTTIME"
    case data = "DATA", xmlData = "XMLDATA", xid = "XID", xidRef = "XIDREF"
    case reserved100Plus = "RESERVED100PLUS", reserved1000Plus = "RESERVED1000PLUS"
    case reserved4000Plus = "RESERVED4000PLUS"

    /// Reads a dictionary type name, also accepting the older names some dictionaries use
    /// (`UTCDATE`, `DATE`, `TIME`).
    public init?(dictionaryName: String) {
        switch dictionaryName.uppercased() {
        case "UTCDATE": self = .utcDateOnly
        case "DATE": self = .localMktDate
        case "TIME": self = .utcTimestamp
        default:
            guard let t = FIXFieldType(rawValue: dictionaryName.uppercased()) else { return nil }
            self = t
        }
    }

    /// Whether values hold several space-separated enum values.
    public var isMultipleValue: Bool {
        self == .multipleValueString || self == .multipleCharValue || self == .multipleStringValue
    }

    /// Whether the value bytes have this type's format. Empty values are checked separately.
    public func accepts(_ v: UnsafeRawBufferPointer) -> Bool {
        switch self {
        case .int:
            return parseFIXInt(v) != nil
        case .length, .numInGroup, .seqNum, .tagNum:
            return v.count <= 18 && isDigits(v)
        case .dayOfMonth:
            guard v.count <= 2, isDigits(v), let d = parseFIXInt(v) else { return false }
            return (1...31).contains(d)
        case .float, .qty, .price, .priceOffset, .amt, .percentage, .reserved100Plus, .reserved1000Plus, .reserved4000Plus:
            return FIXDecimal(ascii: v) != nil
        case .char:
            return v.count == 1
        case .boolean:
            return v.count == 1 && (v[0] == UInt8(ascii: "Y") || v[0] == UInt8(ascii: "N"))
        case .utcTimestamp:
            return isUTCTimestamp(v)
        case .tzTimestamp:
            return v.count >= 17
        case .utcTimeOnly, .localMktTime:
            return isTimeOnly(v)
        case .tzTimeOnly:
            return v.count >= 5
        case .utcDateOnly, .localMktDate:
            return v.count == 8 && isDate(v, 0)
        case .monthYear:
            return isMonthYear(v)
        case .string, .multipleValueString, .multipleCharValue, .multipleStringValue, .exchange, .currency,
             .country, .language, .data, .xmlData, .xid, .xidRef:
            return true
        }
    }
}

@inline(__always)
private func isDigits(_ v: UnsafeRawBufferPointer) -> Bool {
    guard v.count > 0 else { return false }
    for c in v where c &- 48 >= 10 { return false }
    return true
}

private func isDate(_ v: UnsafeRawBufferPointer, _ at: Int) -> Bool {
    guard let y = digits(v, at, 4), let m = digits(v, at + 4, 2), let d = digits(v, at + 6, 2) else { return false }
    return (1...12).contains(m) && d >= 1 && d <= CivilDate.daysIn(month: m, year: y)
}

/// `YYYYMMDD-HH:MM:SS` with an optional fraction of 3, 6 or 9 digits, every part in range and
/// the year one that ``UTCTimestamp`` can hold.
private func isUTCTimestamp(_ v: UnsafeRawBufferPointer) -> Bool {
    let n = v.count
    guard n == 17 || n == 21 || n == 24 || n == 27, v[8] == UInt8(ascii: "-"), v[11] == UInt8(ascii: ":"),
          v[14] == UInt8(ascii: ":") else { return false }
    let c = twoDigits(v, 0), y = twoDigits(v, 2), m = twoDigits(v, 4), d = twoDigits(v, 6)
    let h = twoDigits(v, 9), mi = twoDigits(v, 12), s = twoDigits(v, 15)
    guard c >= 0, y >= 0, m >= 1, m <= 12, d >= 1, h >= 0, h < 24, mi >= 0, mi < 60, s >= 0, s <= 60 else { return false }
    let year = c * 100 + y
    guard UTCTimestamp.representableYears.contains(year), d <= CivilDate.daysIn(month: m, year: year) else { return false }
    if n > 17 {
        guard v[17] == UInt8(ascii: ".") else { return false }
        for i in 18..<n where v[i] &- 48 >= 10 { return false }
    }
    return true
}

/// The two-digit number at `i`, or -1 when the bytes are not digits.
@inline(__always)
private func twoDigits(_ v: UnsafeRawBufferPointer, _ i: Int) -> Int {
    let a = v[i] &- 48, b = v[i + 1] &- 48
    return a < 10 && b < 10 ? Int(a) * 10 + Int(b) : -1
}

private func isTimeOnly(_ v: UnsafeRawBufferPointer) -> Bool {
    let n = v.count
    guard n == 8 || n == 12 || n == 15 || n == 18 else { return false }
    guard v[2] == UInt8(ascii: ":"), v[5] == UInt8(ascii: ":"),
          let h = digits(v, 0, 2), let m = digits(v, 3, 2), let s = digits(v, 6, 2),
          h < 24, m < 60, s <= 60 else { return false }
    if n > 8 {
        return v[8] == UInt8(ascii: ".") && digits(v, 9, n - 9) != nil
    }
    return true
}

private func isMonthYear(_ v: UnsafeRawBufferPointer) -> Bool {
    let n = v.count
    guard n == 6 || n == 8, let y = digits(v, 0, 4), let m = digits(v, 4, 2), y > 0, (1...12).contains(m) else {
        return false
    }
    if n == 6 { return true }
    if v[6] == UInt8(ascii: "w") { return v[7] >= UInt8(ascii: "1") && v[7] <= UInt8(ascii: "5") }
    guard let d = digits(v, 6, 2) else { return false }
    return d >= 1 && d <= CivilDate.daysIn(month: m, year: y)
}
