/// Reads repeating groups from a message's own field table, so typed messages do not depend on
/// the groups having been resolved against a dictionary.
///
/// When the message's groups were resolved (``FIXMessage/groupsResolved``), the fields' nesting
/// depths say exactly where the group and each instance end. Otherwise the group is taken to run
/// from the field after its NumInGroup field for as long as the tags are members of the group
/// (its FIX 4.4 fields, those of its components and nested groups, and user-defined tags of 5000
/// and up), with a new instance at each delimiter field. Either way the number of instances must
/// equal the NumInGroup count.
enum GroupReader {
    /// What identifies a repeating group: its NumInGroup tag, its delimiter (first field of every
    /// instance) and, for reading without a dictionary, every tag that may appear in an instance.
    struct Layout: Sendable {
        let countTag: Int
        let delimiter: Int32
        let members: Set<Int32>

        init(countTag: Int, delimiter: Int, members: [Int32]) {
            self.countTag = countTag
            self.delimiter = Int32(delimiter)
            self.members = Set(members).union([Int32(delimiter)])
        }

        func isMember(_ tag: Int32) -> Bool {
            tag >= Int32(Tag.userDefinedMin) || members.contains(tag)
        }
    }

    /// Reads the instances of the group `layout` in level `level`, each with `parse`. Returns nil
    /// when the NumInGroup field is absent; otherwise the values and the range of field indexes the
    /// group takes (NumInGroup field included).
    static func read<T>(
        _ layout: Layout, in level: BodyReader,
        _ parse: (BodyReader) throws(FIXMessageDecodeError) -> T
    ) throws(FIXMessageDecodeError) -> (values: [T], span: Range<Int>)? {
        guard let countIndex = level.index(of: layout.countTag) else { return nil }
        let message = level.message
        let countField = message.fields[countIndex]
        guard countField.valueLength > 0,
              let declared = message.withValue(countField, { parseFIXInt($0) }), declared >= 0
        else { throw .malformed(layout.countTag) }

        let resolved = message.groupsResolved
        let instanceDepth = resolved ? level.depth &+ 1 : level.depth
        let end = level.range.upperBound
        var values: [T] = []
        values.reserveCapacity(min(declared, end - countIndex))
        var i = countIndex + 1
        var instanceStart = -1
        while i < end {
            let f = message.fields[i]
            let inGroup = resolved ? f.depth > level.depth : layout.isMember(f.tag)
            guard inGroup else { break }
            if f.tag == layout.delimiter && f.depth == instanceDepth {
                if instanceStart >= 0 {
                    values.append(try parse(BodyReader(message: message, range: instanceStart..<i, depth: instanceDepth)))
                }
                instanceStart = i
            } else if instanceStart < 0 {
                break  // the first field of an instance must be the delimiter
            }
            i += 1
        }
        if instanceStart >= 0 {
            values.append(try parse(BodyReader(message: message, range: instanceStart..<i, depth: instanceDepth)))
        }
        guard values.count == declared else { throw .malformed(layout.countTag) }
        return (values, countIndex..<i)
    }

    /// Reads a required group: throws `missing` on the NumInGroup tag when it is absent.
    static func readRequired<T>(
        _ layout: Layout, in level: BodyReader,
        _ parse: (BodyReader) throws(FIXMessageDecodeError) -> T
    ) throws(FIXMessageDecodeError) -> (values: [T], span: Range<Int>) {
        guard let r = try read(layout, in: level, parse) else { throw .missing(layout.countTag) }
        return r
    }
}

// MARK: - FIX 4.4 group layouts

extension GroupReader.Layout {
    /// Tags of the Instrument component and its nested groups (SecAltIDGrp, EvntGrp).
    static let instrumentTags: [Int32] = [
        22, 48, 55, 65, 106, 107, 167, 200, 201, 202, 206, 207, 223, 224, 225, 226, 227, 228, 231,
        239, 240, 255, 348, 349, 350, 351, 454, 455, 456, 460, 461, 470, 471, 472, 541, 543, 667,
        691, 762, 864, 865, 866, 867, 868, 873, 874, 875, 876, 947,
    ]

