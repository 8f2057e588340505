/// Writes messages for people (tag names and enum meanings, groups indented) and for machines
/// (one JSON object a message), as `mm decode` prints them.
public struct FIXMessageFormatter: Sendable {
    /// Gives tag names and enum meanings.
    public let dictionary: DataDictionary

    public init(dictionary: DataDictionary) {
        self.dictionary = dictionary
    }

    /// A message as text: a title line with its type, then one line per field
    /// `tag Name = value (MEANING)`, group instances indented; with a validation result
    /// (`reject` is nil for a valid message) a last line says valid or why not.
    public func text(_ message: FIXMessage, validated: Bool, reject: FIXReject?, title: String? = nil) -> String {
        var out = ""
        let msgType = message.msgType ?? "?"
        let name = dictionary.message(msgType)?.name ?? "unknown message type"
        out += "\(title.map { "\($0) " } ?? "")\(msgType) \(name)\n"
        let nameWidth = 22
        for field in message.fields {
            let tag = Int(field.tag)
            let value = message.withValue(field) { String(decoding: $0, as: UTF8.self) }
            let indent = "  " + String(repeating: "    ", count: Int(field.depth))
            let tagText = String(tag).leftPadded(to: 5)
            var line = "\(indent)\(tagText) \((dictionary.name(of: tag) ?? "?").rightPadded(to: nameWidth)) = \(visible(value))"
            if let meaning = meaning(tag, value) { line += " (\(meaning))" }
            out += line + "\n"
        }
        if validated {
            if let reject {
                var why = "  INVALID: 373=\(reject.reason.rawValue) \(reject.text)"
                if let t = reject.refTagID { why += ", tag \(t)\(dictionary.name(of: t).map { " (\($0))" } ?? "")" }
                out += why + "\n"
            } else {
                out += "  valid\n"
            }
        }
        return out
    }

    /// A message as one JSON object:
    /// `{"msgType":"D","valid":true,"fields":[[8,"FIX.4.4"],...]}`; `valid` and, for an invalid
    /// message, `reject` (`{"reason":5,"refTag":21,"text":"..."}`) only when validated.
    public func json(_ message: FIXMessage, validated: Bool, reject: FIXReject?) -> String {
        var out = "{\"msgType\":" + jsonString(message.msgType ?? "")
        if validated {
            out += ",\"valid\":\(reject == nil)"
        }
        out += ",\"fields\":["
        for (k, field) in message.fields.enumerated() {
            if k > 0 { out += "," }
            let value = message.withValue(field) { String(decoding: $0, as: UTF8.self) }
            out += "[\(field.tag),\(jsonString(value))]"
        }
        out += "]"
        if validated, let reject {
            out += ",\"reject\":{\"reason\":\(reject.reason.rawValue)"
            if let t = reject.refTagID { out += ",\"refTag\":\(t)" }
            if let m = reject.refMsgType { out += ",\"refMsgType\":\(jsonString(m))" }
            out += ",\"text\":\(jsonString(reject.text))}"
        }
        return out + "}"
    }

    /// Garbled input as text.
    public func garbledText(offset: Int, line: Int, reason: String, length: Int) -> String {
        "GARBLED at byte \(offset) (line \(line)), \(length) bytes skipped: \(reason)\n"
    }

    /// Garbled input as JSON: `{"garbled":true,"offset":N,"line":L,"reason":"..."}`.
    public func garbledJSON(offset: Int, line: Int, reason: String, length: Int) -> String {
        "{\"garbled\":true,\"offset\":\(offset),\"line\":\(line),\"length\":\(length),\"reason\":\(jsonString(reason))}"
    }

    private func meaning(_ tag: Int, _ value: String) -> String? {
        guard let f = dictionary.field(tag), !f.values.isEmpty else { return nil }
        if f.type.isMultipleValue {
            let parts = value.split(separator: " ").map { f.meaning(of: String($0)) ?? "?" }
            return parts.joined(separator: " ")
        }
        return f.meaning(of: value)
    }

    /// The value with control characters shown as `\xNN`, so data fields print on one line.
    private func visible(_ value: String) -> String {
        var s = ""
        for u in value.unicodeScalars {
            if u.value < 32 || u.value == 127 {
                s += "\\x" + String(u.value, radix: 16).leftPadded(to: 2, with: "0")
            } else {
                s.unicodeScalars.append(u)
            }
        }
        return s
    }
}

/// A JSON string literal for `s`, as the decoder's JSON lines write it: every control character
/// and DEL escaped (so SOH shows as \u0001), slashes as they are. One call per field value of
/// every message decoded: a JSONEncoder here would allocate an encoder's buffers for each.
func jsonString(_ s: String) -> String {
    var out = "\""
    for u in s.unicodeScalars {
        switch u {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        default:
            if u.value < 32 || u.value == 127 {
                out += "\\u" + String(u.value, radix: 16).leftPadded(to: 4, with: "0")
            } else {
                out.unicodeScalars.append(u)
            }
        }
    }
    return out + "\""
}

extension String {
    func leftPadded(to width: Int, with pad: Character = " ") -> String {
        count >= width ? self : String(repeating: pad, count: width - count) + self
    }

    func rightPadded(to width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}
