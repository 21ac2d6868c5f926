import Foundation
import HushSources
import XCTest

// Helpers shared by the test targets that drive git and the hush binary.

/// Valid-checksum GitHub tokens (made with `scripts/checksum-token ghp_ BODY`).
public enum Tokens {
    public static let one = "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"
    public static let two = "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"
    public static let three = "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"
    public static let four = "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"
}

/// The output of a process.
public struct ProcessOutput {
    public var status: Int32
    public var stdout: String
    public var stderr: String
}

/// Runs `executable` with `arguments` in `directory`, feeding `input` on stdin.
@discardableResult
public func runProcess(
    _ executable: String, _ arguments: [String], in directory: String, input: String? = nil,
    environment extra: [String: String] = [:]
) throws -> ProcessOutput {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    process.currentDirectoryURL = URL(fileURLWithPath: directory)
    var environment = ProcessInfo.processInfo.environment
    environment["HUSH_FINGERPRINT_KEY"] = "test-key"
    environment["GIT_CONFIG_NOSYSTEM"] = "1"
    environment["GIT_CONFIG_GLOBAL"] = "/dev/null"
    for (key, value) in extra { environment[key] = value }
    process.environment = environment
    let output = Pipe()
    let error = Pipe()
    let stdin = Pipe()
    process.standardOutput = output
    process.standardError = error
    process.standardInput = stdin
    try process.run()
    if let input { stdin.fileHandleForWriting.write(Data(input.utf8)) }
    try stdin.fileHandleForWriting.close()
    // Read both pipes concurrently so neither fills up.
    let errorData = Locked(Data())
    let reader = Thread { errorData.withLock { $0 = error.fileHandleForReading.readDataToEndOfFile() } }
    reader.start()
    let outputData = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    while reader.isExecuting || !reader.isFinished { usleep(1000) }
    return ProcessOutput(
        status: process.terminationStatus, stdout: String(decoding: outputData, as: UTF8.self),
        stderr: String(decoding: errorData.withLock { $0 }, as: UTF8.self))
}

/// The hush binary built beside the tests (`$HUSH_BINARY` overrides); `file`
/// is the calling test file, three folders below the package root.
public func hushExecutable(file: StaticString = #filePath) throws -> String {
    if let explicit = ProcessInfo.processInfo.environment["HUSH_BINARY"] { return explicit }
    let root = URL(fileURLWithPath: "\(file)").deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    for configuration in ["debug", "release"] {
        let candidate = root.appendingPathComponent(".build/\(configuration)/hush").path
        if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
    }
    throw XCTSkip("build the hush executable first (swift build)")
}

/// A repeatable stream of pseudo-random numbers (a 64-bit linear
/// congruential generator), so that generated test data is the same on
/// every run.
public struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return state
    }
}
