import Foundation
import HushMatcher
import HushSources

/// Scanning blobs stored as deltas: only around what the delta changed.
///
/// Git stores most versions of a file as a delta against another version:
/// copies of the base's bytes and a few inserted ones. A finding whose
/// verdict depends only on copied bytes (its lines and the line before,
/// widened by its rule's reach, all inside one copy) is the base's finding,
/// moved; every other finding lies near a change, where the new version is
/// scanned (see `ScanEngine.findings(in:path:scratch:near:)`). A thread reads
/// a delta family in pack order, so a base is scanned before its deltas.
extension HistoryScanner {
    /// A finding with where it is in its blob, so a delta can move it.
    struct LocatedFinding {
        var finding: Finding
        /// The offset the finding's column points at.
        var anchor: Int
        /// The bytes its verdict depends on (besides a line break before
        /// its line: a moved finding's line must still start where it did,
        /// see `move`).
        var extent: Range<Int>
        /// Its rule's reach goes past the blob's start: the extent is cut
        /// there, and the verdict may depend on nothing coming before.
        var reachesStart = false
    }

    /// What one thread knows of the blobs of the family it is reading.
    final class FamilyMemory {
        /// What is remembered of a scanned blob.
        struct Blob {
            var count: Int
            /// All its findings (a blob is here only once scanned whole or
            /// around its changes, so they are complete).
            var findings: [LocatedFinding]
            /// It holds `hush:ignore-next-line`: its versions are scanned
            /// whole (a finding's verdict then depends on the line above).
            var marksNextLines: Bool
        }

        /// Per pack offset.
        var blobs: [UInt64: Blob] = [:]
        /// The bytes of blobs whose next versions are compared with them.
        var contents: [UInt64: [UInt8]] = [:]

        /// Remembers a scanned blob's findings (and bytes, with `keepBytes`).
        func remember(
            _ bytes: [UInt8], at offset: UInt64, findings: [LocatedFinding], marksNextLines: Bool, keepBytes: Bool
        ) {
            blobs[offset] = Blob(count: bytes.count, findings: findings, marksNextLines: marksNextLines)
            if keepBytes { contents[offset] = bytes }
        }

        /// The bytes and findings of the blob at `offset`, when its bytes are kept.
        func keptVersion(at offset: UInt64) -> VersionShelf.Version? {
            guard let bytes = contents[offset], let blob = blobs[offset] else { return nil }
            return VersionShelf.Version(bytes: bytes, blob: blob)
        }

        /// Drops what is kept of a blob no later blob needs.
        func forget(_ offset: UInt64) {
            blobs[offset] = nil
            contents[offset] = nil
        }
        /// Blobs scanned only around their changes.
        var partial = 0
    }

    /// The ranges of a delta's result that are not plain copies: inserted
    /// bytes, and empty ranges where a copy meets anything but its own
    /// neighbourhood in the base (new juxtapositions are looked at too).
    static func changes(copies: [GitDeltaCopy], count: Int, baseCount: Int) -> [Range<Int>] {
        var changes: [Range<Int>] = []
        var position = 0
        for copy in copies {
            if copy.target > position || !(copy.target == 0 && copy.source == 0) {
                changes.append(position..<copy.target)
            }
            position = copy.target + copy.count
        }
        if position < count || !(copies.last.map { $0.source + $0.count == baseCount } ?? false) {
            changes.append(position..<count)
        }
        return changes
    }

    /// Locates findings in `lines` (of the buffer they were found in).
    ///
    /// A finding's verdict depends on the bytes within its rule's reach of
    /// what it was read from, and on its line from its start up to it (the
    /// head, its first 4 KB, is all that reporting, allowlists and
    /// suppression comments read, see `LineIndex.lineText`; a value is in a
    /// comment by what comes before it on its line). Its line must start
    /// where it did, after a line break (or at the blob's start), whatever
    /// the line above: a change to that line, however near, does not reach
    /// findings farther along a long line. The line above matters only
    /// through `hush:ignore-next-line`, and a blob holding that marker has
    /// its versions scanned whole.
    func locate(_ findings: [ScanEngine.SourcedFinding], lines: LineTable) -> [LocatedFinding] {
        findings.map { sourced in
            let finding = sourced.finding
            let lineStart = lines.start(ofLine: finding.line)
            let anchor = lineStart + finding.column - 1
            let reach = ruleIndex[finding.ruleID].map { engine.matcher.reach(ofRuleAt: $0) } ?? Int.max / 4
            let low = min(lineStart, sourced.source.lowerBound - reach)
            let high = max(min(lines.end(ofLine: finding.line), lineStart + 4097), sourced.source.upperBound + reach)
            return LocatedFinding(
                finding: finding, anchor: anchor, extent: max(0, low)..<min(lines.count, high), reachesStart: low < 0)
        }
    }

