import Foundation
import HushMatcher
import HushRules
import HushScan

/// Builds the scan engine from the built-in rules and the user's options.
enum EngineLoader {
    /// The engine for scans rooted at `root`.
    static func engine(root: String, useCache: Bool = true) throws -> ScanEngine {
        let rules = try RuleSet.builtIn()
        let matcher = try Matcher(rules: rules, cache: useCache ? .standard : nil)
        let key = FingerprintKey.resolve(root: root)
        return ScanEngine(matcher: matcher, fingerprinter: Fingerprinter(key: key))
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
