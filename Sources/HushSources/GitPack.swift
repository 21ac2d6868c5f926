import Foundation

/// One pack file (`objects/pack/pack-*.pack`) and its index, read without
/// libgit2, so that history scans can inflate objects with ISA-L's igzip,
/// resolve deltas themselves and see what each delta changed.
///
/// Entries are read with `pread` (the index is mapped): a mapped pack would
/// count every page a history scan touches in its resident memory.
///
/// Only what scanning needs is here: entry headers, inflation and id look-up.
/// Anything unexpected (a truncated entry, an unknown type) reads as nil and
/// the caller falls back to libgit2, which reports the damage properly.
public final class GitPack: @unchecked Sendable {
    /// The `.pack` file.
    public let path: String
    private let descriptor: Int32
    private let size: Int
    private let index: Data
    /// Every entry's offset, ascending, then where the entries end: an
    /// entry's data ends where the next entry starts.
    private let boundaries: [UInt64]
    /// Per stretch of `1 << stretchShift` bytes of the pack, the first
    /// boundary at or past its start: where a look-up of `boundaries` begins.
    private let stretches: [UInt32]
    private let stretchShift: Int
    /// Number of objects in the index.
    public let count: Int

    /// Maps `indexPath` (`.idx`) and its `.pack`; nil when either is missing,
    /// unreadable or not a version 2 index of a version 2 or 3 pack.
    public init?(indexPath: String) {
        guard indexPath.hasSuffix(".idx"),
            let index = try? Data(contentsOf: URL(fileURLWithPath: indexPath), options: .alwaysMapped),
            index.count >= 8 + 1024 + 40
        else { return nil }
        let indexHeader = index.withUnsafeBytes { raw in
            (
                UInt32(bigEndian: raw.loadUnaligned(as: UInt32.self)),
                UInt32(bigEndian: raw.loadUnaligned(fromByteOffset: 4, as: UInt32.self)),
                Int(UInt32(bigEndian: raw.loadUnaligned(fromByteOffset: 8 + 255 * 4, as: UInt32.self)))
            )
        }
        guard indexHeader.0 == 0xFF74_4F63, indexHeader.1 == 2,
            index.count >= 8 + 1024 + indexHeader.2 * 28 + 40
        else { return nil }
        let packPath = String(indexPath.dropLast(4)) + ".pack"
        let descriptor = open(packPath, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        var status = stat()
        var header = [UInt8](repeating: 0, count: 8)
        guard fstat(descriptor, &status) == 0, status.st_size >= 32, pread(descriptor, &header, 8, 0) == 8,
            header[0..<4].elementsEqual("PACK".utf8), header[7] == 2 || header[7] == 3
        else {
            close(descriptor)
            return nil
        }
        self.path = packPath
        self.descriptor = descriptor
        self.size = Int(status.st_size)
        self.index = index
        self.count = indexHeader.2
        var boundaries: [UInt64] = []
        boundaries.reserveCapacity(count + 1)
        Self.forEachEntry(in: index) { _, offset in boundaries.append(offset) }
        Self.radixSort(&boundaries)
        boundaries.append(UInt64(size - 20))
        self.boundaries = boundaries
        (stretches, stretchShift) = Self.stretches(of: boundaries, size: size)
    }

    /// About one stretch per entry: a look-up then steps over one or two
    /// boundaries instead of searching all of them.
    private static func stretches(of boundaries: [UInt64], size: Int) -> ([UInt32], Int) {
        var shift = 0
        while size >> shift > max(boundaries.count, 1) { shift += 1 }
        var stretches = [UInt32](repeating: 0, count: size >> shift + 1)
        var index = 0
        for stretch in stretches.indices {
            let start = UInt64(stretch) << UInt64(shift)
            while index < boundaries.count, boundaries[index] < start { index += 1 }
            stretches[stretch] = UInt32(truncatingIfNeeded: index)
        }
        return (stretches, shift)
    }

    deinit { close(descriptor) }

    /// Sorts offsets 16 bits at a time, least significant first, as many
    /// passes as the largest needs: a pack index lists its offsets in
    /// object-id order, and a comparison sort of a large pack's took as long
    /// as opening the rest of it.
    static func radixSort(_ values: inout [UInt64]) {
        guard values.count > 1, let largest = values.max() else { return }
        var scratch = [UInt64](repeating: 0, count: values.count)
        var counts = [Int](repeating: 0, count: 1 << 16)
        var shift: UInt64 = 0
        while shift < 64, largest >> shift != 0 {
            values.withUnsafeMutableBufferPointer { source in
                scratch.withUnsafeMutableBufferPointer { target in
                    counts.withUnsafeMutableBufferPointer { counts in
                        counts.update(repeating: 0)
                        for value in source { counts[Int((value >> shift) & 0xFFFF)] += 1 }
                        var total = 0
                        for digit in 0..<counts.count {
                            let here = counts[digit]
                            counts[digit] = total
                            total += here
                        }
                        for value in source {
                            let digit = Int((value >> shift) & 0xFFFF)
                            target[counts[digit]] = value
                            counts[digit] += 1
                        }
                    }
                }
            }
            swap(&values, &scratch)
            shift += 16
        }
    }

    /// The kind of a pack entry; deltas name their base.
    public enum Kind: Equatable, Sendable {
        case commit, tree, blob, tag
        /// A delta against the entry at this offset in the same pack.
        case offsetDelta(base: UInt64)
        /// A delta against the object with this id.
        case referenceDelta(base: GitObjectID)
    }

    /// An entry's header: its kind, its inflated size (for a delta, the size
    /// of the delta instructions) and where its zlib stream starts.
    public struct Entry: Sendable {
        public var kind: Kind
        public var size: Int
        public var dataOffset: Int
    }

    /// The header of the entry at `offset`; nil when it is not a valid header.
    /// With `windows`, read through them (see `GitPackWindows`).
    public func entry(at offset: UInt64, windows: GitPackWindows? = nil) -> Entry? {
        let end = size - 20
        guard offset >= 12, offset < UInt64(end) else { return nil }
        var header = (UInt64(0), UInt64(0), UInt64(0), UInt64(0))  // 32 bytes: the longest header is 31
        let wanted = min(32, end - Int(offset))
        let available = withUnsafeMutableBytes(of: &header) { raw in
            guard let windows else { return pread(descriptor, raw.baseAddress, wanted, off_t(offset)) }
            return read(into: raw.baseAddress!, count: wanted, at: Int(offset), windows: windows) ? wanted : -1
        }
        guard available > 0 else { return nil }
        return withUnsafeBytes(of: &header) { raw in
            Self.parseHeader(UnsafeRawBufferPointer(rebasing: raw[0..<available]), at: offset)
        }
    }

    private static func parseHeader(_ bytes: UnsafeRawBufferPointer, at offset: UInt64) -> Entry? {
        var position = 0
        var byte = bytes[position]
        position += 1
        let type = (byte >> 4) & 7
        var size = Int(byte & 0x0F)
        var shift = 4
        while byte & 0x80 != 0 {
            guard position < bytes.count, shift < 57 else { return nil }
            byte = bytes[position]
            position += 1
            size |= Int(byte & 0x7F) << shift
            shift += 7
        }
        let kind: Kind
        switch type {
        case 1: kind = .commit
        case 2: kind = .tree
        case 3: kind = .blob
        case 4: kind = .tag
        case 6:
            guard position < bytes.count else { return nil }
            byte = bytes[position]
            position += 1
            var distance = UInt64(byte & 0x7F)
            while byte & 0x80 != 0 {
                guard position < bytes.count, distance < (1 << 56) else { return nil }
                byte = bytes[position]
                position += 1
                distance = ((distance + 1) << 7) | UInt64(byte & 0x7F)
            }
            guard distance > 0, distance <= offset else { return nil }
            kind = .offsetDelta(base: offset - distance)
        case 7:
            guard position + 20 <= bytes.count, let start = bytes.baseAddress else { return nil }
            kind = .referenceDelta(base: GitObjectID(rawBytes: start + position))
            position += 20
        default:
            return nil
        }
        return Entry(kind: kind, size: size, dataOffset: Int(offset) + position)
    }

    /// The bytes the entry at `offset` takes in the pack (its header and
    /// compressed data), nil when no entry ends after it.
    public func storedSize(ofEntryAt offset: UInt64) -> Int? {
        end(after: Int(offset)).map { $0 - Int(offset) }
    }

    /// Where the entry whose header or data includes `offset` ends (the next
    /// entry's start, or the pack's checksum).
    func end(after offset: Int) -> Int? {
        guard offset >= 0 else { return nil }
        var index = Int(stretches[min(offset >> stretchShift, stretches.count - 1)])
        while index < boundaries.count, boundaries[index] <= UInt64(offset) { index += 1 }
        return index < boundaries.count ? Int(boundaries[index]) : nil
    }

    /// Reads the whole entry at `offset` (header and data, one `pread`)
    /// into `inflater`'s buffer and returns its header: `inflate` then reads
    /// nothing more. Falls back to `entry(at:)` for entries over 64 MB.
    /// With `windows`, the entry is read through them (see `GitPackWindows`).
    public func loadEntry(at offset: UInt64, into inflater: GitInflater, windows: GitPackWindows? = nil) -> Entry? {
        guard offset >= 12, offset < UInt64(size - 20), let count = storedSize(ofEntryAt: offset) else { return nil }
        guard count > 0, count <= 64 << 20 else { return entry(at: offset) }
        guard
            inflater.withInput(count, { read(into: $0.baseAddress!, count: count, at: Int(offset), windows: windows) })
        else { return nil }
        inflater.loaded = (ObjectIdentifier(self), Int(offset), count)
        return inflater.withLoadedInput { buffer in
            Self.parseHeader(
                UnsafeRawBufferPointer(UnsafeMutableBufferPointer(rebasing: buffer[0..<min(32, count)])), at: offset)
        }
    }

    /// Inflates an entry's data (exactly `entry.size` bytes); nil when the
    /// stream is corrupt, of another size, or cannot be read.
    public func inflate(_ entry: Entry, with inflater: GitInflater, windows: GitPackWindows? = nil) -> [UInt8]? {
        withStream(of: entry, in: inflater, windows: windows) { stream, count in
            inflater.inflate(stream, count: count, size: entry.size)
        } ?? nil
    }

    /// Inflates an entry's data like `inflate(_:with:)`, restarting from
    /// the trail of a stream that began with the same bytes (see
    /// `GitInflateTrail`), and leaves its own trail.
    public func inflate(_ entry: Entry, with inflater: GitInflater, after previous: GitInflateTrail?)
        -> GitInflateTrail?
    {
        withStream(of: entry, in: inflater) { stream, count in
            inflater.inflate(stream, count: count, size: entry.size, after: previous)
        } ?? nil
    }

    /// Calls `body` with the entry's compressed data (from `inflater`'s
    /// buffer when `loadEntry` read it there); nil when it cannot be read.
    private func withStream<T>(
        of entry: Entry, in inflater: GitInflater, windows: GitPackWindows? = nil, _ body: (UnsafeRawPointer, Int) -> T
    ) -> T? {
        // The entry `loadEntry` read into the inflater's buffer, when it is this one.
        let loaded = inflater.loaded.flatMap { loaded in
            loaded.pack == ObjectIdentifier(self) && loaded.offset <= entry.dataOffset
                && entry.dataOffset < loaded.offset + loaded.count ? loaded : nil
        }
        // The entry's data ends where the next entry starts: where that read ends.
        guard let end = loaded.map({ $0.offset + $0.count }) ?? end(after: entry.dataOffset) else { return nil }
        let count = end - entry.dataOffset
        // Deflate expands at most about 1,032 times: a larger size is a damaged
        // (or hostile) header, refused before it is allocated.
        guard count > 0, entry.size <= count * 1032 + 64 else { return nil }
        if let loaded {
            return inflater.withLoadedInput { buffer in
                body(UnsafeRawPointer(buffer.baseAddress! + (entry.dataOffset - loaded.offset)), count)
            }
        }
        return inflater.withInput(count) { buffer in
            guard read(into: buffer.baseAddress!, count: count, at: entry.dataOffset, windows: windows) else {
                return nil
            }
            return body(UnsafeRawPointer(buffer.baseAddress!), count)
        }
    }

    /// Reads `count` bytes of the pack at `offset` into `buffer`; false when
    /// the file ends first or cannot be read.
    private func readFully(into buffer: UnsafeMutableBufferPointer<UInt8>, count: Int, at offset: Int) -> Bool {
        readFully(into: UnsafeMutableRawPointer(buffer.baseAddress!), count: count, at: offset) == count
    }

    /// Reads up to `count` bytes of the pack at `offset` into `buffer`;
    /// returns how many it read (short only where the file ends or fails).
    private func readFully(into buffer: UnsafeMutableRawPointer, count: Int, at offset: Int) -> Int {
        var done = 0
        while done < count {
            let read = pread(descriptor, buffer + done, count - done, off_t(offset + done))
            guard read > 0 else { break }
            done += read
        }
        return done
    }

    /// Reads `count` bytes at `offset` into `buffer`, through `windows`
    /// when given; false when they cannot be read.
    private func read(into buffer: UnsafeMutableRawPointer, count: Int, at offset: Int, windows: GitPackWindows?)
        -> Bool
    {
        guard let windows else { return readFully(into: buffer, count: count, at: offset) == count }
        return windows.copy(count, at: offset, into: buffer, limit: size - 20) { destination, wanted, at in
            readFully(into: destination, count: wanted, at: at)
        }
    }

    /// A run of commits stored whole, from the entry numbered `entry` in
    /// offset order (the run at the start of a pack, where `git
    /// pack-objects` writes the commits, newest first), read with one
    /// `pread` of about `window` bytes: their offsets and inflated sizes,
    /// and where their zlib streams lie in the returned bytes. `next` is the
    /// entry to go on from, nil once an entry is no commit or the pack ends.
    public func commitRun(from entry: Int, window: Int) -> (
        bytes: [UInt8], commits: [(offset: UInt64, size: Int, stream: Range<Int>)], next: Int?
    ) {
        guard entry >= 0, entry + 1 < boundaries.count else { return ([], [], nil) }
        let first = Int(boundaries[entry])
        let needed = Int(boundaries[entry + 1]) - first
        guard first >= 12, needed > 0, needed <= 64 << 20 else { return ([], [], nil) }
        let count = min(max(window, needed), size - 20 - first)
        var read = false
        let bytes = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            read = readFully(into: buffer, count: count, at: first)
            initialized = read ? count : 0
        }
        guard read else { return ([], [], nil) }
        var commits: [(offset: UInt64, size: Int, stream: Range<Int>)] = []
        var index = entry
        while index + 1 < boundaries.count {
            let start = Int(boundaries[index]) - first
            let end = Int(boundaries[index + 1]) - first
            guard end <= count else { return (bytes, commits, index) }
            let header = bytes.withUnsafeBytes { raw in
                Self.parseHeader(
                    UnsafeRawBufferPointer(rebasing: raw[start..<min(start + 32, end)]), at: UInt64(start + first))
            }
            guard let header, header.kind == .commit, header.dataOffset - first < end else { break }
            commits.append((UInt64(start + first), header.size, (header.dataOffset - first)..<end))
            index += 1
        }
        return (bytes, commits, nil)
    }

