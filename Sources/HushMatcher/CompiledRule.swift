import Foundation
import HushRules

/// A rule with its confirming regex (compiled on first use) and checks.
final class CompiledRule: @unchecked Sendable {
    let rule: Rule
    let checksum: Checksum?
    let contextWords: [[UInt8]]
    /// Length of the shortest context word.
    let shortestContextWord: Int
    /// Length of the longest context word.
    let longestContextWord: Int
    /// The rule is found around its context words (see `PrefilterPatterns.isContextDriven`).
    let isContextDriven: Bool
    /// Its regex cannot match a line break: each match lies on one line.
    let isSingleLine: Bool
    private let lock = NSLock()
    private var compiled: PCRE2Regex?
    private var compiledAllow: [PCRE2Regex]?

    init(rule: Rule) throws {
        self.rule = rule
        if let name = rule.checksum {
            guard let kind = Checksum(rawValue: name) else {
                throw RuleError.invalidFile(
                    name: rule.id,
                    reason: "unknown checksum '\(name)' (known: \(Checksum.allCases.map(\.rawValue)))")
            }
            checksum = kind
        } else {
            checksum = nil
        }
        contextWords = rule.context.map { Array($0.lowercased().utf8) }
        shortestContextWord = contextWords.map(\.count).min() ?? 0
        longestContextWord = contextWords.map(\.count).max() ?? 0
        isContextDriven = PrefilterPatterns.isContextDriven(rule)
        isSingleLine = !LineBreaks.mayMatch(rule.regex)
    }

    /// The confirming regex; compiled once, on the first hit.
    func regex() throws -> PCRE2Regex {
        lock.lock()
        defer { lock.unlock() }
        if let compiled { return compiled }
        do {
            let regex = try PCRE2Regex(rule.regex)
            compiled = regex
            return regex
        } catch {
            throw RuleError.invalidRegex(id: rule.id, reason: "\(error)")
        }
    }

    /// The rule's `allow` patterns, compiled once.
    func allowPatterns() throws -> [PCRE2Regex] {
        lock.lock()
        defer { lock.unlock() }
        if let compiledAllow { return compiledAllow }
        do {
            let patterns = try rule.allow.map { try PCRE2Regex($0) }
            compiledAllow = patterns
            return patterns
        } catch {
            throw RuleError.invalidRegex(id: rule.id, reason: "allow pattern: \(error)")
        }
    }

    /// Applies the rule's own checks (entropy, checksum, context, allow) to a
    /// secret found at `secret` in `buffer`.
    func accepts(_ secret: Range<Int>, in buffer: UnsafeBufferPointer<UInt8>) -> Bool {
        let bytes = buffer[secret]
        if let floor = rule.entropy, Entropy.shannon(bytes) < floor { return false }
        if let checksum {
            let token = String(decoding: bytes, as: UTF8.self)
            guard checksum.verify(token[...]) else { return false }
        }
        if !contextWords.isEmpty && !hasContext(near: secret, in: buffer) { return false }
        if !rule.allow.isEmpty, let patterns = try? allowPatterns() {
            let token = String(decoding: bytes, as: UTF8.self)
            if patterns.contains(where: { !$0.matches(in: token).isEmpty }) { return false }
        }
        return true
    }

    /// Whether a context word appears within `lookbehind` bytes before the
    /// secret or on the rest of its line.
    private func hasContext(near secret: Range<Int>, in buffer: UnsafeBufferPointer<UInt8>) -> Bool {
        let start = max(0, secret.lowerBound - rule.lookbehind)
        var end = secret.upperBound
        while end < buffer.count, end - secret.upperBound < 256, buffer[end] != 10 { end += 1 }
        let window = buffer[start..<end].map { $0 >= 65 && $0 <= 90 ? $0 | 0x20 : $0 }
        return contextWords.contains { window.containsSubsequence($0) }
    }
}

extension Array where Element == UInt8 {
    /// Whether `needle` occurs contiguously in the array.
    func containsSubsequence(_ needle: [UInt8]) -> Bool {
        guard let first = needle.first, needle.count <= count else { return needle.isEmpty }
        var index = 0
        while index + needle.count <= count {
            if self[index] == first, self[index..<(index + needle.count)].elementsEqual(needle) {
                return true
            }
            index += 1
        }
        return false
    }
}
