import Foundation
import HushScan
import XCTest

@testable import HushMigrate

/// Unit tests: reference syntax, entry names, key paths per format, purge plan, rotation notice.
final class ReferenceAndNamingTests: XCTestCase {
    func testReferenceSyntax() throws {
        XCTAssertEqual(VaultReference(name: "db.password").text, "hush:vault/db.password")
        XCTAssertEqual(VaultReference(name: "k", encoding: .base64).text, "hush:vault+base64/k")
        XCTAssertEqual(VaultReference.parse("hush:vault/a.b-c_d/e"), VaultReference(name: "a.b-c_d/e"))
        XCTAssertNil(VaultReference.parse("hush:vault/"))
        XCTAssertNil(VaultReference.parse("hush:other/x"))
        // The reference ends at the first byte that cannot be in a name, and never on '.', '-' or '/'.
        let text = Array("url=x://u:hush:vault/db.pw@h; end hush:vault/last.".utf8)
        XCTAssertEqual(VaultReference.occurrences(in: text).map(\.reference.name), ["db.pw", "last"])
        let resolved = try VaultReference.resolve(text) { Array("<\($0)>".utf8) }
        XCTAssertEqual(String(decoding: resolved, as: UTF8.self), "url=x://u:<db.pw>@h; end <last>.")
        let encoded = try VaultReference.resolve(Array("p: hush:vault+base64/k\n".utf8)) { _ in Array("hunter22".utf8) }
        XCTAssertEqual(String(decoding: encoded, as: UTF8.self), "p: aHVudGVyMjI=\n")
        XCTAssertThrowsError(
            try VaultReference.resolve(Array("hush:vault/missing".utf8)) {
                throw MigrationError.missingEntry(name: $0, in: "t")
            })
    }

    func testEntryNames() {
        XCTAssertEqual(
            EntryNaming.name(path: "config/database.yml", keyPath: ["production", "password"], line: 9),
            "database.production.password")
        XCTAssertEqual(EntryNaming.name(path: ".env", keyPath: ["DB_PASSWORD"], line: 1), "env.DB_PASSWORD")
        XCTAssertEqual(EntryNaming.name(path: "a/Dockerfile", keyPath: [], line: 4), "Dockerfile.line4")
        XCTAssertEqual(EntryNaming.name(path: "x.json", keyPath: ["a b", "c$d"], line: 1), "x.a_b.c_d")
        XCTAssertEqual(EntryNaming.unique("n") { ["n", "n_2"].contains($0) }, "n_3")
        XCTAssertEqual(
            EntryNaming.candidates(path: "svc1/conf/app.yml", keyPath: ["db", "pw"], line: 1),
            ["app.db.pw", "conf.app.db.pw", "svc1.conf.app.db.pw"])
    }

    func testSameNamedFilesInDifferentFoldersGetFolderNames() throws {
        let files = [
            "a/config.yml": "db:\n  password: Vq7mT2pxR9!kLw3z\n",
            "b/config.yml": "db:\n  password: Hx8#nQ4rT1zMw6Yb\n",
        ]
        let findings = files.map { path, text in
            let secret = String(text.split(separator: " ").last!.dropLast())
            return Finding(
                ruleID: "generic-assignment", ruleDescription: "", path: path, line: 2, endLine: 2, column: 13,
                secret: secret, redacted: "", fingerprint: "", context: "")
        }
        let planner = MigrationPlanner(readFile: { Array(files[$0]!.utf8) })
        let plan = try planner.plan(findings)
        XCTAssertEqual(plan.entries.map(\.name), ["config.db.password", "b.config.db.password"])
        XCTAssertEqual(
            String(decoding: plan.files[1].rewritten, as: UTF8.self),
            "db:\n  password: hush:vault/b.config.db.password\n")
    }

    func keyPath(_ format: ConfigFormat, _ text: String, at secret: String) -> [String] {
        let bytes = Array(text.utf8)
        let offset =
            text.utf8.count
            - text.components(separatedBy: secret).dropFirst().joined(separator: secret).utf8
            .count - secret.utf8.count
        return KeyPathLocator.keyPath(format: format, bytes: bytes, offset: offset)
    }

