import Foundation
import HushMatcher
import HushRules

/// Turns bytes into findings: matcher, then the scan-level filters
/// (placeholders, inline suppression, allowlists), then line numbers,
/// redaction and fingerprints.
public final class ScanEngine: @unchecked Sendable {
    /// The matcher with its rules.
    public let matcher: Matcher
    /// Computes fingerprints.
    public let fingerprinter: Fingerprinter
    /// Global allowlist (paths, secret patterns, stopwords).
    public let allowlist: Allowlist

    public init(
        matcher: Matcher, fingerprinter: Fingerprinter, allowlist: Allowlist = Allowlist(), decodeDepth: Int = 2
    ) {
        self.matcher = matcher
        self.fingerprinter = fingerprinter
        self.allowlist = allowlist
        self.decodeDepth = decodeDepth
        nested =
            decodeDepth > 0
            ? ScanEngine(
                matcher: matcher, fingerprinter: fingerprinter, allowlist: allowlist, decodeDepth: decodeDepth - 1)
            : nil
    }

    /// Per-thread state; one per worker.
    public func makeScratch() -> Matcher.Scratch { matcher.makeScratch() }

    /// Findings in `bytes`, which came from `path`, ordered by position.
    public func findings(in bytes: [UInt8], path: String, scratch: Matcher.Scratch) -> [Finding] {
        if allowlist.allowsPath(path) { return [] }
        return bytes.withUnsafeBufferPointer { buffer in
            findings(in: buffer, path: path, scratch: scratch)
        }
    }

    /// Findings in a buffer, including secrets hidden in base64, URL-encoded
    /// or escaped text (reported where the encoded text is).
    public func findings(in buffer: UnsafeBufferPointer<UInt8>, path: String, scratch: Matcher.Scratch) -> [Finding] {
        findings(in: buffer, path: path, scratch: scratch, regions: nil)
    }

    /// The findings of `buffer`, a changed version of a buffer already
    /// scanned, that can differ from that version's: those near `changes`
    /// (sorted ranges, empty ones where two unchanged parts now meet).
    /// Findings farther from every change are the old version's, moved.
    ///
    /// Returns nil when scanning around the changes would not pay (they
    /// spread over most of the buffer) or is not enough (a far-reaching rule
    /// is near a change, see `Matcher.farRuleNear`): scan it whole then.
    public func findings(
        in buffer: UnsafeBufferPointer<UInt8>, path: String, scratch: Matcher.Scratch, near changes: [Range<Int>]
    ) -> [Finding]? {
        sourcedFindings(in: buffer, path: path, scratch: scratch, near: changes, lines: LineTable(buffer))?
            .map(\.finding)
    }

    /// `findings(in:path:scratch:near:)`, with where each finding was read;
    /// `lines` are the buffer's. `keptLineStarts` (ascending) are where
    /// copies begin that start at a line's start in the old version: a line
    /// starting there starts as it did (see `regions`).
    func sourcedFindings(
        in buffer: UnsafeBufferPointer<UInt8>, path: String, scratch: Matcher.Scratch, near changes: [Range<Int>],
        lines: LineTable, keptLineStarts: [Int] = []
    ) -> [SourcedFinding]? {
        let regions = Self.regions(
            around: changes, in: buffer, lines: lines, by: Self.changeRadius, keptLineStarts: keptLineStarts)
        let covered = regions.reduce(0) { $0 + $1.count }
        guard covered * 10 < buffer.count * 6, !matcher.farRuleNear(changes, in: buffer, scratch: scratch) else {
            return nil
        }
        return sourcedFindings(in: buffer, path: path, scratch: scratch, regions: regions)
    }

    /// A finding with the bytes it was read from: the secret as it is in
    /// the buffer, or the encoded text it was decoded from.
    struct SourcedFinding {
        var finding: Finding
        var source: Range<Int>
    }

    /// How far around a change prefilter hits are looked for: the reach of
    /// the near rules, and room for the prefilter match before a hit.
    static let changeRadius = Matcher.nearReach + 1024