    /// The offset of `id` in this pack, or nil when the pack does not hold it.
    public func offset(of id: GitObjectID) -> UInt64? {
        index.withUnsafeBytes { (raw: UnsafeRawBufferPointer) -> UInt64? in
            guard let start = raw.baseAddress else { return nil }
            func u32(_ at: Int) -> UInt32 {
                UInt32(bigEndian: start.loadUnaligned(fromByteOffset: at, as: UInt32.self))
            }
            let first = Int(id.high >> 56)
            var low = first == 0 ? 0 : Int(u32(8 + (first - 1) * 4))
            var high = Int(u32(8 + first * 4))
            let names = 8 + 1024
            func name(_ position: Int) -> GitObjectID { GitObjectID(rawBytes: start + names + position * 20) }
            func offset(at position: Int) -> UInt64? {
                let offsets = names + count * 24
                var offset = UInt64(u32(offsets + position * 4))
                if offset & 0x8000_0000 != 0 {
                    let at = offsets + count * 4 + Int(offset & 0x7FFF_FFFF) * 8
                    guard at + 8 <= raw.count - 40 else { return nil }
                    offset = UInt64(bigEndian: start.loadUnaligned(fromByteOffset: at, as: UInt64.self))
                }
                return offset
            }
            // Ids are uniform: their next bits say about where this one is,
            // a dozen entries off on average. The search steps from that
            // guess toward the id through adjacent names (memory read in
            // order), and bisects what is left if it has not met it in 32 steps.
            if high - low > 16 {
                let guess = low + Int(UInt64(high - low).multipliedFullWidth(by: id.high << 8).high)
                let guessed = name(guess)
                if guessed == id { return offset(at: guess) }
                var position = guess
                if guessed < id {
                    position += 1
                    while position < high, position - guess <= 32 {
                        let candidate = name(position)
                        if candidate == id { return offset(at: position) }
                        if id < candidate { return nil }
                        position += 1
                    }
                    low = position
                } else {
                    position -= 1
                    while position >= low, guess - position <= 32 {
                        let candidate = name(position)
                        if candidate == id { return offset(at: position) }
                        if candidate < id { return nil }
                        position -= 1
                    }
                    high = position + 1
                }
            }
            while low < high {
                let middle = (low + high) / 2
                let candidate = name(middle)
                if candidate == id { return offset(at: middle) }
                if candidate < id { low = middle + 1 } else { high = middle }
            }
            return nil
        }
    }

