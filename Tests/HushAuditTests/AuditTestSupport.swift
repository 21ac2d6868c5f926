import Foundation
import HushAudit
import HushMatcher
import HushRules
import HushScan
import HushSources
import XCTest

/// Valid-checksum GitHub tokens (made with `scripts/checksum-token ghp_ BODY`).
enum Tokens {
    static let one = "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"
    static let two = "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"
    static let three = "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"
}

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

/// The output of a process.
struct ProcessOutput {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// Runs `executable`; both pipes are read to the end.
@discardableResult
func runProcess(
    _ executable: String, _ arguments: [String], in directory: String, environment extra: [String: String] = [:]
) throws -> ProcessOutput {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    process.currentDirectoryURL = URL(fileURLWithPath: directory)
    var environment = ProcessInfo.processInfo.environment
    environment["HUSH_FINGERPRINT_KEY"] = "test-key"
    environment["GIT_CONFIG_NOSYSTEM"] = "1"
    for (key, value) in extra { environment[key] = value }
    process.environment = environment
    let output = Pipe()
    let error = Pipe()
    process.standardOutput = output
    process.standardError = error
    process.standardInput = FileHandle.nullDevice
    try process.run()
    let errorData = Locked(Data())
    let reader = Thread { errorData.withLock { $0 = error.fileHandleForReading.readDataToEndOfFile() } }
    reader.start()
    let outputData = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    while !reader.isFinished { usleep(1000) }
    return ProcessOutput(
        status: process.terminationStatus, stdout: String(decoding: outputData, as: UTF8.self),
        stderr: String(decoding: errorData.withLock { $0 }, as: UTF8.self))
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

/// The `hush` executable built beside the tests.
func hushExecutable(file: StaticString = #filePath) throws -> String {
    let root = URL(fileURLWithPath: "\(file)").deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    if let explicit = ProcessInfo.processInfo.environment["HUSH_BINARY"] { return explicit }
    let candidate = root.appendingPathComponent(".build/debug/hush").path
    if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
    throw XCTSkip("build the hush executable first (swift build)")
}

/// The folder of this package.
func packageRoot(file: StaticString = #filePath) -> URL {
    URL(fileURLWithPath: "\(file)").deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
}
