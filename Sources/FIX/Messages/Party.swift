/// One party of a message (an instance of NoPartyIDs, 453, the Parties component): who it is,
/// in which scheme, and what it is to the message.
public struct Party: Sendable, Equatable {
    /// PartyID (448): the party's identifier.
    public var id: String
    /// PartyIDSource (447): the scheme of `id`.
    public var source: PartyIDSource?
    /// PartyRole (452): what the party is to the message (executing firm, client, ...).
    public var role: PartyRole?

    /// A party.
    public init(id: String, source: PartyIDSource? = nil, role: PartyRole? = nil) {
        self.id = id
        self.source = source
        self.role = role
    }

    init(_ r: BodyReader) throws(FIXMessageDecodeError) {
        id = try r.string(Tag.partyID)
        source = try r.codeIfPresent(Tag.partyIDSource)
        role = try r.codeIfPresent(Tag.partyRole)
    }

    /// Appends the party's fields in the group's order, PartyID first.
    func write(into e: FIXEncoder) {
        e.writeField(Tag.partyID, id)
        e.writeFieldIfPresent(Tag.partyIDSource, source)
        e.writeFieldIfPresent(Tag.partyRole, role)
    }

    /// Reads the Parties of `level` (nil when it has no NoPartyIDs field), and leaves the
    /// group out of the level's later reads.
    static func read(_ level: inout BodyReader) throws(FIXMessageDecodeError) -> [Party]? {
        guard let group = try GroupReader.read(.parties, in: level, { (g: BodyReader) throws(FIXMessageDecodeError) -> Party in
            try Party(g)
        }) else { return nil }
        level.exclude(group.span)
        return group.values
    }

    /// Reads the Parties of `level`, which must have them (NoPartyIDs may count 0).
    static func readRequired(_ level: inout BodyReader) throws(FIXMessageDecodeError) -> [Party] {
        guard let parties = try read(&level) else { throw .missing(Tag.noPartyIDs) }
        return parties
    }

    /// Writes NoPartyIDs and the instances.
    static func write(_ parties: [Party], into e: FIXEncoder) {
        e.writeField(Tag.noPartyIDs, parties.count)
        for p in parties { p.write(into: e) }
    }
}
