import Foundation
import HushTestSupport
import XCTest

/// `hush scan --git` end to end: formats, exit codes, messages.
final class HistoryCLITests: XCTestCase {
    func testJSONShowsEveryLocationAndJSONLinesOneLinePerIntroduction() throws {
        let repo = try TestRepository()
        let first = try repo.commit("add", ["a.env": "T=\(Tokens.one)\n"])
        let second = try repo.commit("copy", ["b.env": "T=\(Tokens.one)\n"])

        let lines = try hush(["scan", "--git", "--format", "jsonl", "--no-redact", "-q", "."], in: repo.path)
        XCTAssertEqual(lines.status, 1, lines.stderr)
        let objects = jsonLines(lines.stdout)
        XCTAssertEqual(objects.count, 2)
        XCTAssertEqual(Set(objects.compactMap { $0["commit"] as? String }), [first, second])
        XCTAssertEqual(Set(objects.compactMap { $0["path"] as? String }), ["a.env", "b.env"])
        XCTAssertEqual(objects.first?["secret"] as? String, Tokens.one)
        XCTAssertEqual(objects.first?["at_head"] as? Bool, true)

        let json = try hush(["scan", "--git", "--format", "json", "-q", repo.path], in: "/")
        XCTAssertEqual(json.status, 1)
        let document = try XCTUnwrap(
            try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let findings = try XCTUnwrap(document["findings"] as? [[String: Any]])
        XCTAssertEqual(findings.count, 1)
        XCTAssertEqual(findings[0]["commit"] as? String, first)
        XCTAssertEqual(findings[0]["author"] as? String, "Test Author")
        XCTAssertNotEqual(findings[0]["secret"] as? String, Tokens.one, "redacted by default")
        let others = try XCTUnwrap(findings[0]["other_locations"] as? [[String: Any]])
        XCTAssertEqual(others.first?["path"] as? String, "b.env")
        XCTAssertEqual(others.first?["commit"] as? String, second)
        XCTAssertFalse(json.stdout.contains(Tokens.one))
    }

    func testCleanHistoryExitsZero() throws {
        let repo = try TestRepository()
        try repo.commit("clean", ["a.txt": "nothing here\n"])
        let result = try hush(["scan", "--git", "."], in: repo.path)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.contains("no findings"), result.stdout)
    }

    func testNotARepositoryExitsTwoWithAClearMessage() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hush-norepo-\(UUID())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let result = try hush(["scan", "--git", directory], in: directory)
        XCTAssertEqual(result.status, 2)
        XCTAssertTrue(result.stderr.contains("is not in a git repository"), result.stderr)
    }

    func testInvalidRangeExitsTwo() throws {
        let repo = try TestRepository()
        try repo.commit("one", ["a.txt": "a\n"])
        for range in ["main..no-such-branch", "main", "a...b"] {
            let result = try hush(["scan", "--git", "--range", range, "."], in: repo.path)
            XCTAssertEqual(result.status, 2, "\(range): \(result.stderr)")
            XCTAssertTrue(result.stderr.contains("invalid range"), result.stderr)
        }
        let since = try hush(["scan", "--since", "nope", "."], in: repo.path)
        XCTAssertEqual(since.status, 2)
        let both = try hush(["scan", "--range", "a..b", "--staged", "."], in: repo.path)
        XCTAssertEqual(both.status, 2)
    }

    func testRangeOnTheCommandLine() throws {
        let repo = try TestRepository()
        let base = try repo.commit("old", ["old.env": "T=\(Tokens.one)\n"])
        try repo.commit("new", ["new.env": "T=\(Tokens.two)\n"])
        try repo.commit("gone", ["new.env": nil])
        let result = try hush(
            ["scan", "--git", "--range", "\(base)..HEAD", "--format", "jsonl", "--no-redact", "."], in: repo.path)
        XCTAssertEqual(result.status, 1)
        XCTAssertEqual(jsonLines(result.stdout).compactMap { $0["secret"] as? String }, [Tokens.two])
        let clean = try hush(["scan", "--since", "HEAD", "."], in: repo.path)
        XCTAssertEqual(clean.status, 0, clean.stderr)
    }

    func testStagedOnTheCommandLine() throws {
        let repo = try TestRepository()
        try repo.commit("one", ["a.txt": "a\n"])
        try repo.write(["s.env": "T=\(Tokens.three)\n"])
        XCTAssertEqual(try hush(["scan", "--staged", "."], in: repo.path).status, 0, "not staged yet")
        try repo.git(["add", "s.env"])
        XCTAssertEqual(try hush(["scan", "--staged", "."], in: repo.path).status, 1)
    }

    func testShallowCloneIsScannedWithANote() throws {
        let repo = try TestRepository()
        try repo.commit("old secret", ["old.env": "T=\(Tokens.one)\n"])
        try repo.commit("drop it", ["old.env": nil])
        try repo.commit("current", ["now.env": "T=\(Tokens.two)\n"])
        let clone = repo.path + "-shallow"
        try repo.git(["clone", "-q", "--depth", "1", "file://\(repo.path)", clone])
        let result = try hush(["scan", "--git", "--format", "jsonl", "--no-redact", clone], in: "/")
        XCTAssertEqual(result.status, 1, result.stderr)
        XCTAssertTrue(result.stderr.contains("shallow clone"), result.stderr)
        XCTAssertEqual(jsonLines(result.stdout).compactMap { $0["secret"] as? String }, [Tokens.two])
    }

    func testBareRepositoryCannotScanStaged() throws {
        let repo = try TestRepository(bare: true)
        let result = try hush(["scan", "--staged", "."], in: repo.path)
        XCTAssertEqual(result.status, 2)
        XCTAssertTrue(result.stderr.contains("bare repository"), result.stderr)
    }

    func testQuietPipedScanPrintsNoProgress() throws {
        let repo = try TestRepository()
        try repo.commit("one", ["a.txt": "a\n"])
        let result = try hush(["scan", "--git", "--format", "json", "."], in: repo.path)
        XCTAssertFalse(result.stderr.contains("\r"), "no progress line when stderr is not a terminal")
        let quiet = try hush(["scan", "--git", "--format", "json", "-q", "."], in: repo.path)
        XCTAssertEqual(quiet.stderr, "")
    }

    func testMissingObjectsAreWarnedAboutAndTheScanGoesOn() throws {
        let repo = try TestRepository()
        try repo.commit("add", ["secret.env": "T=\(Tokens.one)\n", "other.txt": "will go missing\n"])
        let blob = try repo.git(["rev-parse", "HEAD:other.txt"])
        let object = repo.path + "/.git/objects/" + blob.prefix(2) + "/" + blob.dropFirst(2)
        try FileManager.default.removeItem(atPath: object)

        let result = try hush(["scan", "--git", "--format", "jsonl", "--no-redact", "."], in: repo.path)
        XCTAssertEqual(result.status, 1, result.stderr)
        XCTAssertTrue(result.stderr.contains("warning: blob \(blob)"), result.stderr)
        XCTAssertEqual(jsonLines(result.stdout).compactMap { $0["secret"] as? String }, [Tokens.one])
    }
}
