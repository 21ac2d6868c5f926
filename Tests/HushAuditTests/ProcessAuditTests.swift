import Foundation
import GRDB
import HushSources
import HushTestSupport
import XCTest

@testable import HushAudit

/// Audits run as processes: two at once on one store, and one killed midway.
final class ProcessAuditTests: XCTestCase {
    var scratch: Scratch!

    override func setUpWithError() throws { scratch = try Scratch() }
    override func tearDown() { scratch.remove() }

    /// A repository of `commits` commits, each adding a ~`size`-byte file; every
    /// 100th file holds a token. Built with `git fast-import` (fast).
    func generate(_ name: String, commits: Int, size: Int = 4096, seed: Int = 0) throws -> String {
        let path = scratch.path + "/" + name
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        _ = try runProcess("/usr/bin/git", ["init", "-q", "-b", "main"], in: path)
        var stream = ""
        let tokens = [Tokens.one, Tokens.two, Tokens.three]
        for index in 0..<commits {
            var content = "// file \(index) of \(name) \(seed)\n"
            while content.utf8.count < size { content += "let value\(content.utf8.count) = \(index * 31 + seed)\n" }
            if index % 100 == 7 { content += "token = \"\(tokens[(index / 100) % 3])\"\n" }
            let message = "commit \(index)"
            stream += "commit refs/heads/main\nmark :\(index + 1)\n"
            stream += "committer Test <t@example.com> \(1_500_000_000 + index * 3600) +0000\n"
            stream += "data \(message.utf8.count)\n\(message)\n"
            if index > 0 { stream += "from :\(index)\n" }
            stream += "M 100644 inline src/f\(index % 400)/file\(index).txt\ndata \(content.utf8.count)\n\(content)\n"
        }
        let streamFile = scratch.path + "/\(name).fi"
        try stream.write(toFile: streamFile, atomically: false, encoding: .utf8)
        let result = try runProcess(
            "/bin/sh", ["-c", "git fast-import --quiet < '\(streamFile)' && git repack -adq"], in: path)
        XCTAssertEqual(result.status, 0, result.stderr)
        return path
    }

    func testTwoAuditsAtOnceLoseNothing() throws {
        let hush = try hushExecutable()
        let a = try generate("a", commits: 400, seed: 1)
        let b = try generate("b", commits: 400, seed: 2)
        let db = scratch.path + "/f.db"
        let results = Locked([ProcessOutput?](repeating: nil, count: 2))
        let group = DispatchGroup()
        for (index, repositories) in [[a, b], [b, a]].enumerated() {
            group.enter()
            Thread.detachNewThread {
                defer { group.leave() }
                let output = try? runProcess(hush, ["audit", "-q", "--db", db] + repositories, in: self.scratch.path)
                results.withLock { $0[index] = output }
            }
        }
        group.wait()
        for output in results.withLock({ $0 }) {
            let output = try XCTUnwrap(output)
            XCTAssertEqual(output.status, 0, output.stdout + output.stderr)
        }
        let store = try AuditStore(path: db)
        XCTAssertEqual(try store.count("scan"), 4)
        let complete = try store.pool.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM scan WHERE status = 'complete'")
        }
        XCTAssertEqual(complete, 4)
        XCTAssertEqual(try store.count("scannedBlob"), 800, "every blob recorded once")
        let findings = try store.currentFindings()
        XCTAssertEqual(Set(findings.map(\.repository)), ["a", "b"])
        XCTAssertEqual(findings.filter { $0.repository == "a" }.count, 4)
        XCTAssertEqual(findings.filter { $0.repository == "b" }.count, 4)
    }

    func testKilledAuditLeavesConsistentStoreAndResumes() throws {
        let hush = try hushExecutable()
        let repository = try generate("big", commits: 6000, size: 16384)
        let db = scratch.path + "/f.db"
        _ = try AuditStore(path: db)  // created and migrated before the race
        let process = Process()
        process.executableURL = URL(fileURLWithPath: hush)
        process.arguments = ["audit", "-q", "--threads", "1", "--db", db, repository]
        process.environment = ProcessInfo.processInfo.environment.merging(["HUSH_FINGERPRINT_KEY": "test-key"]) { $1 }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        var readOnly = Configuration()
        readOnly.readonly = true
        let watcher = try DatabaseQueue(path: db, configuration: readOnly)
        var recorded = 0
        let deadline = Date().addingTimeInterval(120)
        while process.isRunning, Date() < deadline {
            recorded = (try? watcher.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM scannedBlob") ?? 0 }) ?? 0
            if recorded > 0 { break }
            usleep(5000)
        }
        guard process.isRunning else {
            throw XCTSkip("the audit finished before it could be killed (\(recorded) blobs recorded)")
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationReason, .uncaughtSignal)
        try watcher.close()

        let store = try AuditStore(path: db)
        let check = try store.pool.read { try String.fetchAll($0, sql: "PRAGMA integrity_check") }
        XCTAssertEqual(check, ["ok"])
        let kept = try store.count("scannedBlob")
        XCTAssertGreaterThan(kept, 0)
        XCTAssertLessThan(kept, 6000)
        XCTAssertEqual(try store.count("finding"), 0, "findings are written when a repository completes")

        let resumed = try runProcess(hush, ["audit", "-q", "--db", db, repository], in: scratch.path)
        XCTAssertEqual(resumed.status, 0, resumed.stdout + resumed.stderr)
        XCTAssertTrue(resumed.stdout.contains("\(6000 - kept) blobs read, \(kept) skipped as known"), resumed.stdout)
        XCTAssertEqual(try store.count("scannedBlob"), 6000)
        // 60 files hold one of 3 tokens: one finding per path (fingerprint).
        let findings = try store.currentFindings()
        XCTAssertEqual(findings.count, 60)
        XCTAssertEqual(Set(findings.map(\.identity)).count, 3)
    }
}
