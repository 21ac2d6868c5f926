import Foundation
import XCTest

/// Runs the built `hush` binary and captures what it prints.
struct HushProcess {
    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// The `hush` executable next to the test bundle.
    static var executable: URL {
        Bundle.main.bundleURL.appendingPathComponent("hush")
    }

    /// A cache folder shared by the tests of one run, so rules compile once.
    static let cacheDirectory = NSTemporaryDirectory() + "hush-test-cache-\(getpid())"

    /// Runs `hush ARGS`, optionally as another user (`setpriv`), with `input` on stdin.
    static func run(
        _ arguments: [String], input: String? = nil, in directory: String? = nil,
        environment: [String: String] = [:], asUser uid: Int? = nil
    ) throws -> Output {
        let process = Process()
        if let uid {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
            process.arguments = ["--reuid=\(uid)", "--regid=\(uid)", "--clear-groups", executable.path] + arguments
        } else {
            process.executableURL = executable
            process.arguments = arguments
        }
        var env = ProcessInfo.processInfo.environment
        env["HUSH_CACHE_DIR"] = cacheDirectory
        env["HUSH_FINGERPRINT_KEY"] = "cli-test-key"
        env.removeValue(forKey: "NO_COLOR")
        for (key, value) in environment { env[key] = value }
        process.environment = env
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        // Output goes through files: pipes could fill up and block the child.
        let capture = NSTemporaryDirectory() + "hush-out-\(UUID().uuidString)"
        guard FileManager.default.createFile(atPath: capture + ".out", contents: nil),
            FileManager.default.createFile(atPath: capture + ".err", contents: nil)
        else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: capture]) }
        defer {
            try? FileManager.default.removeItem(atPath: capture + ".out")
            try? FileManager.default.removeItem(atPath: capture + ".err")
        }
        process.standardOutput = FileHandle(forWritingAtPath: capture + ".out")
        process.standardError = FileHandle(forWritingAtPath: capture + ".err")
        let inPipe = Pipe()
        process.standardInput = inPipe
        try process.run()
        if let input { inPipe.fileHandleForWriting.write(Data(input.utf8)) }
        try inPipe.fileHandleForWriting.close()
        process.waitUntilExit()
        return Output(
            status: process.terminationStatus,
            stdout: (try? String(contentsOfFile: capture + ".out", encoding: .utf8)) ?? "",
            stderr: (try? String(contentsOfFile: capture + ".err", encoding: .utf8)) ?? "")
    }
}

/// A temporary folder of files for one test.
final class Fixture {
    let root: String

    init() throws {
        root = NSTemporaryDirectory() + "hush-cli-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: root) }

    func write(_ path: String, _ text: String) throws { try write(path, Array(text.utf8)) }

    func write(_ path: String, _ bytes: [UInt8]) throws {
        let url = URL(fileURLWithPath: root + "/" + path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(bytes).write(to: url)
    }

    func path(_ relative: String) -> String { root + "/" + relative }
}
