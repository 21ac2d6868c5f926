import HushCrypto
import HushMatcher
import HushRules
import HushScan
import XCTest

final class ScanEngineTests: XCTestCase {
    static let token = "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"

    func engine(key: String = "k") throws -> ScanEngine {
        let rules = try RuleSet([
            Rule(
                id: "gh", description: "GitHub token", regex: #"\b(ghp_[A-Za-z0-9]{36})\b"#,
                checksum: "crc32-base62", provider: "GitHub"),
            Rule(id: "pw", description: "Password", regex: #"password=(\S{6,})"#, priority: 10, provider: "x"),
        ])
        return ScanEngine(
            matcher: try Matcher(rules: rules, cache: nil), fingerprinter: Fingerprinter(key: Array(key.utf8)))
    }

    func scan(_ text: String, path: String = "a.env", engine: ScanEngine? = nil) throws -> [Finding] {
        let engine = try engine ?? self.engine()
        return engine.findings(in: Array(text.utf8), path: path, scratch: engine.makeScratch())
    }

    func testLineColumnAndRedaction() throws {
        let findings = try scan("first\nsecond\n  TOKEN=\(Self.token)\n")
        XCTAssertEqual(findings.count, 1)
        let finding = try XCTUnwrap(findings.first)
        XCTAssertEqual(finding.line, 3)
        XCTAssertEqual(finding.endLine, 3)
        XCTAssertEqual(finding.column, 9)
        XCTAssertEqual(finding.secret, Self.token)
        XCTAssertFalse(finding.redacted.contains(String(Self.token.dropFirst(4))))
        XCTAssertFalse(finding.context.contains(Self.token))
        XCTAssertTrue(finding.context.hasPrefix("TOKEN="))
    }

    func testFingerprintSurvivesLineShiftsButIsBoundToPathRuleAndKey() throws {
        let a = try scan("TOKEN=\(Self.token)\n")[0].fingerprint
        let shifted = try scan("\n\n\n# moved\nTOKEN=\(Self.token)\n")[0].fingerprint
        let otherPath = try scan("TOKEN=\(Self.token)\n", path: "b.env")[0].fingerprint
        let otherKey = try scan("TOKEN=\(Self.token)\n", engine: engine(key: "other"))[0].fingerprint
        XCTAssertEqual(a, shifted)
        XCTAssertNotEqual(a, otherPath)
        XCTAssertNotEqual(a, otherKey)
        XCTAssertEqual(a.count, 32)
        XCTAssertNotEqual(a, String(Digest.hex(Digest.sha256(Array(Self.token.utf8))).prefix(32)), "not a bare hash")
    }

    func testPlaceholdersAndTemplatesAreNotFindings() throws {
        for value in [
            "${DB_PASSWORD}", "{{ .Values.password }}", "<your-password>", "changeme123", "xxxxxxxxxx",
            "%(password)s", "$(cat /run/pw)", "$DB_PASSWORD", "EXAMPLE-pass", "********",
        ] {
            XCTAssertEqual(try scan("password=\(value)\n").map(\.secret), [], value)
        }
        XCTAssertEqual(try scan("password=Vq7mT2pxR9\n").map(\.secret), ["Vq7mT2pxR9"])
    }

    func testInlineSuppressionComments() throws {
        XCTAssertEqual(try scan("TOKEN=\(Self.token) # hush:ignore\n").count, 0)
        XCTAssertEqual(try scan("TOKEN=\(Self.token) # gitleaks:allow\n").count, 0)
        XCTAssertEqual(try scan("TOKEN=\(Self.token) # pragma: allowlist secret\n").count, 0)
        XCTAssertEqual(try scan("# hush:ignore-next-line\nTOKEN=\(Self.token)\n").count, 0)
        XCTAssertEqual(try scan("TOKEN=\(Self.token) # hush:ignore[gh]\n").count, 0)
        XCTAssertEqual(try scan("TOKEN=\(Self.token) # hush:ignore[pw]\n").count, 1, "names another rule")
    }

    func testAllowlistDropsPathsSecretsAndStopwords() throws {
        let base = try engine()
        let allowing = ScanEngine(
            matcher: base.matcher, fingerprinter: base.fingerprinter,
            allowlist: Allowlist(paths: [try PCRE2Regex("^fixtures/")], stopwords: ["hunter"]))
        XCTAssertEqual(try scan("TOKEN=\(Self.token)\n", path: "fixtures/a.env", engine: allowing).count, 0)
        XCTAssertEqual(try scan("password=hunter22x\n", engine: allowing).count, 0)
        XCTAssertEqual(try scan("password=Vq7mT2pxR9\n", engine: allowing).count, 1)
    }

    func testGenericValuesInSourceCodeMustBeLiterals() throws {
        let rules = try RuleSet([
            Rule(
                id: "generic", description: "g",
                regex: #"(?<key>[A-Za-z_]*password)[ \t]*=[ \t]*(?:"([^"]+)"|([^\s;]+))"#, classifier: "config-value",
                provider: "x")
        ])
        let engine = ScanEngine(matcher: try Matcher(rules: rules, cache: nil), fingerprinter: Fingerprinter(key: [1]))
        func found(_ text: String, _ path: String) -> [String] {
            engine.findings(in: Array(text.utf8), path: path, scratch: engine.makeScratch()).map(\.secret)
        }
        XCTAssertEqual(found("db_password = lookupSecretValue;\n", "main.c"), [])
        XCTAssertEqual(found("db_password = \"Vq7mT2pxR9k\";\n", "main.c"), ["Vq7mT2pxR9k"])
        XCTAssertEqual(found("// db_password = Vq7mT2pxR9k\n", "main.go"), ["Vq7mT2pxR9k"], "commented-out config")
        XCTAssertEqual(found("db_password = Vq7mT2pxR9k\n", "app.properties"), ["Vq7mT2pxR9k"])
    }
}