    /// Whether the regions around `changes` (sorted) in a buffer of
    /// `count` bytes would cover so much of it that it is scanned whole
    /// anyway: judged before its lines are indexed, from the widened changes
    /// alone (the regions hold them, and more, out to whole lines).
    static func regionsCoverMost(_ changes: [Range<Int>], count: Int) -> Bool {
        let covered = widened(changes, count: count, by: changeRadius).reduce(0) { $0 + $1.count }
        return covered * 10 >= count * 6
    }

    /// `changes` (sorted) widened by `distance` on each side within
    /// `0..<count`, merged where they meet.
    static func widened(_ changes: [Range<Int>], count: Int, by distance: Int) -> [Range<Int>] {
        var widened: [Range<Int>] = []
        for change in changes {
            let start = max(0, change.lowerBound - distance)
            let end = min(count, change.upperBound + distance)
            if let last = widened.last, start <= last.upperBound {
                widened[widened.count - 1] = last.lowerBound..<max(end, last.upperBound)
            } else {
                widened.append(start..<end)
            }
        }
        return widened
    }

    /// A region edge that would have to go this much farther to reach its
    /// line's end is cut inside the line instead, when it may be.
    static let longLine = 4096

    /// `changes` widened by `distance` on each side, out to whole lines,
    /// merged where they meet.
    ///
    /// A long line (a minified file, a generated data file) is not taken
    /// whole when no change touches it and it has no `%` or `\` (whose
    /// decoded line view needs it whole): the region ends inside it, just
    /// past a byte that cannot be part of a token or a base64 run (space,
    /// quote, bracket, comma, semicolon), so whatever lies across the edge
    /// is far from every change (see `HistoryScanner.locate`). A change
    /// that ends where the line starts touches it only when the line did
    /// not start there before: unless `keptLineStarts` (ascending) holds
    /// that offset, where a copy of a line's start begins.
    static func regions(
        around changes: [Range<Int>], in buffer: UnsafeBufferPointer<UInt8>, lines: LineTable, by distance: Int,
        keptLineStarts: [Int] = []
    ) -> [Range<Int>] {
        var regions: [Range<Int>] = []
        // Only the lines at the regions' edges are looked at, from the edges.
        for range in widened(changes, count: buffer.count, by: distance) {
            var start = range.lowerBound
            let startLineStart = lines.lineStart(at: start)
            if start > startLineStart {
                start = startLineStart
                if range.lowerBound - startLineStart > longLine,
                    mayCut(startLineStart..<lines.lineEnd(at: startLineStart), in: buffer),
                    let cut = separator(before: range.lowerBound, in: buffer, limit: startLineStart)
                {
                    start = cut
                }
            }
            var end = range.upperBound
            if end < buffer.count {
                let lineEnd = lines.lineEnd(at: end)
                end = lineEnd
                if lineEnd - range.upperBound > longLine,
                    mayCut(
                        lines.lineStart(at: range.upperBound)..<lineEnd, in: buffer, changes,
                        keptLineStarts: keptLineStarts),
                    let cut = separator(after: range.upperBound, in: buffer, limit: lineEnd)
                {
                    end = cut
                }
            }
            if let last = regions.last, start <= last.upperBound {
                regions[regions.count - 1] = last.lowerBound..<max(end, last.upperBound)
            } else {
                regions.append(start..<end)
            }
        }
        return regions
    }

    /// Whether a region may end inside `line` (with its line break): it holds
    /// neither `%` nor `\\`, and, for the region's end (`changes` given), no
    /// change touches it. A region may start inside a line a change touches
    /// (at its end): every finding before the cut is more than its reach from
    /// that change, and a change earlier in the line has a region that runs
    /// to the line's end and is merged with this one.
    private static func mayCut(
        _ line: Range<Int>, in buffer: UnsafeBufferPointer<UInt8>, _ changes: [Range<Int>] = [],
        keptLineStarts: [Int] = []
    ) -> Bool {
        // A change touches the line when it inserts bytes into it or into
        // the line break before it, or two copies meet inside it: the first
        // change that ends at or after the line's start must begin past it.
        // One that ends just where the line starts does not, when the copy
        // from there begins at a line's start in the old version: the line
        // starts as it did, and the findings past the cut are the old
        // version's (see `HistoryScanner.locate`).
        var first = Matcher.firstChange(in: changes, endingAtOrAfter: line.lowerBound)
        if first < changes.count, changes[first].upperBound == line.lowerBound,
            sortedContains(keptLineStarts, line.lowerBound)
        {
            first += 1
        }
        if first < changes.count, changes[first].lowerBound < line.upperBound { return false }
        guard let base = buffer.baseAddress, !line.isEmpty else { return false }
        return memchr(base + line.lowerBound, 37, line.count) == nil
            && memchr(base + line.lowerBound, 92, line.count) == nil
    }

