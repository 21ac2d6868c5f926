/// Reads blobs out of one `GitPack`, resolving delta chains itself with a
/// cache of the bases it met; one per thread.
///
/// A blob stored as a delta comes back with the delta's copy instructions,
/// so a scanner can tell which parts of it are unchanged from its base.
public final class GitPackReader {
    public let pack: GitPack
    private let inflater = GitInflater()
    private var cache: [UInt64: [UInt8]] = [:]
    private var cacheOrder: [UInt64] = []
    private var cacheHead = 0
    private var cachedBytes = 0
    /// Bytes of resolved objects kept for later deltas.
    public let cacheBudget: Int
    /// Bases larger than this are not resolved here (libgit2 takes over).
    static let baseLimit = 256 * 1024 * 1024
    /// Inflation trails of blobs whose next versions are read after them.
    private var trails: [UInt64: GitInflateTrail] = [:]
    /// Blobs stored whole from this size on leave trails (see `GitInflateTrail`).
    public static let trailMinimum = 128 * 1024
    /// Compressed bytes not inflated again, shared with an earlier version.
    public private(set) var reusedInput = 0

    /// Offsets of entries that are bases of deltas still to come: only
    /// these are cached when read (others are cached only as chain links).
    public let bases: Set<UInt64>

    /// Recently read stretches of the pack, when entries are read through them.
    private let windows: GitPackWindows?

    /// A reader of `pack`; with `readsAhead`, entries are read a few KB at a
    /// time and the stretches kept (see `GitPackWindows`): for small objects
    /// written side by side, such as the versions of a tree.
    public init(pack: GitPack, bases: Set<UInt64>, cacheBudget: Int = 32 * 1024 * 1024, readsAhead: Bool = false) {
        self.pack = pack
        self.bases = bases
        self.cacheBudget = cacheBudget
        self.windows = readsAhead ? GitPackWindows() : nil
    }

    /// How a blob was stored: as a delta against the blob at `baseOffset`,
    /// whose bytes `copies` reuse.
    public struct Delta: Sendable {
        public var baseOffset: UInt64
        public var copies: [GitDeltaCopy]
    }

    /// The outcome of reading one entry.
    public enum Read {
        case content([UInt8], delta: Delta?)
        case tooLarge(size: Int)
        /// The entry is not a blob, or could not be resolved here (damaged,
        /// base in another pack): read it through libgit2 instead.
        case unreadable
    }

    /// Reads the blob at `offset`, refusing results larger than `limit`.
    ///
    /// A large blob stored whole is inflated from where its stream parts
    /// from that of `previous` (an earlier version of its path, read with
    /// `keepsTrail`); with `keepsTrail`, its own trail is kept for its next
    /// versions until `forgetTrail(at:)`.
    public func readBlob(at offset: UInt64, limit: Int, previous: UInt64? = nil, keepsTrail: Bool = false) -> Read {
        guard let entry = pack.loadEntry(at: offset, into: inflater) else { return .unreadable }
        switch entry.kind {
        case .blob:
            if entry.size > limit { return .tooLarge(size: entry.size) }
            if let cached = cache[offset] { return .content(cached, delta: nil) }
            if entry.size >= Self.trailMinimum, keepsTrail || previous.map({ trails[$0] != nil }) == true {
                guard let trail = pack.inflate(entry, with: inflater, after: previous.flatMap { trails[$0] }) else {
                    return .unreadable
                }
                reusedInput += trail.restart
                if keepsTrail { trails[offset] = trail }
                if bases.contains(offset) { remember(trail.output, at: offset) }
                return .content(trail.output, delta: nil)
            }
            guard let bytes = pack.inflate(entry, with: inflater) else { return .unreadable }
            if bases.contains(offset) { remember(bytes, at: offset) }
            return .content(bytes, delta: nil)
        case .offsetDelta, .referenceDelta:
            guard let baseOffset = baseOffset(of: entry),
                let instructions = pack.inflate(entry, with: inflater), let sizes = GitDelta.sizes(instructions)
            else { return .unreadable }
            if sizes.result > limit { return .tooLarge(size: sizes.result) }
            guard let base = resolve(baseOffset) else { return .unreadable }
            var copies: [GitDeltaCopy] = []
            // A result cached as a base is rebuilt anyway: the copies are what the caller wants.
            guard let bytes = GitDelta.apply(instructions, to: base, copies: &copies) else { return .unreadable }
            if bases.contains(offset) { remember(bytes, at: offset) }
            return .content(bytes, delta: Delta(baseOffset: baseOffset, copies: copies))
        default:
            return .unreadable
        }
    }

