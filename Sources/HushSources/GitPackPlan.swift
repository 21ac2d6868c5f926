import Foundation

/// How to read a set of blobs out of a repository's packs: grouped into
/// delta families (blobs linked by delta chains), each read in pack order by
/// one thread, so every base is resolved once and is still cached when its
/// deltas come.
public struct GitPackPlan {
    /// A group of blobs from one pack, in offset order.
    public struct Family: Sendable {
        /// Index into `packs`.
        public var pack: Int
        /// Positions (in the ids given to `make`) and offsets, by offset.
        public var members: [(index: Int32, offset: UInt64)]
    }

    /// The packs the families read from.
    public var packs: [GitPack] = []
    /// Per pack, the offsets of entries that are some delta's base (worth
    /// keeping once read).
    public var bases: [Set<UInt64>] = []
    /// Families, largest first.
    public var families: [Family] = []
    /// Positions of ids found in no pack (loose objects, damaged packs).
    public var unpacked: [Int32] = []

    /// An empty plan: everything is read through libgit2.
    public init() {}

    /// Plans reading `ids` from the packs under `objectsDirectory` (and its
    /// alternates). Families larger than `maxFamily` blobs are cut into
    /// pieces of that size, so that threads share a history dominated by
    /// one file.
    public static func make(_ ids: [GitObjectID], objectsDirectory: String, maxFamily: Int = .max) -> GitPackPlan {
        make(ids, packs: GitPackSet(objectsDirectory: objectsDirectory).packs, maxFamily: maxFamily)
    }

    /// Plans reading `ids` from `packs` (see `make(_:objectsDirectory:maxFamily:)`).
    /// `workers` threads read the entries' headers.
    public static func make(_ ids: [GitObjectID], packs: [GitPack], maxFamily: Int = .max, workers: Int = 1)
        -> GitPackPlan
    {
        var plan = GitPackPlan()
        // Each id once (the first position that names it).
        var unique = Set<GitObjectID>()
        unique.reserveCapacity(ids.count)
        var pending: [Int32] = []
        pending.reserveCapacity(ids.count)
        for (index, id) in ids.enumerated() where unique.insert(id).inserted { pending.append(Int32(index)) }
        for pack in packs {
            guard !pending.isEmpty else { break }
            // Looked up in the index by every worker; what is not here stays pending.
            let found = offsets(of: pending, ids: ids, in: pack, workers: workers)
            var members: [(index: Int32, offset: UInt64)] = []
            var missing: [Int32] = []
            for (index, offset) in zip(pending, found) {
                if offset == noBase { missing.append(index) } else { members.append((index, offset)) }
            }
            pending = missing
            // In pack order: the header reads then go through the file forwards.
            members.sort { $0.offset < $1.offset }
            guard !members.isEmpty else { continue }
            let packNumber = plan.packs.count
            plan.packs.append(pack)
            // One header read per member, spread over the workers; each member's
            // base is then known without reading again.
            let memberBases = deltaBases(of: members.map(\.offset), in: pack, workers: workers)
            var baseOf: [UInt64: UInt64] = [:]
            for (member, base) in zip(members, memberBases) where base != noBase { baseOf[member.offset] = base }
            // Only deltas have chains to follow; a blob stored whole is its own root.
            var roots: [UInt64: UInt64] = [:]
            var bases = Set<UInt64>()
            var rootOf = [UInt64](repeating: 0, count: members.count)
            for (number, member) in members.enumerated() {
                rootOf[number] =
                    memberBases[number] == noBase
                    ? member.offset
                    : root(of: member.offset, in: pack, knownBases: baseOf, memo: &roots, bases: &bases)
            }
            plan.bases.append(bases)
            // A whole blob no delta is made from is a family of its own.
            var groups: [UInt64: [(index: Int32, offset: UInt64)]] = [:]
            for (number, member) in members.enumerated() {
                if rootOf[number] == member.offset, !bases.contains(member.offset) {
                    plan.families.append(Family(pack: packNumber, members: [member]))
                } else {
                    groups[rootOf[number], default: []].append(member)
                }
            }
            for var group in groups.values {
                group.sort { $0.offset < $1.offset }
                var start = 0
                while start < group.count {
                    let end = min(group.count, start + max(1, maxFamily))
                    plan.families.append(Family(pack: packNumber, members: Array(group[start..<end])))
                    start = end
                }
            }
        }
        plan.families.sort { $0.members.count > $1.members.count }
        plan.unpacked = pending
        return plan
    }

    /// The offset of each of `positions`' ids in `pack` (`noBase`: not
    /// there), looked up in its index by `workers` threads.
    static func offsets(of positions: [Int32], ids: [GitObjectID], in pack: GitPack, workers: Int) -> [UInt64] {
        mapPieces(of: positions.count, workers: workers, parallelFrom: 4096) {
            pack.offset(of: ids[Int(positions[$0])]) ?? noBase
        }
    }

    /// Marks an entry that is no delta (or cannot be read) in `deltaBases`.
    static let noBase = UInt64.max

    /// The base offset of each entry at `offsets` (`noBase` for entries that
    /// are no delta or cannot be read), read by `workers` threads.
    /// `offsets` ascend: the headers are read a few KB at a time (small
    /// entries lie a few to a window, see `GitPackWindows`).
    static func deltaBases(of offsets: [UInt64], in pack: GitPack, workers: Int) -> [UInt64] {
        mapPieces(
            of: offsets.count, workers: workers, parallelFrom: 4096, each: { GitPackWindows(capacity: 1) },
            transform: { windows, index in deltaBase(at: offsets[index], in: pack, windows: windows) })
    }

    /// The base offset of the entry at `offset` (`noBase` when it is no
    /// delta or cannot be read).
    static func deltaBase(at offset: UInt64, in pack: GitPack, windows: GitPackWindows? = nil) -> UInt64 {
        switch pack.entry(at: offset, windows: windows)?.kind {
        case .offsetDelta(let base): return base
        case .referenceDelta(let id): return pack.offset(of: id) ?? noBase
        default: return noBase
        }
    }

    /// The first entry of the delta chain through `offset` (the entry itself
    /// when it is no delta or its chain cannot be followed); `knownBases`
    /// gives entries' bases already read (`noBase`: none).
    /// Notes every base met on the way in `bases`.
    static func root(
        of offset: UInt64, in pack: GitPack, knownBases: [UInt64: UInt64] = [:], memo: inout [UInt64: UInt64],
        bases: inout Set<UInt64>
    ) -> UInt64 {
        var chain: [UInt64] = []
        var current = offset
        var root = offset
        while true {
            if let known = memo[current] {
                root = known
                break
            }
            chain.append(current)
            guard chain.count < 10_000 else {
                root = current
                break
            }
            let next = knownBases[current] ?? deltaBase(at: current, in: pack)
            guard next != noBase, next != current else {
                root = current
                break
            }
            bases.insert(next)
            current = next
        }
        for link in chain { memo[link] = root }
        return root
    }
}
