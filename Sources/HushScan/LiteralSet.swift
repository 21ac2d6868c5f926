import HushMatcher

/// Many words or patterns tested at once with one compiled PCRE2 alternation,
/// instead of one substring search per word.
struct LiteralSet: @unchecked Sendable {
    private let regex: PCRE2Regex
    private let scratch = ScratchPool()

    /// Literal words; `anchored` matches them only at the start.
    init(_ words: [String], anchored: Bool = false) {
        let alternation = words.map(PCRE2Regex.escape).joined(separator: "|")
        self.init(patterns: [(anchored ? "^" : "") + "(?:\(alternation))"])
    }

    /// Regular expressions, any of which may match.
    init(patterns: [String]) {
        regex = try! PCRE2Regex(patterns.map { "(?:\($0))" }.joined(separator: "|"))
    }

    /// Whether any word or pattern occurs in `text`.
    func matches(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { buffer in
            guard let base = buffer.baseAddress else { return false }
            return scratch.with { regex.firstMatch(in: base, end: buffer.count, from: 0, scratch: $0) != nil }
        }
    }

}

/// Per-thread PCRE2 match state, reused across calls.
final class ScratchPool: @unchecked Sendable {
    private let key: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key) { pointer in
            if let pointer { Unmanaged<PCRE2Regex.Scratch>.fromOpaque(pointer).release() }
        }
        return key
    }()

    func with<T>(_ body: (PCRE2Regex.Scratch) -> T) -> T {
        if let existing = pthread_getspecific(key) {
            return body(Unmanaged<PCRE2Regex.Scratch>.fromOpaque(existing).takeUnretainedValue())
        }
        let scratch = PCRE2Regex.Scratch(groups: 2)
        pthread_setspecific(key, Unmanaged.passRetained(scratch).toOpaque())
        return body(scratch)
    }
}

#if canImport(Glibc)
    import Glibc
#endif
