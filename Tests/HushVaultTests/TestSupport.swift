import Foundation
import XCTest

/// Result of running a child process.
struct ProcessResult {
    var status: Int32
    var stdout: Data
    var stderr: String
    var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
}

/// Runs `executable` with `arguments`, feeding `input` on stdin.
@discardableResult
func runProcess(
    _ executable: String, _ arguments: [String], input: Data? = nil, environment: [String: String] = [:],
    directory: URL? = nil
) throws -> ProcessResult {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    var env = ProcessInfo.processInfo.environment
    for (key, value) in environment { env[key] = value }
    process.environment = env
    if let directory { process.currentDirectoryURL = directory }
    let outPipe = Pipe(), errPipe = Pipe(), inPipe = Pipe()
    process.standardOutput = outPipe
    process.standardError = errPipe
    process.standardInput = inPipe
    try process.run()
    let group = DispatchGroup()
    final class Box: @unchecked Sendable { var data = Data() }
    let out = Box(), err = Box()
    group.enter()
    DispatchQueue.global().async {
        out.data = outPipe.fileHandleForReading.readDataToEndOfFile()
        group.leave()
    }
    group.enter()
    DispatchQueue.global().async {
        err.data = errPipe.fileHandleForReading.readDataToEndOfFile()
        group.leave()
    }
    if let input { inPipe.fileHandleForWriting.write(input) }
    try? inPipe.fileHandleForWriting.close()
    process.waitUntilExit()
    group.wait()
    return ProcessResult(
        status: process.terminationStatus, stdout: out.data, stderr: String(decoding: err.data, as: UTF8.self))
}

/// Finds a command on PATH.
func which(_ name: String) -> String? {
    for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
        let path = "\(dir)/\(name)"
        if FileManager.default.isExecutableFile(atPath: path) { return path }
    }
    return nil
}

/// A fresh private temporary directory, removed by the test case's teardown.
func makeTemporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("hush-test-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// The `hush` executable built next to this test bundle.
func hushExecutable() throws -> String {
    var candidates: [String] = []
    if let env = ProcessInfo.processInfo.environment["HUSH_BINARY"] { candidates.append(env) }
    let bundleDir = Bundle.main.bundleURL
    candidates.append(bundleDir.appendingPathComponent("hush").path)
    for bundle in Bundle.allBundles {
        candidates.append(bundle.bundleURL.deletingLastPathComponent().appendingPathComponent("hush").path)
    }
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    candidates.append(root.appendingPathComponent(".build/debug/hush").path)
    for candidate in candidates where FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
    throw XCTSkip("hush executable not found; build it first (swift build)")
}

func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }
