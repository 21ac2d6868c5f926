import HushSources

/// Versions of a path that git stored whole, read one after the other.
///
/// A pack need not store a file's versions as deltas of each other (a pack
/// written without a delta search, objects too far apart for its window).
/// Each version then still differs from the one it replaced by a few lines:
/// the bytes the two share at the start and at the end are copies, and the
/// new version is scanned only around the rest, like a delta (see
/// `HistoryScanner+Deltas.swift`). The versions come from the commit walk:
/// the blob a path held in the parent commit where a blob first appeared.
extension HistoryScanner {
    /// Blobs stored whole, linked to the version of their path they replaced.
    struct Lineage {
        /// Index into the plan's packs.
        var pack: Int
        /// Parents before children. `parent` is the position of the version
        /// this one replaced (-1: none here, the blob is scanned whole).
        var members: [(index: Int32, offset: UInt64, parent: Int32)]
        /// Per member, how many members replaced it.
        var children: [Int32]
    }

    /// For each blob, the version of its path that it replaced where it
    /// first appeared (-1: none), and the commit of that first appearance.
    static func predecessors(in set: GitChangeSet) -> (previous: [Int32], first: [Int32]) {
        var previous = [Int32](repeating: -1, count: set.blobs.count)
        var first = [Int32](repeating: -1, count: set.blobs.count)
        var seen = [Bool](repeating: false, count: set.blobs.count)
        // Changes come in commit order, parents before children.
        for change in set.changes where !seen[Int(change.blob)] {
            seen[Int(change.blob)] = true
            first[Int(change.blob)] = change.commit
            if let replaced = set.previousBlobs(of: change).first, replaced != change.blob {
                previous[Int(change.blob)] = replaced
            }
        }
        return (previous, first)
    }

    /// Takes the single-blob families of `plan` (blobs stored whole that
    /// no delta is made from) whose path versions are also such blobs, and
    /// returns them as lineages of at most `maxMembers` blobs.
    /// `predecessors` are `predecessors(in: changes)`.
    static func lineages(
        taking families: inout [GitPackPlan.Family], bases: [Set<UInt64>], changes: GitChangeSet,
        predecessors: (previous: [Int32], first: [Int32]), maxMembers: Int
    ) -> [Lineage] {
        let (previous, first) = predecessors
        let count = changes.blobs.count
        // Where each whole, single blob is (pack -1: not such a blob).
        var singlePack = [Int](repeating: -1, count: count)
        var singleOffset = [UInt64](repeating: 0, count: count)
        var singles: [Int32] = []
        for family in families where family.members.count == 1 {
            let member = family.members[0]
            if !bases[family.pack].contains(member.offset) {
                singlePack[Int(member.index)] = family.pack
                singleOffset[Int(member.index)] = member.offset
                singles.append(member.index)
            }
        }
        func parent(of blob: Int32) -> Int32? {
            let replaced = previous[Int(blob)]
            guard replaced >= 0, singlePack[Int(blob)] >= 0, singlePack[Int(replaced)] == singlePack[Int(blob)]
            else { return nil }
            return replaced
        }
        // Group by the oldest version each chain of replacements leads to.
        var roots = [Int32](repeating: -1, count: count)
        var groups: [Int32: [Int32]] = [:]
        for blob in singles {
            var chain: [Int32] = []
            var root = blob
            while roots[Int(root)] < 0, let up = parent(of: root), chain.count < singles.count {
                chain.append(root)
                root = up
            }
            if roots[Int(root)] >= 0 { root = roots[Int(root)] }
            for link in chain { roots[Int(link)] = root }
            roots[Int(blob)] = root
            groups[root, default: []].append(blob)
        }
        var lineages: [Lineage] = []
        var taken = [Bool](repeating: false, count: count)
        var position = [Int32](repeating: -1, count: count)
        for var group in groups.values where group.count > 1 {
            group.sort { (first[Int($0)], $0) < (first[Int($1)], $1) }
            var start = 0
            while start < group.count {
                let piece = group[start..<min(group.count, start + max(2, maxMembers))]
                start += piece.count
                guard piece.count > 1 else { continue }
                var lineage = Lineage(pack: singlePack[Int(piece.first!)], members: [], children: [])
                for blob in piece {
                    let parentPosition = parent(of: blob).map { position[Int($0)] } ?? -1
                    if parentPosition >= 0 { lineage.children[Int(parentPosition)] += 1 }
                    position[Int(blob)] = Int32(lineage.members.count)
                    lineage.members.append((blob, singleOffset[Int(blob)], parentPosition))
                    lineage.children.append(0)
                    taken[Int(blob)] = true
                }
                // Positions are per lineage: a later piece must not see them.
                for blob in piece { position[Int(blob)] = -1 }
                lineages.append(lineage)
            }
        }
        families.removeAll { $0.members.count == 1 && taken[Int($0.members[0].index)] }
        return lineages
    }
}
