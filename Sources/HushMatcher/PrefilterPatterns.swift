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
    ///
    /// Rules whose regex holds a literal of four characters or more
    /// (`session_token`) keep it: the literal is cheaper to look for than
    /// common context words (`sts`), and their windows are smaller.
    static func isContextDriven(_ rule: Rule) -> Bool {
        !rule.context.isEmpty && rule.prefilter == nil && longestLiteral(in: rule.regex) < 4
    }

    /// The length of the longest run of plain characters in a regex (outside
    /// classes, escapes such as `\s`, groups' syntax and quantified atoms);
    /// a rough measure of what a prefilter can anchor on.
    static func longestLiteral(in regex: String) -> Int {
        let characters = Array(regex)
        var best = 0
        var run = 0
        /// Ends the current run; without its last atom when that is optional.
        func endRun(droppingLast: Bool = false) {
            best = max(best, run - (droppingLast ? 1 : 0))
            run = 0
        }
        var index = 0
        while index < characters.count {
            let character = characters[index]
            switch character {
            case "\\":
                let next = index + 1 < characters.count ? characters[index + 1] : " "
                if next.isLetter || next.isNumber { endRun() } else { run += 1 }  // \s, \b.. or an escaped literal
                index += 2
                continue
            case "[":
                endRun()
                index += 1
                if index < characters.count, characters[index] == "]" { index += 1 }
                while index < characters.count, characters[index] != "]" {
                    index += characters[index] == "\\" ? 2 : 1
                }
            case "(":
                endRun()
                if index + 1 < characters.count, characters[index + 1] == "?" {
                    // (?:  (?i)  (?i:  (?<!  (?=  (?<name>
                    while index + 1 < characters.count, !":)=!>".contains(characters[index + 1]) { index += 1 }
                    index += 1
                }
            case "?", "*":
                endRun(droppingLast: true)
            case "{":
                endRun(droppingLast: index + 1 < characters.count && characters[index + 1] == "0")
                while index < characters.count, characters[index] != "}" { index += 1 }
            case "+", ")", "|", "^", "$", ".":
                endRun()
            default:
                run += 1
            }
            index += 1
        }
        endRun()
        return best
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

extension Matcher {
    /// The length of the longest run of plain characters in a regex: under
    /// four, a rule that needs context words is found around them instead
    /// of by its regex (see `PrefilterPatterns.isContextDriven`).
    public static func longestLiteral(in regex: String) -> Int { PrefilterPatterns.longestLiteral(in: regex) }
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