    /// Whether `buffer` holds `hush:ignore-next-line`. Looked for by its
    /// `x`, a letter rare in hashes and data (this runs for every blob).
    static func marksNextLines(_ buffer: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = buffer.baseAddress else { return false }
        let marker = InlineIgnore.ignoreNextLine
        let before = marker.firstIndex(of: UInt8(ascii: "x")) ?? 0  // "hush:ignore-ne", then the x
        var from = before
        while from < buffer.count, let hit = memchr(base + from, 120, buffer.count - from) {
            let offset = UnsafeRawPointer(base).distance(to: UnsafeRawPointer(hit))
            let start = offset - before
            if start + marker.count <= buffer.count, memcmp(base + start, marker, marker.count) == 0 { return true }
            from = offset + 1
        }
        return false
    }

    /// Whether a blob made of copies of one without the marker, and of
    /// `changes`, holds `hush:ignore-next-line`: only where a change is (or
    /// a marker's length from one) can it be, so only there is it looked for.
    static func marksNextLines(_ buffer: UnsafeBufferPointer<UInt8>, near changes: [Range<Int>]) -> Bool {
        let reach = InlineIgnore.ignoreNextLine.count
        return ScanEngine.widened(changes, count: buffer.count, by: reach).contains { range in
            marksNextLines(UnsafeBufferPointer(rebasing: buffer[range]))
        }
    }

    /// Copies that rebuild `new` from `old`: the bytes they share at the
    /// start and at the end (a version of a file against the previous one,
    /// when git did not store it as a delta).
    static func sharedEnds(_ old: UnsafeBufferPointer<UInt8>, _ new: UnsafeBufferPointer<UInt8>) -> [GitDeltaCopy] {
        guard let oldBase = old.baseAddress, let newBase = new.baseAddress else { return [] }
        let limit = min(old.count, new.count)
        // Compared 4 KB at a time, then 256 bytes, then byte by byte.
        var prefix = 0
        for step in [4096, 256] {
            while prefix + step <= limit, memcmp(oldBase + prefix, newBase + prefix, step) == 0 { prefix += step }
        }
        while prefix < limit, old[prefix] == new[prefix] { prefix += 1 }
        var suffix = 0
        let room = limit - prefix
        for step in [4096, 256] {
            while suffix + step <= room,
                memcmp(oldBase + old.count - suffix - step, newBase + new.count - suffix - step, step) == 0
            {
                suffix += step
            }
        }
        while suffix < room, old[old.count - suffix - 1] == new[new.count - suffix - 1] { suffix += 1 }
        // Lines added or removed whole can be put one byte earlier or later.
        // Put them so the bytes after them start with a line break: the line
        // there (maybe a long one) keeps the break before it, and all its
        // findings move (see `locate`).
        if prefix + suffix == old.count || prefix + suffix == new.count {
            var (shorter, longer) = (prefix, suffix)
            while shorter > 0, prefix - shorter < 4096, !(longer > 0 && new[new.count - longer] == 10),
                old[old.count - longer - 1] == new[new.count - longer - 1]
            {
                shorter -= 1
                longer += 1
            }
            if longer > 0, new[new.count - longer] == 10 { (prefix, suffix) = (shorter, longer) }
        }
        var copies: [GitDeltaCopy] = []
        if prefix > 0 { copies.append(GitDeltaCopy(target: 0, source: 0, count: prefix, startsLine: true)) }
        if suffix > 0 {
            let source = old.count - suffix
            copies.append(
                GitDeltaCopy(
                    target: new.count - suffix, source: source, count: suffix,
                    startsLine: source == 0 || old[source - 1] == 10))
        }
        return copies
    }

