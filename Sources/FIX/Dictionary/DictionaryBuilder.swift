/// Turns the XML tree of a QuickFIX-layout dictionary into a ``DataDictionary``'s parts,
/// flattening components and checking references, with the line of each problem.
struct DictionaryBuilder {
    let path: String
    private var fields: [Int: FieldDefinition] = [:]
    private var tagsByName: [String: Int] = [:]
    private var componentElements: [String: XMLElement] = [:]
    /// Components being expanded, to catch one that contains itself.
    private var expanding: Set<String> = []

    init(path: String) { self.path = path }

    struct Built {
        var beginString: String
        var fields: [Int: FieldDefinition]
        var tagsByName: [String: Int]
        var header: FieldLayout
        var trailer: FieldLayout
        var messages: [String: MessageDefinition]
    }

    private func fail(_ e: XMLElement?, _ reason: String) -> DataDictionaryError {
        DataDictionaryError(code: .invalid, path: path, line: e?.line ?? 0, reason: reason)
    }

    mutating func build(_ root: XMLElement) throws -> Built {
        guard root.name == "fix" else { throw fail(root, "root element is <\(root.name)>, expected <fix>") }
        let type = root.attribute("type") ?? "FIX"
        guard let major = root.attribute("major"), let minor = root.attribute("minor") else {
            throw fail(root, "<fix> needs major and minor attributes")
        }
        let beginString = "\(type == "FIXT" ? "FIXT" : "FIX").\(major).\(minor)"

        guard let fieldsElement = root.firstChild(named: "fields") else { throw fail(root, "no <fields> section") }
        for f in fieldsElement.children(named: "field") {
            guard let numberText = f.attribute("number"), let number = Int(numberText), number > 0 else {
                throw fail(f, "field needs a positive number attribute")
            }
            guard let name = f.attribute("name"), !name.isEmpty else { throw fail(f, "field \(number) has no name") }
            guard let typeName = f.attribute("type") else { throw fail(f, "field \(name) has no type") }
            guard let type = FIXFieldType(dictionaryName: typeName) else {
                throw fail(f, "field \(name) has unknown type '\(typeName)'")
            }
            if let other = fields[number] { throw fail(f, "tag \(number) defined twice (\(other.name), \(name))") }
            if tagsByName[name] != nil { throw fail(f, "field name \(name) defined twice") }
            var values: [FieldDefinition.EnumValue] = []
            for v in f.children(named: "value") {
                guard let e = v.attribute("enum") else { throw fail(v, "value of \(name) has no enum attribute") }
                values.append(.init(value: e, description: v.attribute("description") ?? ""))
            }
            fields[number] = FieldDefinition(tag: number, name: name, type: type, values: values)
            tagsByName[name] = number
        }

        if let components = root.firstChild(named: "components") {
            for c in components.children(named: "component") {
                guard let name = c.attribute("name") else { throw fail(c, "component has no name") }
                if componentElements[name] != nil { throw fail(c, "component \(name) defined twice") }
                componentElements[name] = c
            }
        }

        guard let headerElement = root.firstChild(named: "header") else { throw fail(root, "no <header> section") }
        guard let trailerElement = root.firstChild(named: "trailer") else { throw fail(root, "no <trailer> section") }
        let header = try layout(named: "header", headerElement)
        let trailer = try layout(named: "trailer", trailerElement)

        guard let messagesElement = root.firstChild(named: "messages") else { throw fail(root, "no <messages> section") }
        var messages: [String: MessageDefinition] = [:]
        for m in messagesElement.children(named: "message") {
            guard let name = m.attribute("name"), let msgType = m.attribute("msgtype"), !msgType.isEmpty else {
                throw fail(m, "message needs name and msgtype attributes")
            }
            if messages[msgType] != nil { throw fail(m, "msgtype \(msgType) defined twice") }
            let body = try layout(named: name, m)
            messages[msgType] = MessageDefinition(msgType: msgType, name: name,
                                                  category: m.attribute("msgcat") ?? "app", body: body)
        }
        return Built(beginString: beginString, fields: fields, tagsByName: tagsByName, header: header,
                     trailer: trailer, messages: messages)
    }

    private func isRequired(_ e: XMLElement) throws -> Bool {
        switch e.attribute("required") ?? "N" {
        case "Y", "y": return true
        case "N", "n": return false
        case let other: throw fail(e, "required must be Y or N, not '\(other)'")
        }
    }

    /// Builds the layout of the children of `element`.
    private mutating func layout(named name: String, _ element: XMLElement) throws -> FieldLayout {
        var items: [FieldLayout.Item] = []
        var groups: [Int: GroupDefinition] = [:]
        try collect(element, required: true, into: &items, groups: &groups)
        var seen = Set<Int>()
        for item in items where !seen.insert(item.tag).inserted {
            throw fail(element, "field \(fields[item.tag]?.name ?? String(item.tag)) appears twice in \(name)")
        }
        return FieldLayout(name: name, items: items, groups: groups)
    }

    /// Adds the fields, groups and (expanded) components under `element`. Inside a component
    /// that is not required, nothing is required.
    private mutating func collect(_ element: XMLElement, required parentRequired: Bool,
                                  into items: inout [FieldLayout.Item], groups: inout [Int: GroupDefinition]) throws {
        for child in element.children {
            switch child.name {
            case "field":
                let tag = try tag(of: child)
                let required = try isRequired(child)
                items.append(.init(tag: tag, required: parentRequired && required))
            case "group":
                let tag = try tag(of: child)
                guard fields[tag]?.type == .numInGroup || fields[tag]?.type == .int else {
                    throw fail(child, "group \(child.attribute("name") ?? "") is not a NUMINGROUP field")
                }
                let required = try parentRequired && isRequired(child)
                items.append(.init(tag: tag, required: required))
                let inner = try layout(named: child.attribute("name") ?? String(tag), child)
                guard let delimiter = inner.items.first?.tag else {
                    throw fail(child, "group \(child.attribute("name") ?? "") has no fields")
                }
                groups[tag] = GroupDefinition(countTag: tag, delimiterTag: delimiter, layout: inner)
            case "component":
                guard let name = child.attribute("name") else { throw fail(child, "component reference has no name") }
                guard let definition = componentElements[name] else { throw fail(child, "undefined component \(name)") }
                guard expanding.insert(name).inserted else { throw fail(child, "component \(name) contains itself") }
                defer { expanding.remove(name) }
                let required = try isRequired(child)
                try collect(definition, required: parentRequired && required, into: &items, groups: &groups)
            case "value":
                continue
            default:
                throw fail(child, "unexpected <\(child.name)>")
            }
        }
    }

    private func tag(of e: XMLElement) throws -> Int {
        guard let name = e.attribute("name") else { throw fail(e, "<\(e.name)> has no name") }
        guard let tag = tagsByName[name] else { throw fail(e, "undefined field \(name)") }
        return tag
    }
}
