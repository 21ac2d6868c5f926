import Foundation
import HushMatcher
import HushRules
import HushScan

/// Builds the scan engine from the built-in rules, the project's
/// `.hush.yaml` and the user's options.
enum EngineLoader {
    /// The engine for scans rooted at `root`; `configPath` overrides the
    /// `.hush.yaml` lookup. The built-in rules keep their examples only with
    /// `withExamples` (`hush rules test`).
    static func engine(
        root: String, configPath: String? = nil, useCache: Bool = true, withExamples: Bool = false
    ) throws -> ScanEngine {
        let config = try loadConfig(root: root, explicit: configPath)
        let cache = useCache ? DatabaseCache.standard : nil
        let rules = try config.apply(
            to: RuleSet.builtIn(cacheDirectory: cache?.directory, examples: withExamples))
        let matcher = try Matcher(rules: rules, cache: cache)
        let key = FingerprintKey.resolve(root: root)
        return ScanEngine(matcher: matcher, fingerprinter: Fingerprinter(key: key), allowlist: try allowlist(config))
    }

    static func loadConfig(root: String, explicit: String?) throws -> ProjectConfig {
        if let explicit { return try ProjectConfig.load(path: explicit) }
        guard let found = ProjectConfig.find(from: root) else { return ProjectConfig() }
        return try ProjectConfig.load(path: found)
    }

    static func allowlist(_ config: ProjectConfig) throws -> Allowlist {
        func compile(_ patterns: [String], _ field: String) throws -> [PCRE2Regex] {
            try patterns.map { pattern in
                do {
                    return try PCRE2Regex(pattern)
                } catch {
                    throw RuleError.invalid(
                        "\(config.source ?? ProjectConfig.fileName): allowlist.\(field): '\(pattern)': \(error)")
                }
            }
        }
        return Allowlist(
            paths: try compile(config.allowedPaths, "paths"), secrets: try compile(config.allowedSecrets, "secrets"),
            lines: try compile(config.allowedLines, "lines"), stopwords: config.stopwords)
    }
}

/// Writes to standard error.
enum StandardError {
    private static let lock = NSLock()

    /// Prints one line to stderr (thread-safe).
    static func print(_ line: String) {
        lock.lock()
        defer { lock.unlock() }
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