    /// Whether `values` (ascending) holds `value`.
    private static func sortedContains(_ values: [Int], _ value: Int) -> Bool {
        var low = 0
        var high = values.count
        while low < high {
            let middle = (low + high) / 2
            if values[middle] < value { low = middle + 1 } else { high = middle }
        }
        return low < values.count && values[low] == value
    }

    /// Bytes no token or base64 run contains: space, tab, quotes, brackets,
    /// comma, semicolon.
    private static func isSeparator(_ byte: UInt8) -> Bool {
        switch byte {
        case 32, 9, 34, 39, 44, 59, 40, 41, 60, 62, 91, 93, 123, 125: return true
        default: return false
        }
    }

    /// The offset just past the last separator in the 1 KB before `offset`
    /// (not before `limit`).
    private static func separator(before offset: Int, in buffer: UnsafeBufferPointer<UInt8>, limit: Int) -> Int? {
        var index = offset
        while index > limit, offset - index < 1024 {
            if isSeparator(buffer[index - 1]) { return index }
            index -= 1
        }
        return nil
    }

    /// The offset of the first separator in the 1 KB from `offset` (before `limit`).
    private static func separator(after offset: Int, in buffer: UnsafeBufferPointer<UInt8>, limit: Int) -> Int? {
        var index = offset
        while index < limit, index - offset < 1024 {
            if isSeparator(buffer[index]) { return index }
            index += 1
        }
        return nil
    }

    private func findings(
        in buffer: UnsafeBufferPointer<UInt8>, path: String, scratch: Matcher.Scratch, regions: [Range<Int>]?
    ) -> [Finding] {
        sourcedFindings(in: buffer, path: path, scratch: scratch, regions: regions).map(\.finding)
    }

    /// Findings (plain and in decoded views) with where each was read;
    /// with `regions`, only those whose prefilter hit or view lies in them.
    func sourcedFindings(
        in buffer: UnsafeBufferPointer<UInt8>, path: String, scratch: Matcher.Scratch, regions: [Range<Int>]?
    ) -> [SourcedFinding] {
        var results = plainFindings(in: buffer, path: path, scratch: scratch, regions: regions)
        guard let nested else { return results }
        let views = regions.map { EncodedViews.views(in: buffer, regions: $0) } ?? EncodedViews.views(in: buffer)
        guard !views.isEmpty else { return results }
        let lines = LineTable(buffer)
        // The secrets reported so far, plain and decoded.
        var plainSecrets = results.map { Array($0.finding.secret.utf8) }
        for view in views {
            let inner = view.bytes.withUnsafeBufferPointer { decodedBuffer in
                nested.findings(in: decodedBuffer, path: path, scratch: scratch)
            }
            guard !inner.isEmpty else { continue }
            let start = lines.locate(view.range.lowerBound)
            let lineText = LineIndex(buffer).lineText(from: start.lineStart)
            for var finding in inner {
                let decoded = DecodedSecret(finding.secret)
                if plainSecrets.contains(where: decoded.isSpelling(of:)) { continue }
                if InlineIgnore.suppresses(rule: finding.ruleID, line: lineText, previousLine: nil) { continue }
                finding.line = start.line
                finding.endLine = lines.locate(max(view.range.upperBound - 1, view.range.lowerBound)).line
                finding.column = view.range.lowerBound - start.lineStart + 1
                finding.encoding = finding.encoding.map { "\(view.encoding)+\($0)" } ?? view.encoding
                finding.context = Redaction.maskedLine(String(lineText), secret: finding.secret)
                results.append(SourcedFinding(finding: finding, source: view.range))
                plainSecrets.append(decoded.bytes)
            }
        }
        return results.sorted { ($0.finding.line, $0.finding.column) < ($1.finding.line, $1.finding.column) }
    }

