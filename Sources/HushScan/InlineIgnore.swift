import Foundation

/// Inline suppression comments.
///
/// A finding is suppressed when its line contains `hush:ignore` (or
/// `hush:ignore[rule-a,rule-b]` to name rules), `gitleaks:allow` or
/// `pragma: allowlist secret`, or when the line before it contains
/// `hush:ignore-next-line`.
public enum InlineIgnore {
    static let markers = ["gitleaks:allow", "pragma: allowlist secret", "nosec: hush"].map { Array($0.utf8) }
    static let ignore = Array("hush:ignore".utf8)
    static let ignoreNextLine = Array("hush:ignore-next-line".utf8)

    /// Whether a finding of `rule` on `line` (with `previousLine` above it) is suppressed.
    public static func suppresses(rule: String, line: Substring, previousLine: Substring?) -> Bool {
        if let previousLine, ByteSearch.contains(previousLine, ignoreNextLine) { return true }
        if markers.contains(where: { ByteSearch.contains(line, $0) }) { return true }
        guard ByteSearch.contains(line, ignore), let range = line.range(of: "hush:ignore") else { return false }
        let rest = line[range.upperBound...]
        if rest.hasPrefix("-next-line") { return false }
        guard rest.hasPrefix("["), let close = rest.firstIndex(of: "]") else { return true }
        let named = rest[rest.index(after: rest.startIndex)..<close].split(separator: ",")
        return named.contains { $0.trimmingCharacters(in: .whitespaces) == rule }
    }
}
