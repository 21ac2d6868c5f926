import Foundation

/// Findings a team has accepted, so that scans report only new ones.
///
/// The file is plain text, one finding per line, sorted by fingerprint, with
/// no timestamps or line numbers, so that two branches that each accept
/// findings merge without conflicts:
///
/// ```
/// # hush baseline v1: fingerprint rule path
/// 0b9c2f6e0a9e4d4f8a3c1b2d3e4f5a6b github-pat-classic config/app.env
/// ```
public struct Baseline: Sendable, Equatable {
    /// One accepted finding.
    public struct Entry: Sendable, Hashable, Comparable {
        public var fingerprint: String
        public var rule: String
        public var path: String

        public init(fingerprint: String, rule: String, path: String) {
            self.fingerprint = fingerprint
            self.rule = rule
            self.path = path
        }

        public static func < (a: Entry, b: Entry) -> Bool {
            (a.fingerprint, a.rule, a.path) < (b.fingerprint, b.rule, b.path)
        }
    }

    public private(set) var entries: Set<Entry>

    public init(entries: some Sequence<Entry> = []) { self.entries = Set(entries) }

    /// A baseline accepting every one of `findings`.
    public init(findings: [Finding]) {
        self.init(entries: findings.map { Entry(fingerprint: $0.fingerprint, rule: $0.ruleID, path: $0.path) })
    }

    static let header = "# hush baseline v1: fingerprint rule path"

    /// The file's text: the header, then entries sorted by fingerprint.
    public var text: String {
        ([Self.header] + entries.sorted().map { "\($0.fingerprint) \($0.rule) \($0.path)" })
            .joined(separator: "\n") + "\n"
    }

    /// Parses baseline text; errors name the file and line.
    public static func parse(_ text: String, file: String) throws -> Baseline {
        var entries: [Entry] = []
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.trimmingCharacters(in: .whitespaces.union(CharacterSet(charactersIn: "\r")))
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.hasPrefix("<<<<<<<") || line.hasPrefix(">>>>>>>") || line == "=======" {
                throw BaselineError(file: file, line: index + 1, problem: "unresolved merge conflict marker")
            }
            let parts = line.split(separator: " ", maxSplits: 2).map(String.init)
            guard parts.count == 3 else {
                throw BaselineError(file: file, line: index + 1, problem: "expected 'fingerprint rule path'")
            }
            guard parts[0].count == 32, parts[0].allSatisfy(\.isHexDigit) else {
                throw BaselineError(file: file, line: index + 1, problem: "'\(parts[0])' is not a fingerprint")
            }
            entries.append(Entry(fingerprint: parts[0], rule: parts[1], path: parts[2]))
        }
        return Baseline(entries: entries)
    }

    /// Reads a baseline file.
    public static func load(path: String) throws -> Baseline {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw BaselineError(file: path, line: nil, problem: "cannot read the baseline file")
        }
        return try parse(text, file: path)
    }

    /// Whether `finding` is accepted.
    public func contains(_ finding: Finding) -> Bool {
        entries.contains(Entry(fingerprint: finding.fingerprint, rule: finding.ruleID, path: finding.path))
    }

    /// The findings that are not accepted.
    public func filter(_ findings: [Finding]) -> [Finding] { findings.filter { !contains($0) } }
}

/// A baseline file that cannot be used.
public struct BaselineError: Error, CustomStringConvertible, Equatable {
    public var file: String
    public var line: Int?
    public var problem: String
    public var description: String { "\(file)\(line.map { ":\($0)" } ?? ""): \(problem)" }
}