    /// The base finding as it is in the delta's result, or nil when its
    /// extent is not inside one copy or its line no longer starts where the
    /// copied start of its line lands (then the scan near the changes sees it).
    func move(_ located: LocatedFinding, copies: [GitDeltaCopy], baseCount: Int, lines: LineTable) -> LocatedFinding? {
        // An extent cut at the base's edge needs the copy to keep that edge.
        for copy in copies
        where copy.source <= located.extent.lowerBound
            && located.extent.upperBound <= copy.source + copy.count
            && (!located.reachesStart || (copy.source == 0 && copy.target == 0))
            && (located.extent.upperBound < baseCount || copy.target + copy.count == lines.count)
        {
            let shift = copy.target - copy.source
            var moved = located
            moved.anchor += shift
            moved.extent = (located.extent.lowerBound + shift)..<(located.extent.upperBound + shift)
            let (line, lineStart) = lines.locate(moved.anchor)
            // The line's start was copied with the finding: the line must start there still.
            guard lineStart == located.anchor - (located.finding.column - 1) + shift else { return nil }
            moved.finding.endLine = line + (located.finding.endLine - located.finding.line)
            moved.finding.line = line
            moved.finding.column = moved.anchor - lineStart + 1
            return moved
        }
        return nil
    }

    /// Findings of a blob read as a delta of a blob this thread scanned, or
    /// compared with the version of its path it replaced; nil when it must
    /// be scanned whole. A blob they are given for holds no
    /// `hush:ignore-next-line` (see `deltaFindings`).
    ///
    /// A delta of another file's blob can change most of it: the version of
    /// its path it replaced, taken from the shelf, may then share more.
    func changedFindings(
        _ buffer: UnsafeBufferPointer<UInt8>, packed: Packed, delta: GitPackReader.Delta?, scratch: Matcher.Scratch
    ) -> [LocatedFinding]? {
        if let delta, let base = packed.memory.blobs[delta.baseOffset],
            let found = deltaFindings(buffer, base: base, copies: delta.copies, memory: packed.memory, scratch: scratch)
        {
            return found
        }
        // The version it replaced: read before it in this item, or taken from the shelf.
        guard let replaced = packed.previousVersion.flatMap(packed.memory.keptVersion(at:)) ?? packed.fromShelf
        else { return nil }
        let copies = replaced.bytes.withUnsafeBufferPointer { Self.sharedEnds($0, buffer) }
        return deltaFindings(buffer, base: replaced.blob, copies: copies, memory: packed.memory, scratch: scratch)
    }

    /// Findings of a blob made of copies of `base`, a blob scanned before
    /// (read as a delta of it, or compared with it): the base's, moved, and
    /// those near the changes. Nil when it must be scanned whole: the base
    /// or a change holds `hush:ignore-next-line`, or the changes are most
    /// of it.
    func deltaFindings(
        _ buffer: UnsafeBufferPointer<UInt8>, base: FamilyMemory.Blob, copies: [GitDeltaCopy], memory: FamilyMemory,
        scratch: Matcher.Scratch
    ) -> [LocatedFinding]? {
        guard !base.marksNextLines else { return nil }
        let changes = Self.changes(copies: copies, count: buffer.count, baseCount: base.count)
        if ScanEngine.regionsCoverMost(changes, count: buffer.count) || Self.marksNextLines(buffer, near: changes) {
            return nil
        }
        let lines = LineTable(buffer)
        let keptLineStarts = copies.filter(\.startsLine).map(\.target)
        guard
            let near = engine.sourcedFindings(
                in: buffer, path: "", scratch: scratch, near: changes, lines: lines, keptLineStarts: keptLineStarts)
        else { return nil }
        memory.partial += 1
        if near.isEmpty && base.findings.isEmpty { return [] }
        var result = locate(near, lines: lines)
        for finding in base.findings {
            guard let moved = move(finding, copies: copies, baseCount: base.count, lines: lines) else { continue }
            let duplicate = result.contains {
                $0.finding.ruleID == moved.finding.ruleID && $0.finding.line == moved.finding.line
                    && $0.finding.column == moved.finding.column && $0.finding.secret == moved.finding.secret
            }
            if !duplicate { result.append(moved) }
        }
        result.sort { ($0.finding.line, $0.finding.column) < ($1.finding.line, $1.finding.column) }
        return result
    }
}