    /// Whether two reported secrets are one secret in two spellings (plain
    /// and decoded): one contains the other, or they share the longest run
    /// of base64 characters of the decoded one (a PEM body line, a token).
    static func sameSecret(_ plain: String, _ decoded: String) -> Bool {
        DecodedSecret(decoded).isSpelling(of: Array(plain.utf8))
    }

    /// A secret found in a decoded view, prepared for comparison with the
    /// others of its buffer. This runs for every pair of findings in a
    /// buffer, so it compares bytes: with `String.contains` and
    /// `Character.isLetter` it was two thirds of a history scan of source code.
    struct DecodedSecret {
        let bytes: [UInt8]
        /// The longest run of base64 characters, cut to 64; empty when
        /// shorter than 16.
        let run: ArraySlice<UInt8>

        init(_ secret: String) {
            bytes = Array(secret.utf8)
            var best = 0..<0
            var start = 0
            for (index, byte) in bytes.enumerated() {
                let isRunByte =
                    (byte >= 48 && byte <= 57) || (byte >= 65 && byte <= 90) || (byte >= 97 && byte <= 122)
                    || byte == 43 || byte == 47 || byte == 95 || byte == 45
                if !isRunByte {
                    if index - start > best.count { best = start..<index }
                    start = index + 1
                }
            }
            if bytes.count - start > best.count { best = start..<bytes.count }
            run = best.count >= 16 ? bytes[best.lowerBound..<min(best.upperBound, best.lowerBound + 64)] : []
        }

        /// Whether `plain`, the secret of another finding, is this secret.
        func isSpelling(of plain: [UInt8]) -> Bool {
            Self.contains(plain, bytes[...]) || Self.contains(bytes, plain[...])
                || (!run.isEmpty && Self.contains(plain, run))
        }

        private static func contains(_ haystack: [UInt8], _ needle: ArraySlice<UInt8>) -> Bool {
            haystack.withUnsafeBytes { outer in
                needle.withUnsafeBytes { ByteSearch.firstOffset(of: $0, in: outer) != nil }
            }
        }
    }

    /// How many layers of encoding are peeled (base64 inside base64, ...).
    let decodeDepth: Int

    /// The engine that scans decoded views, one layer down.
    private let nested: ScanEngine?

    /// Findings in the bytes as they are, without decoding. Without a
    /// `path` (a blob of history) they get no fingerprint: it names the
    /// path, and history attribution fingerprints each introduction.
    func plainFindings(
        in buffer: UnsafeBufferPointer<UInt8>, path: String, scratch: Matcher.Scratch, regions: [Range<Int>]? = nil
    ) -> [SourcedFinding] {
        let isCode = Self.isCode(path: path)
        let candidates = matcher.scan(buffer, scratch: scratch, regions: regions) {
            self.refine($0, in: buffer, path: path, isCode: isCode)
        }
        guard !candidates.isEmpty else { return [] }
        var lines = LineIndex(buffer)
        var results: [SourcedFinding] = []
        for candidate in candidates {
            let rule = matcher.rules[candidate.ruleIndex]
            let secret = candidate.decoded ?? text(buffer, candidate.secret)
            let start = lines.locate(candidate.secret.lowerBound)
            let lineText = lines.lineText(from: start.lineStart)
            if InlineIgnore.suppresses(
                rule: rule.id, line: lineText, previousLine: lines.previousLineText(before: start.lineStart))
            {
                continue
            }
            if allowlist.allowsLine(lineText) { continue }
            let end = lines.locate(max(candidate.secret.upperBound - 1, candidate.secret.lowerBound))
            let stored = text(buffer, candidate.secret)
            let finding = Finding(
                ruleID: rule.id, ruleDescription: rule.description, path: path, line: start.line,
                endLine: end.line, column: candidate.secret.lowerBound - start.lineStart + 1, secret: secret,
                redacted: Redaction.redact(secret),
                fingerprint: path.isEmpty ? "" : fingerprinter.fingerprint(rule: rule.id, path: path, secret: secret),
                context: Redaction.maskedLine(String(lineText), secret: stored), encoding: candidate.encoding)
            results.append(SourcedFinding(finding: finding, source: candidate.secret))
        }
        return results
    }

