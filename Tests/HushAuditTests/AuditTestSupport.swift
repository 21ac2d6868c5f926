import Foundation
import HushAudit
import HushMatcher
import HushRules
import HushScan
import HushSources
import HushTestSupport
import XCTest

/// A private temporary folder (`hush-audit-<UUID>`), removed by `remove()` only.
final class Scratch {
    let url: URL
    var path: String { url.path }

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("hush-audit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func remove() {
        // Only the uniquely named folder made in init.
        guard url.lastPathComponent.hasPrefix("hush-audit-") else { return }
        try? FileManager.default.removeItem(at: url)
    }
}

/// A git repository built with the git CLI, with fixed identities and dates.
final class TestRepository {
    let path: String
    private var clock = 1_500_000_000

    init(in scratch: Scratch, name: String) throws {
        path = scratch.path + "/" + name
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        try git(["init", "-q", "-b", "main"])
    }

    @discardableResult
    func git(_ arguments: [String]) throws -> String {
        clock += 86_400 * 30
        let date = "\(clock) +0000"
        let result = try runProcess(
            "/usr/bin/git", ["-c", "user.name=Test Author", "-c", "user.email=author@example.com"] + arguments,
            in: path, environment: ["GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date])
        guard result.status == 0 else {
            throw NSError(
                domain: "git", code: Int(result.status),
                userInfo: [NSLocalizedDescriptionKey: "git \(arguments.joined(separator: " ")): \(result.stderr)"])
        }
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Writes (nil: deletes) files, stages everything and commits.
    @discardableResult
    func commit(_ message: String, _ files: [String: String?]) throws -> String {
        for (name, content) in files {
            let file = path + "/" + name
            if let content {
                try FileManager.default.createDirectory(
                    atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                try content.write(toFile: file, atomically: false, encoding: .utf8)
            } else {
                try? FileManager.default.removeItem(atPath: file)
            }
        }
        try git(["add", "-A"])
        try git(["commit", "-q", "--allow-empty", "-m", message])
        return try git(["rev-parse", "HEAD"])
    }
}

/// Builds audit engines from the built-in rules (matcher compiled once).
enum TestEngines {
    static let matcher: Matcher = {
        let cache = DatabaseCache.standard
        return try! Matcher(rules: RuleSet.builtIn(cacheDirectory: cache?.directory), cache: cache)
    }()

    static func engine(signature: String = "") -> AuditEngine {
        AuditEngine(
            engine: ScanEngine(matcher: matcher, fingerprinter: Fingerprinter(key: Array("test-key".utf8))),
            configSignature: signature)
    }

    static func runner(store: AuditStore, signature: String = "", jobs: Int = 1, cacheDir: String? = nil)
        -> AuditRunner
    {
        var options = AuditOptions()
        options.jobs = jobs
        options.threads = 2
        return AuditRunner(
            store: store, options: options, fetcher: RepositoryFetcher(cacheDirectory: cacheDir),
            makeEngine: { _ in engine(signature: signature) })
    }
}

/// The folder of this package.
func packageRoot(file: StaticString = #filePath) -> URL {
    URL(fileURLWithPath: "\(file)").deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
}
