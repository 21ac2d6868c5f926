import Foundation
import Yams

/// A project's `.hush.yaml`: its own rules, rules it turns off, and what it
/// declares not to be a finding.
///
/// ```yaml
/// rules:                # same schema as patterns/*.yaml
///   - id: acme-internal-token
///     description: Acme internal API token
///     regex: '\b(acme_[a-z0-9]{32})\b'
/// disable: [generic-assignment]
/// allowlist:
///   paths: ['^tests/fixtures/']     # PCRE2, matched against the scan-relative path
///   secrets: ['^AKIA.*TESTING$']    # PCRE2, matched against the secret
///   lines: ['example\.org']         # PCRE2, matched against the finding's line
///   stopwords: [sandbox, staging]   # a secret containing one is not reported
/// ```
public struct ProjectConfig: Sendable, Equatable {
    public var rules: [Rule] = []
    public var disabledRules: [String] = []
    public var allowedPaths: [String] = []
    public var allowedSecrets: [String] = []
    public var allowedLines: [String] = []
    public var stopwords: [String] = []
    /// Where the configuration was read from, if anywhere.
    public var source: String?

    public init() {}

    /// The file name looked for.
    public static let fileName = ".hush.yaml"

    /// Parses configuration text; errors name `file`, the line and the problem.
    public static func parse(yaml: String, file: String) throws -> ProjectConfig {
        let raw: RawConfig
        do {
            raw = try YAMLDecoder().decode(RawConfig.self, from: yaml.isEmpty ? "{}" : yaml)
        } catch {
            throw RuleError.invalid(YAMLDiagnostics.message(for: error, yaml: yaml, file: file))
        }
        var config = ProjectConfig()
        config.rules = raw.rules ?? []
        config.disabledRules = raw.disable ?? []
        config.allowedPaths = raw.allowlist?.paths ?? []
        config.allowedSecrets = raw.allowlist?.secrets ?? []
        config.allowedLines = raw.allowlist?.lines ?? []
        config.stopwords = raw.allowlist?.stopwords ?? []
        config.source = file
        return config
    }

    /// Reads `path`; throws a readable error when it is missing or invalid.
    public static func load(path: String) throws -> ProjectConfig {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw RuleError.invalid("\(path): cannot read the configuration file")
        }
        return try parse(yaml: text, file: path)
    }

    /// The `.hush.yaml` in `root` or the nearest folder above it, if any.
    public static func find(from root: String) -> String? {
        var directory = URL(fileURLWithPath: root).standardizedFileURL
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory), !isDirectory.boolValue {
            directory.deleteLastPathComponent()
        }
        while true {
            let candidate = directory.appendingPathComponent(fileName).path
            if FileManager.default.fileExists(atPath: candidate) { return candidate }
            if FileManager.default.fileExists(atPath: directory.appendingPathComponent(".git").path) { return nil }
            let parent = directory.deletingLastPathComponent()
            if parent.path == directory.path { return nil }
            directory = parent
        }
    }

    /// The rule set after applying this configuration to `base`.
    public func apply(to base: RuleSet) throws -> RuleSet {
        var rules = base
        let unknown = disabledRules.filter { id in base.rule(id: id) == nil && !self.rules.contains { $0.id == id } }
        if let id = unknown.first {
            throw RuleError.invalid("\(source ?? Self.fileName): 'disable' names an unknown rule '\(id)'")
        }
        rules.merge(self.rules)
        rules.disable(Set(disabledRules))
        return rules
    }
}

private struct RawConfig: Decodable {
    var rules: [Rule]?
    var disable: [String]?
    var allowlist: RawAllowlist?

    enum CodingKeys: String, CodingKey { case rules, disable, allowlist }

    init(from decoder: any Decoder) throws {
        let every = try decoder.container(keyedBy: AnyKey.self)
        if let unknown = every.allKeys.first(where: { CodingKeys(rawValue: $0.stringValue) == nil }) {
            throw DecodingError.dataCorruptedError(
                forKey: unknown, in: every,
                debugDescription: "unknown setting '\(unknown.stringValue)' (known: rules, disable, allowlist)")
        }
        let container = try decoder.container(keyedBy: CodingKeys.self)
        rules = try container.decodeIfPresent([Rule].self, forKey: .rules)
        disable = try container.decodeIfPresent([String].self, forKey: .disable)
        allowlist = try container.decodeIfPresent(RawAllowlist.self, forKey: .allowlist)
    }
}

private struct RawAllowlist: Decodable {
    var paths: [String]?
    var secrets: [String]?
    var lines: [String]?
    var stopwords: [String]?
}

/// Any key, to find settings the configuration does not know.
private struct AnyKey: CodingKey {
    var stringValue: String
    var intValue: Int?
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) {
        self.stringValue = String(intValue)
        self.intValue = intValue
    }
}