    /// Drops placeholders and allowlisted secrets, and runs the value
    /// classifier for rules that ask for it.
    func refine(_ candidate: Candidate, in buffer: UnsafeBufferPointer<UInt8>, path: String, isCode: Bool) -> Candidate?
    {
        let secret = text(buffer, candidate.secret)
        var refined = candidate
        if let classifier = matcher.rules[candidate.ruleIndex].classifier {
            let key = candidate.key.map { text(buffer, $0) }
            let kind: KeyName.Kind? = classifier == "password" ? .password : nil
            let form = valueForm(of: candidate.secret, in: buffer, isCode: isCode)
            guard
                case .secret(let value, let encoding) = VerdictCache.judge(
                    value: secret, key: key, kind: kind, form: form)
            else {
                return nil
            }
            if value != secret {
                refined.decoded = value
                refined.encoding = encoding
            }
        } else if PlaceholderFilter.isPlaceholder(secret) {
            return nil
        }
        if allowlist.allowsSecret(refined.decoded ?? secret) { return nil }
        return refined
    }

    /// Whether the value at `range` is quoted, bare in configuration, or bare
    /// in program source (judged by the file's extension).
    func valueForm(of range: Range<Int>, in buffer: UnsafeBufferPointer<UInt8>, isCode: Bool) -> ValueClassifier.Form {
        if range.lowerBound > 0 {
            let before = buffer[range.lowerBound - 1]
            if before == 34 || before == 39 || before == 96 { return .quoted }  // " ' `
        }
        guard isCode else { return .bare }
        return isInComment(range.lowerBound, in: buffer) ? .bare : .bareInCode
    }

    /// Whether `path` is program source, by its extension. Runs for every
    /// buffer, decoded views included: no splitting, and only the extension
    /// is lowered.
    static func isCode(path: String) -> Bool {
        let bytes = path.utf8
        guard let dot = bytes.lastIndex(of: UInt8(ascii: ".")) else { return false }
        if let slash = bytes.lastIndex(of: UInt8(ascii: "/")), slash > dot { return false }
        let suffix = path[path.index(after: dot)...]
        guard !suffix.isEmpty, suffix.utf8.count <= 8 else { return false }
        return codeExtensions.contains(suffix.lowercased())
    }

    /// Whether a line comment (`#`, `//`, `--`, `;`, or a `*` block line) starts
    /// before `offset` on its line: commented-out configuration is literal.
    func isInComment(_ offset: Int, in buffer: UnsafeBufferPointer<UInt8>) -> Bool {
        var start = offset
        while start > 0, buffer[start - 1] != 10, offset - start < 4096 { start -= 1 }
        // The line before the value, as bytes: `//`, `#` or `/*` anywhere;
        // `*`, `--` or `;` first after indentation.
        var first = start
        while first < offset, buffer[first] == 32 || buffer[first] == 9 { first += 1 }
        if first < offset {
            let lead = buffer[first]
            if lead == 42 || lead == 59 { return true }  // * ;
            if lead == 45, first + 1 < offset, buffer[first + 1] == 45 { return true }  // --
        }
        var index = start
        while index < offset {
            let byte = buffer[index]
            if byte == 35 { return true }  // #
            if byte == 47, index + 1 < offset, buffer[index + 1] == 47 || buffer[index + 1] == 42 { return true }
            index += 1
        }
        return false
    }

    /// Programming languages, where a bare value is an expression. Shell and
    /// configuration formats are not here: a bare value there is a literal.
    static let codeExtensions: Set<String> = [
        "c", "h", "cc", "cpp", "hpp", "cxx", "m", "mm", "swift", "java", "kt", "kts", "scala", "groovy", "go", "rs",
        "js", "jsx", "mjs", "cjs", "ts", "tsx", "py", "rb", "php", "cs", "fs", "vb", "dart", "lua", "pl", "r", "jl",
        "ex", "exs", "erl", "clj", "hs", "ml", "vue", "svelte",
    ]

    private func text(_ buffer: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: buffer[range]), as: UTF8.self)
    }
}
