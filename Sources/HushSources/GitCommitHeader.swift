import Foundation

/// What the history walk needs of a commit: its tree, its parents and its
/// committer time. Author, e-mail and message are read only for the commits
/// a report names (`GitRepository.commit`).
public struct GitCommitHeader: Sendable, Equatable {
    public var id: GitObjectID
    public var tree: GitObjectID
    public var parents: [GitObjectID]
    /// Committer time, seconds since 1970 (used to order the walk).
    public var commitTime: Int64

    public init(id: GitObjectID, tree: GitObjectID, parents: [GitObjectID], commitTime: Int64) {
        self.id = id
        self.tree = tree
        self.parents = parents
        self.commitTime = commitTime
    }

    /// Parses a commit object: `tree`, then `parent` lines, then (after
    /// `author`) the `committer` line ending in `<email> time zone`. Nil when
    /// the object is not in that form; libgit2 reads such a commit instead.
    init?(id: GitObjectID, object bytes: UnsafeBufferPointer<UInt8>) {
        guard let base = bytes.baseAddress else { return nil }
        var position = 0
        func skip(_ keyword: StaticString) -> Bool {
            let count = keyword.utf8CodeUnitCount
            guard position + count < bytes.count, memcmp(base + position, keyword.utf8Start, count) == 0 else {
                return false
            }
            position += count
            return true
        }
        func objectID() -> GitObjectID? {
            guard position + 41 <= bytes.count, bytes[position + 40] == 10,
                let id = GitObjectID(hexDigits: UnsafeBufferPointer(rebasing: bytes[position..<position + 40]))
            else { return nil }
            position += 41
            return id
        }
        func lineEnd() -> Int? {
            memchr(base + position, 10, bytes.count - position).map {
                UnsafeRawPointer(base).distance(to: UnsafeRawPointer($0))
            }
        }
        guard skip("tree "), let tree = objectID() else { return nil }
        var parents: [GitObjectID] = []
        while skip("parent ") {
            guard let parent = objectID() else { return nil }
            parents.append(parent)
        }
        // The committer line is the first after the parents that starts so,
        // before the blank line that ends the header.
        while !skip("committer ") {
            guard position < bytes.count, bytes[position] != 10, let end = lineEnd() else { return nil }
            position = end + 1
        }
        guard let end = lineEnd(), let time = Self.time(in: UnsafeBufferPointer(rebasing: bytes[position..<end]))
        else { return nil }
        self.init(id: id, tree: tree, parents: parents, commitTime: time)
    }

    /// The time in a signature `Name <email> 1700000000 +0100`: the digits
    /// after the last `>`; nil when there are none.
    private static func time(in signature: UnsafeBufferPointer<UInt8>) -> Int64? {
        guard let close = signature.lastIndex(of: 62) else { return nil }
        var position = close + 1
        while position < signature.count, signature[position] == 32 { position += 1 }
        let negative = position < signature.count && signature[position] == 45
        if negative { position += 1 }
        var value: Int64 = 0
        var digits = 0
        while position < signature.count, signature[position] &- 48 < 10, digits < 18 {
            value = value * 10 + Int64(signature[position] &- 48)
            position += 1
            digits += 1
        }
        guard digits > 0, position == signature.count || signature[position] == 32 else { return nil }
        return negative ? -value : value
    }

    /// The commits stored whole at the start of `packs` (where git writes
    /// them), read `window` bytes at a time and parsed by `workers` threads:
    /// a history walk then finds most commits here instead of reading them
    /// one by one.
    public static func leadingCommits(
        in packs: [GitPack], workers: Int, window: Int = 4 << 20
    ) -> [GitObjectID: GitCommitHeader] {
        var headers: [GitObjectID: GitCommitHeader] = [:]
        for pack in packs {
            // Parsed with a placeholder id; the index names them afterwards.
            var parsed: [(offset: UInt64, header: GitCommitHeader)] = []
            var next: Int? = 0
            while let entry = next {
                let run = pack.commitRun(from: entry, window: window)
                parsed += parse(run.commits, in: run.bytes, workers: workers)
                next = run.commits.isEmpty ? nil : run.next
            }
            guard let last = parsed.map(\.offset).max() else { continue }
            var position: [UInt64: Int] = [:]
            position.reserveCapacity(parsed.count)
            for (index, commit) in parsed.enumerated() { position[commit.offset] = index }
            pack.forEachObject { id, offset in
                if offset <= last, let index = position[offset] { parsed[index].header.id = id }
            }
            for commit in parsed where !commit.header.id.isZero && headers[commit.header.id] == nil {
                headers[commit.header.id] = commit.header
            }
        }
        return headers
    }

    /// Inflates and parses `commits` (streams in `bytes`) on `workers` threads.
    private static func parse(
        _ commits: [(offset: UInt64, size: Int, stream: Range<Int>)], in bytes: [UInt8], workers: Int
    ) -> [(offset: UInt64, header: GitCommitHeader)] {
        let parsed = Locked([(offset: UInt64, header: GitCommitHeader)]())
        bytes.withUnsafeBufferPointer { buffer in
            forEachPiece(of: commits.count, workers: workers, parallelFrom: 1024) { piece in
                let inflater = GitInflater()
                var found: [(offset: UInt64, header: GitCommitHeader)] = []
                for commit in commits[piece] {
                    guard
                        let object = inflater.inflate(
                            UnsafeRawPointer(buffer.baseAddress! + commit.stream.lowerBound),
                            count: commit.stream.count, size: commit.size),
                        let header = object.withUnsafeBufferPointer({ GitCommitHeader(id: .zero, object: $0) })
                    else { continue }
                    found.append((commit.offset, header))
                }
                parsed.withLock { $0 += found }
            }
        }
        return parsed.withLock { $0 }
    }
}