    func testKeyPathsPerFormat() {
        XCTAssertEqual(keyPath(.yaml, "a:\n  b:\n    c: SECRET\n  d: 1\n", at: "SECRET"), ["a", "b", "c"])
        XCTAssertEqual(
            keyPath(.yaml, "services:\n  db:\n    environment:\n      - PW=SECRET\n", at: "SECRET"),
            ["services", "db", "environment", "PW"])
        XCTAssertEqual(
            keyPath(
                .yaml,
                "kind: Pod\nmetadata:\n  name: api\nspec:\n  containers:\n  - name: app\n    env:\n"
                    + "    - name: TOKEN\n      value: SECRET\n", at: "SECRET"),
            ["api", "containers", "app", "env", "TOKEN"])
        XCTAssertEqual(
            keyPath(.json, "{\"a\": {\"b\": [1, {\"c\": \"SECRET\"}]}}", at: "SECRET"), ["a", "b", "1", "c"])
        XCTAssertEqual(keyPath(.ini, "[db]\nhost = x\npassword = SECRET\n", at: "SECRET"), ["db", "password"])
        XCTAssertEqual(keyPath(.toml, "[a.\"b\"]\nc.d = \"SECRET\"\n", at: "SECRET"), ["a", "b", "c", "d"])
        XCTAssertEqual(keyPath(.properties, "x.y.password: SECRET\n", at: "SECRET"), ["x.y.password"])
        XCTAssertEqual(keyPath(.env, "export A_KEY='SECRET'\n", at: "SECRET"), ["A_KEY"])
        XCTAssertEqual(
            keyPath(.hcl, "resource \"t\" \"n\" {\n  block {\n    password = \"SECRET\"\n  }\n}\n", at: "SECRET"),
            ["t", "n", "block", "password"])
        XCTAssertEqual(keyPath(.dockerfile, "FROM x\nENV TOKEN SECRET\n", at: "SECRET"), ["TOKEN"])
        XCTAssertEqual(
            keyPath(.xml, "<c><appSettings><add key=\"Api\" value=\"SECRET\"/></appSettings></c>", at: "SECRET"),
            ["appSettings", "Api"])
        XCTAssertEqual(
            keyPath(
                .xml, "<s><servers><server><id>n1</id><password>SECRET</password></server></servers></s>",
                at: "SECRET"),
            ["servers", "n1", "password"])
    }

    func testFormatCheckerRejectsBrokenFiles() {
        XCTAssertThrowsError(try FormatChecker.check(Array("a: [1, 2\n".utf8), as: .yaml))
        XCTAssertThrowsError(try FormatChecker.check(Array("{\"a\": }".utf8), as: .json))
        XCTAssertThrowsError(try FormatChecker.check(Array("<a><b></a>".utf8), as: .xml))
        XCTAssertThrowsError(try FormatChecker.check(Array("A=\"open\n".utf8), as: .env))
        XCTAssertThrowsError(try FormatChecker.check(Array("a = \"open\n".utf8), as: .toml))
        XCTAssertThrowsError(try FormatChecker.check(Array("x {\n a = 1\n".utf8), as: .hcl))
        XCTAssertNoThrow(try FormatChecker.check(Array("[s]\nk = hush:vault/x\n".utf8), as: .ini))
    }

    struct FakeHistory: SecretHistoryProvider {
        func commits(containing secret: [UInt8]) throws -> [String]? { ["abc1234", "def5678"] }
    }

    func testRotationNoticeAndPurgePlan() {
        let entry = PlannedEntry(
            name: "db.pw", value: Array("s3cr3t-Value".utf8), source: "a.yml:1", locations: ["a.yml:1"], isNew: true,
            redacted: "s3c***")
        let without = AfterTheMove.rotationNotice(entries: [entry], history: NoHistory())
        XCTAssertTrue(without.contains("remain in git history"))
        XCTAssertTrue(without.contains("hush scan --git"))
        let with = AfterTheMove.rotationNotice(entries: [entry], history: FakeHistory())
        XCTAssertTrue(with.contains("in commits: abc1234 def5678"))
        XCTAssertFalse(with.contains("s3cr3t"))
        let plan = AfterTheMove.purgePlan([("db.pw", Array("s3cr3t-Value".utf8)), ("multi", Array("a\nb".utf8))])
        XCTAssertEqual(
            plan.text,
            "literal:s3cr3t-Value==>hush:vault/db.pw\nliteral:czNjcjN0LVZhbHVl==>hush:vault+base64/db.pw\n")
        XCTAssertEqual(plan.skipped, ["multi"])
    }
}
