import Foundation
import XCTest

@testable import HushMigrate

/// Runs `hush migrate`, `hush render`, `hush run` and `hush scan` on a project with secrets in every format.
final class MigrateEndToEndTests: XCTestCase {
    var fixture: MigrateFixture!

    override func setUpWithError() throws { fixture = try MigrateFixture() }
    override func tearDown() { fixture?.remove() }

    func testDryRunPrintsMaskedDiffAndChangesNothing() throws {
        let vaultBefore = try Data(contentsOf: fixture.project.appendingPathComponent(".hush/vault.yaml"))
        let result = try fixture.run(["migrate"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.contains("+  password: hush:vault/database.production.password   # rotated 2025"))
        XCTAssertTrue(result.stdout.contains("-  password: Vq7*************   # rotated 2025"), result.stdout)
        XCTAssertFalse(result.stdout.contains("Vq7mT2pxR9!kLw3z"), "the dry run printed a secret")
        XCTAssertTrue(result.stdout.contains("src/client.py:3"), "source code must be listed")
        try fixture.assertOriginals()
        XCTAssertEqual(try Data(contentsOf: fixture.project.appendingPathComponent(".hush/vault.yaml")), vaultBefore)
        XCTAssertFalse(
            FileManager.default.fileExists(atPath: fixture.project.appendingPathComponent(".hush/migrate.journal").path)
        )
    }

    func testApplyThenScanRenderRunAndUndo() throws {
        let applied = try fixture.run(["migrate", "--apply"])
        XCTAssertEqual(applied.status, 0, applied.stderr + applied.stdout)
        XCTAssertTrue(applied.stdout.contains("rotate"), applied.stdout)
        XCTAssertTrue(applied.stdout.contains("hush scan --git"), applied.stdout)

        // Only the source file, which is listed and never rewritten, still holds a secret.
        let scan = try fixture.run(["scan", ".", "--format", "jsonl"])
        let paths = scan.stdout.split(separator: "\n").compactMap { line -> String? in
            let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            return object?["path"] as? String
        }
        XCTAssertEqual(paths, ["src/client.py"], scan.stdout)
        let configOnly = try fixture.run(["scan"] + MigrateFixture.configFiles)
        XCTAssertEqual(configOnly.status, 0, "migrated files must give no finding:\n\(configOnly.stdout)")

        // The secrets are in the vault once: the AWS key found in two files is one entry.
        let list = try fixture.run(["vault", "list"]).stdout.split(separator: "\n")
        XCTAssertEqual(list.count, 23, list.joined(separator: "\n"))
        XCTAssertTrue(list.contains("database.production.password"))
        XCTAssertTrue(list.contains("app.db-creds.data.password"))

        for path in MigrateFixture.configFiles {
            let rewritten = try fixture.bytes(path)
            XCTAssertNotEqual(rewritten, Array(MigrateFixture.files[path]!.utf8), "\(path) was not rewritten")
            XCTAssertTrue(String(decoding: rewritten, as: UTF8.self).contains("hush:vault"), path)
            // Still parses in its format.
            XCTAssertNoThrow(try FormatChecker.check(rewritten, as: ConfigFormat.detect(path: path)!), path)
            // render gives the original bytes.
            let rendered = try fixture.run(["render", path])
            XCTAssertEqual(rendered.status, 0, rendered.stderr)
            XCTAssertEqual(Array(rendered.stdout.utf8), Array(MigrateFixture.files[path]!.utf8), path)
        }
        XCTAssertEqual(try fixture.bytes("src/client.py"), Array(MigrateFixture.files["src/client.py"]!.utf8))
        XCTAssertTrue(
            try String(decoding: fixture.bytes("k8s/app.yaml"), as: UTF8.self).contains(
                "password: hush:vault+base64/app.db-creds.data.password"))

        // run: references from the env file and from the environment resolve.
        let run = try fixture.run(
            ["run", "--env-file", ".env", "--", "env"], extra: ["FROM_ENV": "hush:vault/settings.database.password"])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertTrue(run.stdout.contains("DB_PASSWORD=Tk8$wQ2mZr9!xLp4\n"), run.stdout)
        XCTAssertTrue(run.stdout.contains("APP_SECRET=sh/V0YptWLV6Xv6MDlDr996VgeTGr2/eDMVuzjc2MMQ=\n"))
        XCTAssertTrue(run.stdout.contains("FROM_ENV=Gz7!mQ2wLx9#Rv4P\n"))

        // Purge plan: 0600, git-filter-repo lines.
        let plan = try fixture.run(["migrate", "--purge-plan", "../purge.txt"])
        XCTAssertEqual(plan.status, 0, plan.stderr)
        let planPath = fixture.root.appendingPathComponent("purge.txt").path
        let text = try String(contentsOfFile: planPath, encoding: .utf8)
        XCTAssertTrue(text.contains("literal:Vq7mT2pxR9!kLw3z==>hush:vault/database.production.password\n"))
        let mode = (try FileManager.default.attributesOfItem(atPath: planPath)[.posixPermissions] as? Int) ?? 0
        XCTAssertEqual(mode, 0o600)

        let undo = try fixture.run(["migrate", "--undo"])
        XCTAssertEqual(undo.status, 0, undo.stderr)
        try fixture.assertOriginals()
        XCTAssertEqual(try fixture.run(["vault", "list"]).stdout, "")
    }

    func testRunPassesExitCodeAndRefusesMissingEntries() throws {
        XCTAssertEqual(try fixture.run(["run", "--", "sh", "-c", "exit 7"]).status, 7)
        let marker = fixture.root.appendingPathComponent("started").path
        try Data("TOKEN=hush:vault/no.such.entry\n".utf8).write(to: fixture.root.appendingPathComponent("x.env"))
        let missing = try fixture.run(["run", "--env-file", "../x.env", "--", "sh", "-c", "touch \(marker)"])
        XCTAssertEqual(missing.status, 2)
        XCTAssertTrue(missing.stderr.contains("TOKEN"), missing.stderr)
        XCTAssertTrue(missing.stderr.contains("no.such.entry"), missing.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: marker), "the command must not start")
        // A missing key: the vault cannot be opened.
        let noKey = try fixture.run(
            ["run", "--env-file", "../x.env", "--", "sh", "-c", "touch \(marker)"],
            extra: ["HUSH_IDENTITY": "/nonexistent/identity"])
        XCTAssertNotEqual(noKey.status, 0)
        XCTAssertFalse(FileManager.default.fileExists(atPath: marker))
    }

