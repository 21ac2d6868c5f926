import Foundation
import HushMatcher
import HushRules
import HushScan
import HushSources
import HushTestSupport
import XCTest

/// A throwaway git repository built with the git CLI, with fixed identities and dates.
final class TestRepository {
    let path: String
    /// Only repositories this object created are deleted with it.
    private let ownsDirectory: Bool
    private var clock = 1_700_000_000

    init(bare: Bool = false, name: String = "repo") throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("hush-git-\(UUID().uuidString)")
        path = base.appendingPathComponent(name).path
        ownsDirectory = true
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        try git(bare ? ["init", "-q", "--bare", "-b", "main"] : ["init", "-q", "-b", "main"])
    }

    /// Wraps an existing directory (e.g. a clone).
    init(existing path: String) {
        self.path = path
        ownsDirectory = false
    }

    deinit {
        guard ownsDirectory else { return }
        let folder = (path as NSString).deletingLastPathComponent
        // Only ever the uniquely named folder made in init.
        guard (folder as NSString).lastPathComponent.hasPrefix("hush-git-") else { return }
        try? FileManager.default.removeItem(atPath: folder)
    }

    /// Runs git; throws when it fails.
    @discardableResult
    func git(_ arguments: [String], input: String? = nil) throws -> String {
        clock += 60
        let date = "\(clock) +0000"
        let result = try runProcess(
            "/usr/bin/git", ["-c", "user.name=Test Author", "-c", "user.email=author@example.com"] + arguments,
            in: path, input: input,
            environment: ["GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date])
        guard result.status == 0 else {
            throw NSError(
                domain: "git", code: Int(result.status),
                userInfo: [NSLocalizedDescriptionKey: "git \(arguments.joined(separator: " ")): \(result.stderr)"])
        }
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Writes (or, for nil, deletes) files, stages everything and commits; returns the commit id.
    @discardableResult
    func commit(_ message: String, _ files: [String: String?]) throws -> String {
        try write(files)
        try git(["add", "-A"])
        try git(["commit", "-q", "--allow-empty", "-m", message])
        return try git(["rev-parse", "HEAD"])
    }

    /// Writes (or deletes) files in the working tree.
    func write(_ files: [String: String?]) throws {
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
    }
}

/// Runs `hush` with `arguments` in `directory`.
@discardableResult
func hush(_ arguments: [String], in directory: String, input: String? = nil) throws -> ProcessOutput {
    try runProcess(try hushExecutable(), arguments, in: directory, input: input)
}

/// A scan engine with the built-in rules.
func makeEngine() throws -> ScanEngine {
    try builtInEngine.get()
}

/// Compiled once per test process: compiling the built-in rules' database
/// takes seconds in a debug build, and an engine is shared by its threads anyway.
private let builtInEngine = Result<ScanEngine, any Error> {
    let matcher = try Matcher(rules: try RuleSet.builtIn(), cache: nil)
    return ScanEngine(matcher: matcher, fingerprinter: Fingerprinter(key: Array("test-key".utf8)))
}

/// Runs a history scan in-process, on `threads` threads, around changes
/// or (`changesOnly` false) every blob whole.
func scanHistory(
    _ repository: TestRepository, _ selection: HistorySelection = .all(unreachable: false), changesOnly: Bool = true,
    threads: Int = 2
) throws -> HistoryScanner.Result {
    var options = HistoryScanOptions()
    options.selection = selection
    options.threads = threads
    options.scanChangesOnly = changesOnly
    return try HistoryScanner(engine: try makeEngine(), options: options).scan(repositoryPath: repository.path)
}

/// Parses JSON lines.
func jsonLines(_ text: String) -> [[String: Any]] {
    text.split(separator: "\n").compactMap {
        try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
    }
}
