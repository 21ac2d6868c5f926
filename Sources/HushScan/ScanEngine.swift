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

    public init(matcher: Matcher, fingerprinter: Fingerprinter, allowlist: Allowlist = Allowlist()) {
        self.matcher = matcher
        self.fingerprinter = fingerprinter
        self.allowlist = allowlist
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

    /// Findings in a buffer; see `findings(in:path:scratch:)`.
    public func findings(in buffer: UnsafeBufferPointer<UInt8>, path: String, scratch: Matcher.Scratch) -> [Finding] {
        let candidates = matcher.scan(buffer, scratch: scratch) { self.refine($0, in: buffer) }
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
    func refine(_ candidate: Candidate, in buffer: UnsafeBufferPointer<UInt8>) -> Candidate? {
        let rule = matcher.rules[candidate.ruleIndex]
        let secret = text(buffer, candidate.secret)
        var refined = candidate
        if rule.classifier != nil {
            let key = candidate.key.map { text(buffer, $0) }
            guard case .secret(let value, let encoding) = ValueClassifier.judge(value: secret, key: key) else {
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

    private func text(_ buffer: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: buffer[range]), as: UTF8.self)
    }
}
