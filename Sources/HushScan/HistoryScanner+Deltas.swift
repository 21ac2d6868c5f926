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
        /// The bytes its verdict depends on.
        var extent: Range<Int>
    }

    /// What one thread knows of the blobs of the family it is reading.
    final class FamilyMemory {
        /// Per pack offset: the blob's size and all its findings (a blob is
        /// here only once scanned, so its findings are complete).
        var blobs: [UInt64: (count: Int, findings: [LocatedFinding])] = [:]
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
    func locate(_ findings: [Finding], lines: LineTable) -> [LocatedFinding] {
        findings.map { finding in
            let anchor = lines.start(ofLine: finding.line) + finding.column - 1
            let reach = ruleIndex[finding.ruleID].map { engine.matcher.reach(ofRuleAt: $0) } ?? Int.max / 4
            let low = lines.start(ofLine: max(1, finding.line - 1)) - reach
            let high = lines.end(ofLine: max(finding.endLine, finding.line)) + reach
            return LocatedFinding(finding: finding, anchor: anchor, extent: max(0, low)..<min(lines.count, high))
        }
    }

    /// The base finding as it is in the delta's result, or nil when its
    /// extent is not inside one copy (then the scan near the changes sees it).
    func move(_ located: LocatedFinding, copies: [GitDeltaCopy], baseCount: Int, lines: LineTable) -> LocatedFinding? {
        // An extent cut at the base's edge needs the copy to keep that edge.
        for copy in copies
        where copy.source <= located.extent.lowerBound
            && located.extent.upperBound <= copy.source + copy.count
            && (located.extent.lowerBound > 0 || (copy.source == 0 && copy.target == 0))
            && (located.extent.upperBound < baseCount || copy.target + copy.count == lines.count)
        {
            let shift = copy.target - copy.source
            var moved = located
            moved.anchor += shift
            moved.extent = (located.extent.lowerBound + shift)..<(located.extent.upperBound + shift)
            let (line, lineStart) = lines.locate(moved.anchor)
            moved.finding.endLine = line + (located.finding.endLine - located.finding.line)
            moved.finding.line = line
            moved.finding.column = moved.anchor - lineStart + 1
            return moved
        }
        return nil
    }

    /// Findings of a blob read as a delta of a blob this thread scanned:
    /// the base's, moved, and those near the changes. Nil when it must be
    /// scanned whole.
    func deltaFindings(
        _ buffer: UnsafeBufferPointer<UInt8>, delta: GitPackReader.Delta, memory: FamilyMemory,
        scratch: Matcher.Scratch
    ) -> [LocatedFinding]? {
        guard let base = memory.blobs[delta.baseOffset] else { return nil }
        let changes = Self.changes(copies: delta.copies, count: buffer.count, baseCount: base.count)
        guard let near = engine.findings(in: buffer, path: "", scratch: scratch, near: changes) else { return nil }
        memory.partial += 1
        if near.isEmpty && base.findings.isEmpty { return [] }
        let lines = LineTable(buffer)
        var result = locate(near, lines: lines)
        for finding in base.findings {
            guard let moved = move(finding, copies: delta.copies, baseCount: base.count, lines: lines) else { continue }
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