    /// Tags of the UndInstrmtGrp and InstrmtLegGrp components (underlyings and legs).
    static let underlyingAndLegTags: [Int32] = [
        241, 242, 243, 244, 245, 246, 247, 248, 249, 250, 251, 252, 253, 254, 256, 257, 305, 306,
        307, 308, 309, 310, 311, 312, 313, 315, 316, 317, 318, 362, 363, 364, 365, 435, 436, 457,
        458, 459, 462, 463, 542, 555, 556, 592, 593, 594, 595, 596, 597, 598, 599, 600, 601, 602,
        603, 604, 605, 606, 607, 608, 609, 610, 611, 612, 613, 614, 615, 616, 617, 618, 619, 620,
        621, 622, 623, 624, 711, 739, 740, 763, 764, 810, 877, 878, 879, 882, 883, 884, 885, 886,
        887, 888, 889, 941, 942, 955, 956,
    ]

    /// NoMDEntryTypes (267) in MarketDataRequest: MDEntryType (269).
    static let mdEntryTypes = GroupReader.Layout(countTag: Tag.noMDEntryTypes, delimiter: Tag.mdEntryType, members: [])

    /// NoRelatedSym (146) in MarketDataRequest: Instrument, UndInstrmtGrp, InstrmtLegGrp; Symbol (55) first.
    static let mdRequestRelatedSym = GroupReader.Layout(
        countTag: Tag.noRelatedSym, delimiter: Tag.symbol, members: instrumentTags + underlyingAndLegTags)

    /// NoMDEntries (268) in MarketDataSnapshotFullRefresh (MDFullGrp), MDEntryType (269) first.
    /// MDEntryID (278), not in the FIX 4.4 group, is accepted too.
    static let mdFullEntries = GroupReader.Layout(
        countTag: Tag.noMDEntries, delimiter: Tag.mdEntryType,
        members: [15, 18, 37, 58, 59, 110, 126, 269, 270, 271, 272, 273, 274, 275, 276, 277, 278, 282,
                  283, 284, 286, 287, 288, 289, 290, 299, 336, 346, 354, 355, 432, 546, 625, 811])

    /// NoMDEntries (268) in MarketDataIncrementalRefresh (MDIncGrp), MDUpdateAction (279) first.
    static let mdIncEntries = GroupReader.Layout(
        countTag: Tag.noMDEntries, delimiter: Tag.mdUpdateAction,
        members: [15, 18, 37, 58, 59, 110, 126, 269, 270, 271, 272, 273, 274, 275, 276, 277, 278, 279,
                  280, 282, 283, 284, 285, 286, 287, 288, 289, 290, 291, 292, 299, 336, 346, 354, 355,
                  432, 451, 546, 625, 811] + instrumentTags + underlyingAndLegTags)
}

extension GroupReader.Layout {
    /// NoPartyIDs (453) of the Parties component, PartyID (448) first, with its PtysSubGrp.
    static let parties = GroupReader.Layout(countTag: Tag.noPartyIDs, delimiter: Tag.partyID,
                                            members: [447, 452, 523, 802, 803])

    /// NoAffectedOrders (534) in OrderMassCancelReport (AffectedOrdGrp), OrigClOrdID (41) first.
    static let affectedOrders = GroupReader.Layout(countTag: Tag.noAffectedOrders, delimiter: Tag.origClOrdID,
                                                   members: [535, 536])

    /// NoPositions (702) of the PositionQty component, PosType (703) first, with its
    /// NestedParties.
    static let positions = GroupReader.Layout(countTag: Tag.noPositions, delimiter: Tag.posType,
                                              members: [524, 525, 538, 539, 545, 704, 705, 706, 804, 805])

    /// NoPosAmt (753) of the PositionAmountData component, PosAmtType (707) first.
    static let positionAmounts = GroupReader.Layout(countTag: Tag.noPosAmt, delimiter: Tag.posAmtType, members: [708])
}
