/// Matches gitignore-style glob patterns against `/`-separated paths.
///
/// `*` matches any run of characters except `/`, `?` one character except
/// `/`, `[...]` a character class (`!` or `^` negates), `\` escapes, and `**`
/// between slashes matches zero or more whole directories.
struct Glob: Sendable {
    let pattern: [UInt8]

    init(_ pattern: String) { self.pattern = Array(pattern.utf8) }

    /// Whether the whole of `text` matches the pattern.
    func matches(_ text: [UInt8]) -> Bool { match(0, text, 0) }

    private func match(_ pi: Int, _ text: [UInt8], _ start: Int) -> Bool {
        var pi = pi
        var ti = start
        while pi < pattern.count {
            let c = pattern[pi]
            switch c {
            case UInt8(ascii: "*"):
                var next = pi
                while next < pattern.count, pattern[next] == UInt8(ascii: "*") { next += 1 }
                if next - pi >= 2 {
                    return matchDoubleStar(after: next, text, ti)
                }
                var k = ti
                while true {
                    if match(next, text, k) { return true }
                    if k >= text.count || text[k] == UInt8(ascii: "/") { return false }
                    k += 1
                }
            case UInt8(ascii: "?"):
                guard ti < text.count, text[ti] != UInt8(ascii: "/") else { return false }
                pi += 1
                ti += 1
            case UInt8(ascii: "["):
                guard ti < text.count, let (matched, end) = matchClass(at: pi, text[ti]) else {
                    // An unterminated class is a literal '['.
                    guard ti < text.count, text[ti] == c else { return false }
                    pi += 1
                    ti += 1
                    continue
                }
                guard matched, text[ti] != UInt8(ascii: "/") else { return false }
                pi = end
                ti += 1
            case UInt8(ascii: "\\") where pi + 1 < pattern.count:
                guard ti < text.count, text[ti] == pattern[pi + 1] else { return false }
                pi += 2
                ti += 1
            default:
                guard ti < text.count, text[ti] == c else { return false }
                pi += 1
                ti += 1
            }
        }
        return ti == text.count
    }

    /// `**`: with a following `/`, zero or more leading directories; otherwise
    /// anything at all, slashes included.
    private func matchDoubleStar(after next: Int, _ text: [UInt8], _ ti: Int) -> Bool {
        if next < pattern.count, pattern[next] == UInt8(ascii: "/") {
            if match(next + 1, text, ti) { return true }
            var k = ti
            while k < text.count {
                if text[k] == UInt8(ascii: "/"), match(next + 1, text, k + 1) { return true }
                k += 1
            }
            return false
        }
        var k = ti
        while k <= text.count {
            if match(next, text, k) { return true }
            k += 1
        }
        return false
    }

    /// Matches one byte against the class starting at `start` (`[`); returns
    /// whether it matched and the index after `]`, or nil if unterminated.
    private func matchClass(at start: Int, _ byte: UInt8) -> (Bool, Int)? {
        var i = start + 1
        var negate = false
        if i < pattern.count, pattern[i] == UInt8(ascii: "!") || pattern[i] == UInt8(ascii: "^") {
            negate = true
            i += 1
        }
        var matched = false
        var first = true
        while i < pattern.count {
            if pattern[i] == UInt8(ascii: "]"), !first { return (matched != negate, i + 1) }
            first = false
            var low = pattern[i]
            if low == UInt8(ascii: "\\"), i + 1 < pattern.count {
                i += 1
                low = pattern[i]
            }
            if i + 2 < pattern.count, pattern[i + 1] == UInt8(ascii: "-"), pattern[i + 2] != UInt8(ascii: "]") {
                let high = pattern[i + 2]
                if byte >= low && byte <= high { matched = true }
                i += 3
            } else {
                if byte == low { matched = true }
                i += 1
            }
        }
        return nil
    }
}