    func testRenderToFileIsPrivate() throws {
        XCTAssertEqual(try fixture.run(["migrate", "--apply", "config"]).status, 0)
        let out = fixture.root.appendingPathComponent("rendered.yml").path
        let result = try fixture.run(["render", "config/database.yml", "-o", out])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(
            Array(try Data(contentsOf: URL(fileURLWithPath: out))),
            Array(MigrateFixture.files["config/database.yml"]!.utf8))
        let mode = (try FileManager.default.attributesOfItem(atPath: out)[.posixPermissions] as? Int) ?? 0
        XCTAssertEqual(mode, 0o600)
        // Only config/ was migrated.
        XCTAssertEqual(try fixture.bytes(".env"), Array(MigrateFixture.files[".env"]!.utf8))
    }

    func testOnlyAndExcludeNarrowTheMigration() throws {
        let result = try fixture.run(["migrate", "--apply", "--only", "aws-access-key-id", "--exclude", "infra/"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(
            try fixture.run(["vault", "list"]).stdout, "docker-compose.services.web.environment.AWS_ACCESS_KEY_ID\n")
        XCTAssertEqual(try fixture.bytes("infra/main.tf"), Array(MigrateFixture.files["infra/main.tf"]!.utf8))
        XCTAssertEqual(try fixture.bytes(".env"), Array(MigrateFixture.files[".env"]!.utf8))
        let compose = String(decoding: try fixture.bytes("docker-compose.yml"), as: UTF8.self)
        XCTAssertTrue(
            compose.contains("AWS_ACCESS_KEY_ID: hush:vault/docker-compose.services.web.environment.AWS_ACCESS_KEY_ID"))
        XCTAssertTrue(compose.contains("POSTGRES_PASSWORD=Zr4!kPq9Lm2xWv7N"))
    }

    func testInteractiveAsksPerFinding() throws {
        // Findings are asked in path order: .env:2 yes, .env:3 no, then quit.
        let result = try fixture.run(["migrate", "--interactive", ".env"], input: "y\nn\nq\n")
        XCTAssertEqual(result.status, 0, result.stderr)
        let env = String(decoding: try fixture.bytes(".env"), as: UTF8.self)
        XCTAssertTrue(env.contains("export DB_PASSWORD=hush:vault/env.DB_PASSWORD\r\n"), env)
        XCTAssertTrue(env.contains("APP_SECRET=\"sh/V0YptWLV6Xv6MDlDr996VgeTGr2/eDMVuzjc2MMQ=\"\r\n"), env)
    }
}
