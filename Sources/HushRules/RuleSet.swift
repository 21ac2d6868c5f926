import Foundation
import Yams

/// An ordered, validated collection of rules with unique ids.
public struct RuleSet: Sendable {
    /// The rules, in load order.
    public private(set) var rules: [Rule]

    /// Creates a set, rejecting duplicate ids.
    public init(_ rules: [Rule]) throws {
        var seen = Set<String>()
        for rule in rules {
            guard seen.insert(rule.id).inserted else { throw RuleError.duplicateID(rule.id) }
            guard !rule.regex.isEmpty else { throw RuleError.emptyRegex(rule.id) }
        }
        self.rules = rules
    }

    /// The rules compiled into this binary from `patterns/`.
    ///
    /// Parsing YAML is the slowest part of start-up, so the parsed rules are
    /// kept as JSON in `cacheDirectory` (when given), keyed by a hash of the
    /// embedded text; an unreadable or stale cache is ignored and rewritten.
    ///
    /// Without `examples`, the rules come without their examples and
    /// negative examples (kept in a cache file of their own): a scan does not
    /// read them, and decoding them was a tenth of a CI range scan.
    public static func builtIn(cacheDirectory: URL? = nil, examples: Bool = true) throws -> RuleSet {
        func withoutExamples(_ rules: [Rule]) -> [Rule] {
            examples
                ? rules
                : rules.map { rule in
                    var lean = rule
                    lean.examples = []
                    lean.negativeExamples = []
                    return lean
                }
        }
        guard let cacheDirectory else { return try RuleSet(withoutExamples(parseBuiltInFiles())) }
        let name = "rules-\(builtInSourceHash)\(examples ? "" : "-lean").json"
        let file = cacheDirectory.appendingPathComponent(name)
        if let data = FileManager.default.contents(atPath: file.path),
            let rules = try? JSONDecoder().decode([Rule].self, from: data)
        {
            return try RuleSet(rules)
        }
        let rules = try withoutExamples(parseBuiltInFiles())
        if let data = try? JSONEncoder().encode(rules) {
            try? FileManager.default.createDirectory(at: cacheDirectory, withIntermediateDirectories: true)
            try? data.write(to: file, options: .atomic)
        }
        return try RuleSet(rules)
    }

    /// FNV-1a (64-bit) of the embedded pattern text: a cache key, not a MAC.
    static let builtInSourceHash: String = {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in builtInSource.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return String(hash, radix: 16)
    }()

    /// The text of all built-in pattern files, for cache keys.
    public static var builtInSource: String {
        embeddedPatternFiles.map { "\($0.name)\n\($0.text)" }.joined(separator: "\u{0}")
    }

    /// Parses rule files from YAML text; `name` is used in error messages.
    public static func parse(yaml: String, name: String) throws -> [Rule] {
        do {
            let file = try YAMLDecoder().decode(RuleFile.self, from: yaml)
            return file.resolvedRules
        } catch {
            throw RuleError.invalid(YAMLDiagnostics.message(for: error, yaml: yaml, file: name))
        }
    }

    /// Looks up a rule by id.
    public func rule(id: String) -> Rule? { rules.first { $0.id == id } }

    /// Removes the rules whose ids are listed.
    public mutating func disable(_ ids: Set<String>) { rules.removeAll { ids.contains($0.id) } }

    /// Adds rules, replacing built-in ones that share an id.
    public mutating func merge(_ extra: [Rule]) {
        for rule in extra {
            if let index = rules.firstIndex(where: { $0.id == rule.id }) {
                rules[index] = rule
            } else {
                rules.append(rule)
            }
        }
    }

    private static func parseBuiltInFiles() throws -> [Rule] {
        try embeddedPatternFiles.flatMap { try parse(yaml: $0.text, name: "patterns/\($0.name)") }
    }
}

/// Errors in rule definitions.
public enum RuleError: Error, CustomStringConvertible, Equatable {
    case duplicateID(String)
    case emptyRegex(String)
    case invalidFile(name: String, reason: String)
    /// A file that does not parse, with `file:line: problem`.
    case invalid(String)
    case invalidRegex(id: String, reason: String)

    public var description: String {
        switch self {
        case .duplicateID(let id): "rule id '\(id)' is defined more than once"
        case .emptyRegex(let id): "rule '\(id)' has an empty regex"
        case .invalidFile(let name, let reason): "\(name): \(reason)"
        case .invalid(let message): message
        case .invalidRegex(let id, let reason): "rule '\(id)': invalid regex: \(reason)"
        }
    }
}