    /// Calls `body` with the id and offset of every object in the pack.
    public func forEachObject(_ body: (GitObjectID, UInt64) -> Void) {
        Self.forEachEntry(in: index, body)
    }

    // MARK: Pack indexes

    /// The `.idx` files under `objects/pack` and the alternates' packs.
    static func packIndexes(objectsDirectory: String) -> [String] {
        var directories = [objectsDirectory]
        if let alternates = try? String(contentsOfFile: objectsDirectory + "/info/alternates", encoding: .utf8) {
            for line in alternates.split(separator: "\n") where !line.hasPrefix("#") && !line.isEmpty {
                let path = String(line)
                directories.append(path.hasPrefix("/") ? path : objectsDirectory + "/" + path)
            }
        }
        var result: [String] = []
        for directory in directories {
            let packs = directory + "/pack"
            let names = (try? FileManager.default.contentsOfDirectory(atPath: packs)) ?? []
            result += names.filter { $0.hasSuffix(".idx") }.sorted().map { packs + "/" + $0 }
        }
        return result
    }

    /// Calls `body` with every (id, offset) of a pack index.
    static func forEachEntry(in data: Data, _ body: (GitObjectID, UInt64) -> Void) {
        data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            guard raw.count >= 1032, let start = raw.baseAddress else { return }
            func u32(_ at: Int) -> UInt32 {
                UInt32(bigEndian: start.loadUnaligned(fromByteOffset: at, as: UInt32.self))
            }
            func u64(_ at: Int) -> UInt64 {
                UInt64(bigEndian: start.loadUnaligned(fromByteOffset: at, as: UInt64.self))
            }
            let isVersion2 = u32(0) == 0xFF74_4F63 && u32(4) == 2
            let fanout = isVersion2 ? 8 : 0
            let count = Int(u32(fanout + 255 * 4))
            if isVersion2 {
                let names = fanout + 1024
                let offsets = names + count * 24
                let largeOffsets = offsets + count * 4
                guard raw.count >= largeOffsets else { return }
                for entry in 0..<count {
                    var offset = UInt64(u32(offsets + entry * 4))
                    if offset & 0x8000_0000 != 0 {
                        let at = largeOffsets + Int(offset & 0x7FFF_FFFF) * 8
                        guard at + 8 <= raw.count else { continue }
                        offset = u64(at)
                    }
                    body(GitObjectID(rawBytes: start + names + entry * 20), offset)
                }
            } else {
                let entries = 1024
                guard raw.count >= entries + count * 24 else { return }
                for entry in 0..<count {
                    let at = entries + entry * 24
                    body(GitObjectID(rawBytes: start + at + 4), UInt64(u32(at)))
                }
            }
        }
    }
}
