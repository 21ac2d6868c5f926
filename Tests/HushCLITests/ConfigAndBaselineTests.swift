import Foundation
import XCTest

final class ConfigAndBaselineTests: XCTestCase {
    static let token = "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"

    func testCustomRulesDisabledRulesAndAllowlists() throws {
        let fixture = try Fixture()
        try fixture.write(
            ".hush.yaml",
            """
            rules:
              - id: acme-token
                description: Acme internal token
                regex: '\\b(acme_[a-z0-9]{20})\\b'
                provider: Acme
            allowlist:
              paths: ['^fixtures/']
              stopwords: [sandbox]
            """)
        try fixture.write("app.env", "ACME=acme_q8r2lmk9xwv3ntp7sybh\n")
        try fixture.write("fixtures/app.env", "GH=\(Self.token)\n")
        let result = try HushProcess.run(["scan", fixture.root, "-f", "jsonl"])
        XCTAssertEqual(result.status, 1, result.stderr)
        XCTAssertTrue(result.stdout.contains("\"rule\":\"acme-token\""), result.stdout)
        XCTAssertFalse(result.stdout.contains("fixtures/"), "allowlisted path")

        try fixture.write(".hush.yaml", "disable: [acme-token]\nrules:\n  - id: acme-token\n    regex: 'acme_'\n")
        XCTAssertEqual(try HushProcess.run(["scan", fixture.path("app.env")]).status, 0)
    }

    func testBadConfigurationNamesFileLineAndProblem() throws {
        let fixture = try Fixture()
        try fixture.write(".hush.yaml", "rules:\n  - id: broken\n    description: no regex here\n")
        try fixture.write("a.txt", "x")
        let missing = try HushProcess.run(["scan", fixture.root])
        XCTAssertEqual(missing.status, 2)
        XCTAssertTrue(missing.stderr.contains(".hush.yaml:2: missing field 'regex'"), missing.stderr)

        try fixture.write(".hush.yaml", "allowlist:\n  paths: ['(unclosed']\n")
        let regex = try HushProcess.run(["scan", fixture.root])
        XCTAssertEqual(regex.status, 2)
        XCTAssertTrue(regex.stderr.contains("allowlist.paths"), regex.stderr)

        try fixture.write(".hush.yaml", "alowlist: {}\n")
        let typo = try HushProcess.run(["scan", fixture.root])
        XCTAssertEqual(typo.status, 2)
        XCTAssertTrue(typo.stderr.contains(".hush.yaml:1: unknown setting 'alowlist'"), typo.stderr)

        try fixture.write(".hush.yaml", "disable: [no-such-rule]\n")
        XCTAssertTrue(try HushProcess.run(["scan", fixture.root]).stderr.contains("unknown rule 'no-such-rule'"))
    }

    func testBaselineAcceptsOldFindingsAndReportsNewOnes() throws {
        let fixture = try Fixture()
        try fixture.write("old.env", "GH=\(Self.token)\n")
        let environment = ["HUSH_FINGERPRINT_KEY": ""]
        let create = try HushProcess.run(
            ["baseline", "create", fixture.root, "-f", fixture.path(".hush/baseline.txt")],
            environment: environment)
        XCTAssertEqual(create.status, 0, create.stderr)
        XCTAssertTrue(FileManager.default.fileExists(atPath: fixture.path(".hush/fingerprint.key")))
        let text = try String(contentsOfFile: fixture.path(".hush/baseline.txt"), encoding: .utf8)
        XCTAssertFalse(text.contains(Self.token), "no secrets in the baseline")
        XCTAssertTrue(text.hasPrefix("# hush baseline v1"))

        // Shifting the line keeps the fingerprint: still accepted.
        try fixture.write("old.env", "\n\n# moved\nGH=\(Self.token)\n")
        let baseline = fixture.path(".hush/baseline.txt")
        XCTAssertEqual(
            try HushProcess.run(["scan", fixture.root, "--baseline", baseline], environment: environment).status, 0)

        try fixture.write("new.env", "GH=\(Self.token)\n")
        let scan = try HushProcess.run(
            ["scan", fixture.root, "--baseline", baseline, "-f", "jsonl"], environment: environment)
        XCTAssertEqual(scan.status, 1)
        XCTAssertEqual(scan.stdout.split(separator: "\n").count, 1)
        XCTAssertTrue(scan.stdout.contains("new.env"))

        let update = try HushProcess.run(
            ["baseline", "update", fixture.root, "-f", baseline], environment: environment)
        XCTAssertTrue(update.stderr.contains("1 added"), update.stderr)
        let lines = try String(contentsOfFile: baseline, encoding: .utf8).split(separator: "\n").dropFirst()
        XCTAssertEqual(lines.count, 2)
        XCTAssertEqual(Array(lines), lines.sorted(), "entries are sorted for clean merges")
    }

    func testCorruptBaselineIsAClearError() throws {
        let fixture = try Fixture()
        try fixture.write("a.env", "x=1\n")
        try fixture.write("b.txt", "# hush baseline v1\n<<<<<<< HEAD\n")
        let result = try HushProcess.run(["scan", fixture.path("a.env"), "--baseline", fixture.path("b.txt")])
        XCTAssertEqual(result.status, 2)
        XCTAssertTrue(result.stderr.contains("b.txt:2: unresolved merge conflict marker"), result.stderr)
    }
}
