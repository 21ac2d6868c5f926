import Foundation

/// Masks secrets for display.
public enum Redaction {
    /// Shows at most a short prefix (a fifth of the secret, at most 4
    /// characters) and hides the rest, e.g. `ghp_************`.
    public static func redact(_ secret: String) -> String {
        let bytes = Array(secret.utf8)
        if bytes.allSatisfy({ $0 < 0x80 }) {
            let shown = min(4, bytes.count / 5)
            let hidden = min(max(bytes.count - shown, 4), 16)
            return String(decoding: bytes.prefix(shown), as: UTF8.self) + String(repeating: "*", count: hidden)
        }
        let characters = Array(secret)
        let shown = min(4, characters.count / 5)
        let hidden = min(max(characters.count - shown, 4), 16)
        return String(characters.prefix(shown)) + String(repeating: "*", count: hidden)
    }

    /// `line` with every occurrence of `secret` replaced by its redaction,
    /// trimmed and cut to `limit` characters around the first occurrence.
    public static func maskedLine(_ line: String, secret: String, limit: Int = 160) -> String {
        var masked = line
        if !secret.isEmpty,
            let replaced = ByteSearch.replacing(Array(secret.utf8), with: Array(redact(secret).utf8), in: line)
        {
            masked = replaced
        }
        masked = trimmingWhitespace(masked)
        guard masked.utf8.count > limit, masked.count > limit else { return masked }
        let characters = Array(masked)
        let anchor =
            masked.range(of: redact(secret)).map { masked.distance(from: masked.startIndex, to: $0.lowerBound) } ?? 0
        let start = max(0, min(anchor - limit / 4, characters.count - limit))
        let end = min(characters.count, start + limit)
        return (start > 0 ? "…" : "") + String(characters[start..<end]) + (end < characters.count ? "…" : "")
    }

    /// `text.trimmingCharacters(in: .whitespaces)`, without Foundation when
    /// both ends are ASCII (the only ASCII whitespace there is space and tab).
    static func trimmingWhitespace(_ text: String) -> String {
        let bytes = text.utf8
        var start = bytes.startIndex
        var end = bytes.endIndex
        while start < end, bytes[start] == 32 || bytes[start] == 9 { start = bytes.index(after: start) }
        while end > start, bytes[bytes.index(before: end)] == 32 || bytes[bytes.index(before: end)] == 9 {
            end = bytes.index(before: end)
        }
        // A non-ASCII character at either end may be Unicode whitespace.
        if start < end, bytes[start] >= 0x80 || bytes[bytes.index(before: end)] >= 0x80 {
            return text.trimmingCharacters(in: .whitespaces)
        }
        return String(text[start..<end])
    }
}
