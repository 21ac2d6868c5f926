import CGit2
import Foundation

/// A tree object as git stores it: entries of `mode name\0id`, sorted in
/// git's order (a tree's name compares as if it ended in `/`).
struct GitRawTree {
    /// One entry; `name` and `id` are ranges of the tree's bytes.
    struct Entry {
        var mode: UInt32
        var name: Range<Int>
        /// Where the entry's 20-byte id starts.
        var id: Int

        var kind: GitEntryKind { GitEntryKind(mode: mode) }
        var isTree: Bool { mode == 0o040000 }
    }

    let bytes: [UInt8]
    let entries: [Entry]

    /// Parses a tree object's bytes; nil when they are not a tree.
    init?(bytes: [UInt8]) {
        let parsed = bytes.withUnsafeBufferPointer { buffer -> [Entry]? in
            guard let base = buffer.baseAddress else { return [] }
            var entries: [Entry] = []
            entries.reserveCapacity(buffer.count / 32 + 1)
            let count = buffer.count
            var position = 0
            while position < count {
                var mode: UInt32 = 0
                var digits = 0
                while position < count, base[position] != 32 {
                    let digit = base[position] &- 48
                    guard digit < 8, digits < 7 else { return nil }
                    mode = mode << 3 | UInt32(digit)
                    digits += 1
                    position += 1
                }
                let nameStart = position + 1
                guard digits > 0, nameStart < count,
                    let zero = memchr(base + nameStart, 0, count - nameStart)
                else { return nil }
                let nameEnd = UnsafeRawPointer(base).distance(to: UnsafeRawPointer(zero))
                guard nameEnd > nameStart, nameEnd + 21 <= count else { return nil }
                entries.append(Entry(mode: mode, name: nameStart..<nameEnd, id: nameEnd + 1))
                position = nameEnd + 21
            }
            return entries
        }
        guard let parsed else { return nil }
        self.bytes = bytes
        self.entries = parsed
    }

    /// The same entries written out from a tree libgit2 read.
    init?(libgit2 tree: GitTree) {
        var bytes: [UInt8] = []
        for index in 0..<tree.count {
            let entry = tree.entry(at: index)
            bytes += Array(String(entry.mode, radix: 8).utf8) + [32]
            let name = entry.cName
            bytes += UnsafeRawBufferPointer(start: name, count: strlen(name))
            bytes.append(0)
            withUnsafeBytes(of: git_tree_entry_id(entry.handle).pointee.id) { bytes += $0 }
        }
        self.init(bytes: bytes)
    }

    func id(of entry: Entry) -> GitObjectID {
        bytes.withUnsafeBytes { GitObjectID(rawBytes: $0.baseAddress! + entry.id) }
    }

    func name(of entry: Entry) -> String {
        String(decoding: bytes[entry.name], as: UTF8.self)
    }

    /// Whether `entry` here and `other` in `tree` point to the same object.
    func sameObject(_ entry: Entry, as other: Entry, in tree: GitRawTree) -> Bool {
        bytes.withUnsafeBytes { mine in
            tree.bytes.withUnsafeBytes { theirs in
                memcmp(mine.baseAddress! + entry.id, theirs.baseAddress! + other.id, 20) == 0
            }
        }
    }

    /// Git's order of `entry` here against `other` in `tree` (negative: before).
    func compare(_ entry: Entry, with other: Entry, in tree: GitRawTree) -> Int {
        bytes.withUnsafeBytes { mine in
            tree.bytes.withUnsafeBytes { theirs in
                let common = min(entry.name.count, other.name.count)
                let order = memcmp(
                    mine.baseAddress! + entry.name.lowerBound, theirs.baseAddress! + other.name.lowerBound, common)
                if order != 0 { return Int(order) }
                let next =
                    entry.name.count > common ? mine[entry.name.lowerBound + common] : entry.isTree ? 47 : 0
                let otherNext =
                    other.name.count > common ? theirs[other.name.lowerBound + common] : other.isTree ? 47 : 0
                return Int(next) - Int(otherNext)
            }
        }
    }
}

/// Reads trees for the history walk out of the repository's packs, with
/// igzip and a cache of delta bases, and through libgit2 when a tree
/// is not in a pack or cannot be read there. One per thread.
final class GitTreeReader {
    private let packs: [GitPack]
    private var readers: [Int: GitPackReader] = [:]
    /// Reads what the packs cannot give, and commits.
    let repository: GitRepository

    init(packs: [GitPack], repository: GitRepository) {
        self.packs = packs
        self.repository = repository
    }

    /// Trees read lately: a commit's trees are read again as its child's
    /// parent trees.
    private var recent: [GitObjectID: GitRawTree] = [:]

    /// The tree `id`, or nil when it is missing or damaged.
    func tree(_ id: GitObjectID) -> GitRawTree? {
        if let known = recent[id] { return known }
        if recent.count >= 512 { recent.removeAll(keepingCapacity: true) }
        let tree = read(id)
        recent[id] = tree
        return tree
    }

    private func read(_ id: GitObjectID) -> GitRawTree? {
        for (number, pack) in packs.enumerated() {
            guard let offset = pack.offset(of: id) else { continue }
            let reader =
                readers[number] ?? GitPackReader(pack: pack, bases: [], cacheBudget: 16 << 20, readsAhead: true)
            readers[number] = reader
            if let bytes = reader.readTree(at: offset), let tree = GitRawTree(bytes: bytes) { return tree }
            break
        }
        return repository.tree(id).flatMap { GitRawTree(libgit2: $0) }
    }
}