    /// Drops the inflation trail of the blob at `offset`.
    public func forgetTrail(at offset: UInt64) {
        trails[offset] = nil
    }

    /// Reads the tree at `offset` (kept for trees read later as deltas of
    /// it); nil when it is no tree or cannot be resolved here.
    public func readTree(at offset: UInt64) -> [UInt8]? {
        if let cached = cache[offset] { return cached }
        guard let entry = pack.loadEntry(at: offset, into: inflater, windows: windows) else { return nil }
        let bytes: [UInt8]
        switch entry.kind {
        case .tree:
            guard let inflated = pack.inflate(entry, with: inflater, windows: windows) else { return nil }
            bytes = inflated
        case .offsetDelta, .referenceDelta:
            guard let baseOffset = baseOffset(of: entry),
                let instructions = pack.inflate(entry, with: inflater, windows: windows),
                let base = resolve(baseOffset, kind: .tree), let result = GitDelta.apply(instructions, to: base)
            else { return nil }
            bytes = result
        default:
            return nil
        }
        remember(bytes, at: offset)
        return bytes
    }

    /// The offset of a delta's base in this pack.
    private func baseOffset(of entry: GitPack.Entry) -> UInt64? {
        switch entry.kind {
        case .offsetDelta(let base): return base
        case .referenceDelta(let id): return pack.offset(of: id)
        default: return nil
        }
    }

    /// The resolved bytes of the object at `offset` (a base of something
    /// asked for; its chain must end in an object of `kind`), from the
    /// cache when possible. Chains are walked iteratively.
    private func resolve(_ offset: UInt64, kind: GitPack.Kind = .blob) -> [UInt8]? {
        if let cached = cache[offset] { return cached }
        var chain: [(offset: UInt64, entry: GitPack.Entry)] = []
        var current = offset
        var base: [UInt8]?
        while base == nil {
            guard chain.count < 10_000, let entry = pack.entry(at: current, windows: windows) else { return nil }
            switch entry.kind {
            case .blob, .tree:
                guard entry.kind == kind, entry.size <= Self.baseLimit,
                    let bytes = pack.inflate(entry, with: inflater, windows: windows)
                else { return nil }
                remember(bytes, at: current)
                base = bytes
            case .offsetDelta, .referenceDelta:
                guard let next = baseOffset(of: entry) else { return nil }
                chain.append((current, entry))
                current = next
                base = cache[next]
            default:
                return nil
            }
        }
        guard var result = base else { return nil }
        for link in chain.reversed() {
            guard let instructions = pack.inflate(link.entry, with: inflater, windows: windows),
                let sizes = GitDelta.sizes(instructions), sizes.result <= Self.baseLimit,
                let bytes = GitDelta.apply(instructions, to: result)
            else { return nil }
            remember(bytes, at: link.offset)
            result = bytes
        }
        return result
    }

    /// Keeps `bytes` for later deltas, dropping the oldest entries beyond the budget.
    private func remember(_ bytes: [UInt8], at offset: UInt64) {
        guard bytes.count <= cacheBudget / 4, cache[offset] == nil else { return }
        cache[offset] = bytes
        cacheOrder.append(offset)
        cachedBytes += bytes.count
        while cachedBytes > cacheBudget, cacheHead < cacheOrder.count {
            let oldest = cacheOrder[cacheHead]
            cacheHead += 1
            if let dropped = cache.removeValue(forKey: oldest) { cachedBytes -= dropped.count }
        }
        if cacheHead > 4096, cacheHead * 2 > cacheOrder.count {
            cacheOrder.removeFirst(cacheHead)
            cacheHead = 0
        }
    }
}
