import Foundation
import XCTest

/// The summary after `--apply` names the commits where each moved secret
/// appeared, from a history scan of the repository.
final class MigrateHistoryTests: XCTestCase {
    func git(_ arguments: [String], in directory: URL) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git", "-c", "user.name=Ann", "-c", "user.email=ann@example.org"] + arguments
        process.currentDirectoryURL = directory
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, "git \(arguments.joined(separator: " "))")
    }

    func testApplySummaryListsTheCommitsThatHeldEachSecret() throws {
        let fixture = try MigrateFixture()
        defer { fixture.remove() }
        try git(["init", "-q", "-b", "main"], in: fixture.project)
        try git(["add", ".env"], in: fixture.project)
        try git(["commit", "-q", "-m", "add settings"], in: fixture.project)
        let head = Process()
        head.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        head.arguments = ["git", "rev-parse", "HEAD"]
        head.currentDirectoryURL = fixture.project
        let pipe = Pipe()
        head.standardOutput = pipe
        try head.run()
        head.waitUntilExit()
        let commit = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)

        let result = try fixture.run(["migrate", ".env", "--apply"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.contains("rotate each of these secrets"), result.stdout)
        XCTAssertTrue(result.stdout.contains("in commits: \(commit)"), result.stdout)
        XCTAssertFalse(result.stdout.contains("Run `hush scan --git`"), "history was available")
    }
}
