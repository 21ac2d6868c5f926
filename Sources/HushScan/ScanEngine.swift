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
        let regions = Self.regions(around: changes, in: buffer, by: Self.changeRadius)
        let covered = regions.reduce(0) { $0 + $1.count }
        guard covered * 10 < buffer.count * 6, !matcher.farRuleNear(changes, in: buffer, scratch: scratch) else {
            return nil
        }
        return findings(in: buffer, path: path, scratch: scratch, regions: regions)
    }

    /// How far around a change prefilter hits are looked for: the reach of
    /// the near rules, and room for the prefilter match before a hit.
    static let changeRadius = Matcher.nearReach + 1024

    /// `changes` widened by `distance` on each side, out to whole lines,
    /// merged where they meet.
    static func regions(around changes: [Range<Int>], in buffer: UnsafeBufferPointer<UInt8>, by distance: Int)
        -> [Range<Int>]
    {
        guard let base = buffer.baseAddress else { return [] }
        var widened: [Range<Int>] = []
        for change in changes {
            let start = max(0, change.lowerBound - distance)
            let end = min(buffer.count, change.upperBound + distance)
            if let last = widened.last, start <= last.upperBound {
                widened[widened.count - 1] = last.lowerBound..<max(end, last.upperBound)
            } else {
                widened.append(start..<end)
            }
        }
        var regions: [Range<Int>] = []
        for range in widened {
            var start = range.lowerBound
            while start > 0, buffer[start - 1] != 10, start > (regions.last?.upperBound ?? 0) { start -= 1 }
            var end = range.upperBound
            if end < buffer.count, let newline = memchr(base + end, 10, buffer.count - end) {
                end = UnsafeRawPointer(base).distance(to: UnsafeRawPointer(newline)) + 1
            } else {
                end = buffer.count
            }
            if let last = regions.last, start <= last.upperBound {
                regions[regions.count - 1] = last.lowerBound..<max(end, last.upperBound)
            } else {
                regions.append(start..<end)
            }
        }
        return regions
    }

    private func findings(
        in buffer: UnsafeBufferPointer<UInt8>, path: String, scratch: Matcher.Scratch, regions: [Range<Int>]?
    ) -> [Finding] {
        var results = plainFindings(in: buffer, path: path, scratch: scratch, regions: regions)
        guard let nested else { return results }
        let views = regions.map { EncodedViews.views(in: buffer, regions: $0) } ?? EncodedViews.views(in: buffer)
        guard !views.isEmpty else { return results }
        let lines = LineTable(buffer)
        // The secrets reported so far, plain and decoded.
        var plainSecrets = results.map { Array($0.secret.utf8) }
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
                results.append(finding)
                plainSecrets.append(decoded.bytes)
            }
        }
        return results.sorted { ($0.line, $0.column) < ($1.line, $1.column) }
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

    /// Findings in the bytes as they are, without decoding.
    func plainFindings(
        in buffer: UnsafeBufferPointer<UInt8>, path: String, scratch: Matcher.Scratch, regions: [Range<Int>]? = nil
    ) -> [Finding] {
        let isCode = Self.isCode(path: path)
        let candidates = matcher.scan(buffer, scratch: scratch, regions: regions) {
            self.refine($0, in: buffer, path: path, isCode: isCode)
        }
        guard !candidates.isEmpty else { return [] }
        var lines = LineIndex(buffer)
        var results: [Finding] = []
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
            results.append(
                Finding(
                    ruleID: rule.id, ruleDescription: rule.description, path: path, line: start.line,
                    endLine: end.line, column: candidate.secret.lowerBound - start.lineStart + 1, secret: secret,
                    redacted: Redaction.redact(secret),
                    fingerprint: fingerprinter.fingerprint(rule: rule.id, path: path, secret: secret),
                    context: Redaction.maskedLine(String(lineText), secret: stored), encoding: candidate.encoding))
        }
        return results
    }

    /// Drops placeholders and allowlisted secrets, and runs the value
    /// classifier for rules that ask for it.
    func refine(_ candidate: Candidate, in buffer: UnsafeBufferPointer<UInt8>, path: String, isCode: Bool) -> Candidate?
    {
        let rule = matcher.rules[candidate.ruleIndex]
        let secret = text(buffer, candidate.secret)
        var refined = candidate
        if let classifier = rule.classifier {
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
