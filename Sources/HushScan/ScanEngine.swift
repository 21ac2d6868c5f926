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
        var results = plainFindings(in: buffer, path: path, scratch: scratch)
        guard let nested else { return results }
        let views = EncodedViews.views(in: buffer)
        guard !views.isEmpty else { return results }
        let lines = LineTable(buffer)
        for view in views {
            let inner = view.bytes.withUnsafeBufferPointer { decodedBuffer in
                nested.findings(in: decodedBuffer, path: path, scratch: scratch)
            }
            guard !inner.isEmpty else { continue }
            let start = lines.locate(view.range.lowerBound)
            let lineText = LineIndex(buffer).lineText(from: start.lineStart)
            for var finding in inner
            where !results.contains(where: { Self.sameSecret($0.secret, finding.secret) }) {
                if InlineIgnore.suppresses(rule: finding.ruleID, line: lineText, previousLine: nil) { continue }
                finding.line = start.line
                finding.endLine = lines.locate(max(view.range.upperBound - 1, view.range.lowerBound)).line
                finding.column = view.range.lowerBound - start.lineStart + 1
                finding.encoding = finding.encoding.map { "\(view.encoding)+\($0)" } ?? view.encoding
                finding.context = Redaction.maskedLine(String(lineText), secret: finding.secret)
                results.append(finding)
            }
        }
        return results.sorted { ($0.line, $0.column) < ($1.line, $1.column) }
    }

    /// Whether two reported secrets are one secret in two spellings (plain
    /// and decoded): one contains the other, or they share the longest run
    /// of base64 characters of the decoded one (a PEM body line, a token).
    static func sameSecret(_ plain: String, _ decoded: String) -> Bool {
        if plain.contains(decoded) || decoded.contains(plain) { return true }
        var longest = Substring()
        var runStart = decoded.startIndex
        var current = decoded.startIndex
        while current < decoded.endIndex {
            let character = decoded[current]
            if !(character.isASCII && (character.isLetter || character.isNumber || "+/_-".contains(character))) {
                if decoded.distance(from: runStart, to: current) > longest.count {
                    longest = decoded[runStart..<current]
                }
                runStart = decoded.index(after: current)
            }
            current = decoded.index(after: current)
        }
        if decoded.distance(from: runStart, to: current) > longest.count { longest = decoded[runStart..<current] }
        return longest.count >= 16 && plain.contains(longest.prefix(64))
    }

    /// How many layers of encoding are peeled (base64 inside base64, ...).
    let decodeDepth: Int

    /// The engine that scans decoded views, one layer down.
    private let nested: ScanEngine?

    /// Findings in the bytes as they are, without decoding.
    func plainFindings(in buffer: UnsafeBufferPointer<UInt8>, path: String, scratch: Matcher.Scratch) -> [Finding] {
        let candidates = matcher.scan(buffer, scratch: scratch) { self.refine($0, in: buffer, path: path) }
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
    func refine(_ candidate: Candidate, in buffer: UnsafeBufferPointer<UInt8>, path: String) -> Candidate? {
        let rule = matcher.rules[candidate.ruleIndex]
        let secret = text(buffer, candidate.secret)
        var refined = candidate
        if let classifier = rule.classifier {
            let key = candidate.key.map { text(buffer, $0) }
            let kind: KeyName.Kind? = classifier == "password" ? .password : nil
            let form = valueForm(of: candidate.secret, in: buffer, path: path)
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
    func valueForm(of range: Range<Int>, in buffer: UnsafeBufferPointer<UInt8>, path: String) -> ValueClassifier.Form {
        if range.lowerBound > 0, [34, 39, 96].contains(buffer[range.lowerBound - 1]) { return .quoted }
        let name = path.split(separator: "/").last ?? ""
        guard let dot = name.lastIndex(of: "."),
            Self.codeExtensions.contains(name[name.index(after: dot)...].lowercased())
        else { return .bare }
        return isInComment(range.lowerBound, in: buffer) ? .bare : .bareInCode
    }

    /// Whether a line comment (`#`, `//`, `--`, `;`, or a `*` block line) starts
    /// before `offset` on its line: commented-out configuration is literal.
    func isInComment(_ offset: Int, in buffer: UnsafeBufferPointer<UInt8>) -> Bool {
        var start = offset
        while start > 0, buffer[start - 1] != 10, offset - start < 4096 { start -= 1 }
        let prefix = String(decoding: UnsafeBufferPointer(rebasing: buffer[start..<offset]), as: UTF8.self)
        let trimmed = prefix.drop { $0 == " " || $0 == "\t" }
        if trimmed.hasPrefix("*") || trimmed.hasPrefix("--") || trimmed.hasPrefix(";") { return true }
        return prefix.contains("//") || prefix.contains("#") || prefix.contains("/*")
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
