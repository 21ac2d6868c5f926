import Foundation
import HushCrypto
import HushScan

/// One value replaced by a reference in a file. Holds no secret: the entry name and the byte range only.
public struct MigrationEdit: Codable, Sendable, Equatable {
    /// Byte offset of the replaced value in the original file.
    public var offset: Int
    /// Length in bytes of the replaced value.
    public var length: Int
    /// The reference written in its place.
    public var reference: String
    /// The vault entry it refers to.
    public var entry: String
    /// 1-based line, for messages.
    public var line: Int
    /// The rule that found the secret.
    public var ruleID: String
}

/// The rewrite of one file.
public struct FilePlan: Sendable {
    /// Path to open, relative to the working directory or absolute.
    public var path: String
    public var format: ConfigFormat
    public var edits: [MigrationEdit]
    /// The file as it was read when planning.
    public var original: [UInt8]
    /// The file with references.
    public var rewritten: [UInt8]
    /// Masked forms of the secrets in this file, for diffs.
    public var secretsToMask: [String]

    /// Hex SHA-256 of `bytes`.
    public static func hash(_ bytes: [UInt8]) -> String { Digest.hex(Digest.sha256(bytes)) }
}

/// A vault entry the migration needs.
public struct PlannedEntry: Sendable {
    public var name: String
    /// The secret as the application sees it (decoded when it was base64 in the file).
    public var value: [UInt8]
    /// Where it was found first, `path:line`.
    public var source: String
    /// Every place it was found.
    public var locations: [String]
    /// False when the vault already holds this name with this value.
    public var isNew: Bool
    /// The secret masked for display.
    public var redacted: String
}

/// A secret that migrate does not rewrite (source code, unknown formats, multi-line or encoded values).
public struct ManualItem: Sendable {
    public var path: String
    public var line: Int
    public var ruleID: String
    public var redacted: String
    public var reason: String
    public var suggestion: String
}

/// What a migration will do: entries to write, files to rewrite, findings left to the user.
public struct MigrationPlan: Sendable {
    public var entries: [PlannedEntry] = []
    public var files: [FilePlan] = []
    public var manual: [ManualItem] = []
    /// Findings dropped because another finding already covers the same bytes.
    public var duplicates = 0

    public init() {}
}

/// Turns scan findings into a `MigrationPlan`.
public struct MigrationPlanner {
    /// Reads a file's bytes.
    public var readFile: (String) throws -> [UInt8]
    /// The value of an existing vault entry, or nil if there is none (or the vault is not available).
    public var existingValue: (String) -> [UInt8]?

    public init(
        readFile: @escaping (String) throws -> [UInt8] = { try Array(Data(contentsOf: URL(fileURLWithPath: $0))) },
        existingValue: @escaping (String) -> [UInt8]? = { _ in nil }
    ) {
        self.readFile = readFile
        self.existingValue = existingValue
    }

    /// Plans the migration of `findings`, whose `path` must be openable from the working directory.
    public func plan(_ findings: [Finding]) throws -> MigrationPlan {
        var plan = MigrationPlan()
        var entryByValue: [[UInt8]: Int] = [:]
        var usedNames: [String: [UInt8]] = [:]
        let byPath = Dictionary(grouping: findings, by: \.path)
        for path in byPath.keys.sorted() {
            let fileFindings = byPath[path]!.sorted { ($0.line, $0.column) < ($1.line, $1.column) }
            guard let format = ConfigFormat.detect(path: path) else {
                for finding in fileFindings {
                    plan.manual.append(
                        manual(finding, reason: "not a config file", suggestion: Self.codeSuggestion(for: finding)))
                }
                continue
            }
            let bytes = try readFile(path)
            let starts = Bytes.lineStarts(bytes)
            var edits: [MigrationEdit] = []
            var masks: [String] = []
            for finding in fileFindings {
                guard finding.line >= 1, finding.line <= starts.count else { continue }
                let offset = starts[finding.line - 1] + finding.column - 1
                guard let (span, value, encoding) = locate(finding, in: bytes, at: offset) else {
                    plan.manual.append(
                        manual(
                            finding, reason: reason(for: finding),
                            suggestion:
                                "move it by hand: `hush vault set NAME`, then write hush:vault/NAME in its place"
                        ))
                    continue
                }
                if edits.contains(where: { $0.offset..<($0.offset + $0.length) ~= span.lowerBound })
                    || edits.contains(where: { span.contains($0.offset) })
                {
                    plan.duplicates += 1
                    continue
                }
                let location = "\(path):\(finding.line)"
                let name: String
                if let known = entryByValue[value] {
                    name = plan.entries[known].name
                    plan.entries[known].locations.append(location)
                } else {
                    let keyPath = KeyPathLocator.keyPath(format: format, bytes: bytes, offset: span.lowerBound)
                    let candidates = EntryNaming.candidates(path: path, keyPath: keyPath, line: finding.line)
                    var isNew = true
                    var chosen: String?
                    for candidate in candidates where usedNames[candidate] == nil {
                        if let existing = existingValue(candidate) {
                            guard existing == value else { continue }
                            isNew = false
                        }
                        chosen = candidate
                        break
                    }
                    name =
                        chosen
                        ?? EntryNaming.unique(candidates[0]) { usedNames[$0] != nil || existingValue($0) != nil }
                    usedNames[name] = value
                    entryByValue[value] = plan.entries.count
                    plan.entries.append(
                        PlannedEntry(
                            name: name, value: value, source: location, locations: [location], isNew: isNew,
                            redacted: Redaction.redact(String(decoding: value, as: UTF8.self))))
                }
                let reference = VaultReference(name: name, encoding: encoding)
                edits.append(
                    MigrationEdit(
                        offset: span.lowerBound, length: span.count, reference: reference.text, entry: name,
                        line: finding.line, ruleID: finding.ruleID))
                masks.append(String(decoding: bytes[span], as: UTF8.self))
            }
            guard !edits.isEmpty else { continue }
            edits.sort { $0.offset < $1.offset }
            plan.files.append(
                FilePlan(
                    path: path, format: format, edits: edits, original: bytes,
                    rewritten: Self.apply(edits, to: bytes), secretsToMask: masks))
        }
        return plan
    }

