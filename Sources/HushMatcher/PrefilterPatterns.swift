import HushCrypto
import HushRules

/// The Vectorscan expressions for a rule set, and the key under which their
/// compiled database is cached.
struct PrefilterPatterns {
    var patterns: [VectorscanDatabase.Pattern]
    var fallbacks: [VectorscanDatabase.Pattern?]

    init(rules: [Rule]) {
        patterns = rules.enumerated().map { index, rule in
            if Self.isContextDriven(rule) {
                let words = rule.context.map { PCRE2Regex.escape($0.lowercased()) }.joined(separator: "|")
                return VectorscanDatabase.Pattern(
                    expression: "(?:\(words))", id: UInt32(index), flags: VectorscanDatabase.caselessFlags)
            }
            return VectorscanDatabase.Pattern(
                expression: rule.prefilter ?? rule.regex, id: UInt32(index),
                flags: VectorscanDatabase.prefilterFlags)
        }
        // A regex Vectorscan cannot take (even approximated) falls back to its
        // keywords as literals.
        fallbacks = rules.enumerated().map { index, rule in
            guard !rule.keywords.isEmpty else { return nil }
            let alternatives = rule.keywords.map(PCRE2Regex.escape).joined(separator: "|")
            return VectorscanDatabase.Pattern(
                expression: "(?:\(alternatives))", id: UInt32(index),
                flags: VectorscanDatabase.caselessFlags)
        }
    }

    /// Whether the rule is looked for around its context words rather than
    /// by its regex: a rule that needs a context word near its secret (and
    /// has no `prefilter` of its own). Its regex is usually a bare character
    /// class (`[A-Za-z0-9/+]{40}`), the costliest kind of pattern for
    /// Vectorscan and one that fires on every hash; its context words are
    /// plain literals and rare.
    static func isContextDriven(_ rule: Rule) -> Bool {
        !rule.context.isEmpty && rule.prefilter == nil
    }

    /// Identifies the database: expressions, flags, library and CPU.
    var cacheKey: String {
        var text = "hush-db-v2\n\(VectorscanDatabase.libraryVersion)\n\(VectorscanDatabase.platformKey)\n"
        for (pattern, fallback) in zip(patterns, fallbacks) {
            text += "\(pattern.id)\u{1}\(pattern.flags)\u{1}\(pattern.expression)\u{1}\(fallback?.expression ?? "")\n"
        }
        return Digest.hex(Digest.sha256(Array(text.utf8)))
    }

    /// Compiles the database, replacing each expression Vectorscan rejects by
    /// its keyword fallback.
    func compile() throws -> VectorscanDatabase {
        var current = patterns
        var replaced = Set<Int>()
        while true {
            do {
                return try VectorscanDatabase(patterns: current)
            } catch .compile(let index, let message) {
                guard index >= 0, index < current.count, !replaced.contains(index),
                    let fallback = fallbacks[index]
                else {
                    let id = index >= 0 && index < current.count ? "rule #\(index)" : "rules"
                    throw MatcherError.prefilter(rule: id, message: message)
                }
                replaced.insert(index)
                current[index] = fallback
            } catch {
                throw MatcherError.prefilter(rule: "rules", message: "\(error)")
            }
        }
    }

}

/// Errors building the matcher.
public enum MatcherError: Error, CustomStringConvertible {
    case prefilter(rule: String, message: String)

    public var description: String {
        switch self {
        case .prefilter(let rule, let message):
            "cannot compile \(rule) for Vectorscan: \(message); give it `keywords` or a `prefilter`"
        }
    }
}