    /// `bytes` with each edit's range replaced by its reference.
    public static func apply(_ edits: [MigrationEdit], to bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        var last = 0
        for edit in edits.sorted(by: { $0.offset < $1.offset }) {
            out += bytes[last..<edit.offset]
            out += Array(edit.reference.utf8)
            last = edit.offset + edit.length
        }
        out += bytes[last...]
        return out
    }

    /// The exact bytes of the secret in the file, the value to seal, and how the reference spells it.
    func locate(_ finding: Finding, in bytes: [UInt8], at offset: Int)
        -> (Range<Int>, [UInt8], VaultReference.Encoding)?
    {
        guard finding.endLine == finding.line, offset >= 0, offset < bytes.count else { return nil }
        let secret = Array(finding.secret.utf8)
        switch finding.encoding {
        case nil:
            let end = offset + secret.count
            guard end <= bytes.count, Array(bytes[offset..<end]) == secret else { return nil }
            return (offset..<end, secret, .plain)
        case "base64"?:
            var end = offset
            while end < bytes.count, Self.isBase64Byte(bytes[end]) { end += 1 }
            let run = String(decoding: bytes[offset..<end], as: UTF8.self)
            guard let decoded = Data(base64Encoded: run), decoded.base64EncodedString() == run else { return nil }
            let value = Array(decoded)
            guard String(decoding: value, as: UTF8.self).contains(finding.secret) else { return nil }
            return (offset..<end, value, .base64)
        default:
            return nil
        }
    }

    static func isBase64Byte(_ byte: UInt8) -> Bool {
        (byte >= 65 && byte <= 90) || (byte >= 97 && byte <= 122) || (byte >= 48 && byte <= 57) || byte == 43
            || byte == 47 || byte == 61
    }

    func reason(for finding: Finding) -> String {
        if finding.endLine != finding.line { return "spans several lines" }
        if let encoding = finding.encoding { return "stored \(encoding)-encoded" }
        return "could not locate the exact value"
    }

    func manual(_ finding: Finding, reason: String, suggestion: String) -> ManualItem {
        ManualItem(
            path: finding.path, line: finding.line, ruleID: finding.ruleID, redacted: finding.redacted,
            reason: reason, suggestion: suggestion)
    }

    /// What to do with a secret in source code.
    static func codeSuggestion(for finding: Finding) -> String {
        let ext = (finding.path as NSString).pathExtension.lowercased()
        let read: String
        switch ext {
        case "py": read = "os.environ[\"NAME\"]"
        case "js", "ts", "mjs", "cjs": read = "process.env.NAME"
        case "go": read = "os.Getenv(\"NAME\")"
        case "rb": read = "ENV.fetch(\"NAME\")"
        case "java", "kt", "scala": read = "System.getenv(\"NAME\")"
        case "swift": read = "ProcessInfo.processInfo.environment[\"NAME\"]"
        case "cs": read = "Environment.GetEnvironmentVariable(\"NAME\")"
        case "php": read = "getenv('NAME')"
        case "rs": read = "std::env::var(\"NAME\")"
        default: read = "an environment variable"
        }
        return "store it with `hush vault set NAME`, read it with \(read), put NAME=hush:vault/NAME in an env file "
            + "and start the program with `hush run --env-file FILE -- CMD`"
    }
}
