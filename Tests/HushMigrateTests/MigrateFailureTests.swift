import Foundation
import XCTest

@testable import HushMigrate

/// Each failure path of `hush migrate --apply`: a file changed after the scan, a locked or unreadable vault,
/// an interrupted run, a rewrite that does not verify.
final class MigrateFailureTests: XCTestCase {
    var fixture: MigrateFixture!

    override func setUpWithError() throws { fixture = try MigrateFixture() }
    override func tearDown() { fixture?.remove() }

    var journalPath: String { fixture.project.appendingPathComponent(".hush/migrate.journal").path }

    func testFileChangedAfterScanIsRefused() throws {
        let touched = fixture.project.appendingPathComponent("config/settings.ini").path
        let result = try fixture.run(["migrate", "--apply"], extra: ["HUSH_TEST_MIGRATE_TOUCH": touched])
        XCTAssertEqual(result.status, 1, result.stderr)
        XCTAssertTrue(result.stdout.contains("refused: config/settings.ini"), result.stdout)
        // Left as the user edited it, secrets and all; the other files were migrated.
        XCTAssertEqual(
            try fixture.bytes("config/settings.ini"),
            Array((MigrateFixture.files["config/settings.ini"]! + "# edited\n").utf8))
        XCTAssertTrue(String(decoding: try fixture.bytes("config/app.toml"), as: UTF8.self).contains("hush:vault/"))
        let journal = try XCTUnwrap(try MigrationJournal.load(journalPath))
        XCTAssertEqual(journal.files.first { $0.displayPath == "config/settings.ini" }?.state, .refusedChanged)
    }

    func testLockedVaultChangesNothing() throws {
        // A key that is not a recipient: exit 3, no file touched.
        let other = fixture.root.appendingPathComponent(".keys/other.txt").path
        XCTAssertEqual(try fixture.run(["keygen", "-o", other]).status, 0)
        let locked = try fixture.run(["migrate", "--apply"], extra: ["HUSH_IDENTITY": other])
        XCTAssertEqual(locked.status, 3, locked.stderr)
        XCTAssertTrue(locked.stderr.contains("cannot open the vault"), locked.stderr)
        try fixture.assertOriginals()
        XCTAssertFalse(FileManager.default.fileExists(atPath: journalPath))
    }

    func testUnreadableVaultChangesNothing() throws {
        let vault = fixture.project.appendingPathComponent(".hush/vault.yaml")
        var text = try String(contentsOf: vault, encoding: .utf8)
        text = text.replacingOccurrences(of: "generation: 1", with: "generation: 9")
        try Data(text.utf8).write(to: vault)
        let damaged = try fixture.run(["migrate", "--apply"])
        XCTAssertEqual(damaged.status, 4, damaged.stderr)
        try fixture.assertOriginals()

        try FileManager.default.removeItem(at: vault)
        let missing = try fixture.run(["migrate", "--apply"])
        XCTAssertNotEqual(missing.status, 0)
        XCTAssertTrue(missing.stderr.contains("hush vault init"), missing.stderr)
        try fixture.assertOriginals()
    }

    func testInterruptedRunResumesThenUndoes() throws {
        let crashed = try fixture.run(
            ["migrate", "--apply"], extra: ["HUSH_TEST_CRASH_POINT": "migrate-after-first-file"])
        XCTAssertEqual(crashed.status, 86)
        // The first file (.env) was rewritten, the rest not yet.
        XCTAssertTrue(String(decoding: try fixture.bytes(".env"), as: UTF8.self).contains("hush:vault/env.DB_PASSWORD"))
        XCTAssertEqual(try fixture.bytes("web.config"), Array(MigrateFixture.files["web.config"]!.utf8))
        XCTAssertEqual(try MigrationJournal.load(journalPath)?.state, .started)
        // A new migration is refused until the old one is resumed or undone.
        let again = try fixture.run(["migrate", "--apply"])
        XCTAssertEqual(again.status, 2)
        XCTAssertTrue(again.stderr.contains("--resume"), again.stderr)

        let resumed = try fixture.run(["migrate", "--resume"])
        XCTAssertEqual(resumed.status, 0, resumed.stderr + resumed.stdout)
        XCTAssertTrue(resumed.stdout.contains("already rewritten: .env"), resumed.stdout)
        for path in MigrateFixture.configFiles {
            XCTAssertEqual(
                Array(try fixture.run(["render", path]).stdout.utf8), Array(MigrateFixture.files[path]!.utf8), path)
            XCTAssertTrue(String(decoding: try fixture.bytes(path), as: UTF8.self).contains("hush:vault"), path)
        }
        XCTAssertEqual(try MigrationJournal.load(journalPath)?.state, .completed)

        XCTAssertEqual(try fixture.run(["migrate", "--undo"]).status, 0)
        try fixture.assertOriginals()
        XCTAssertFalse(FileManager.default.fileExists(atPath: journalPath))
    }

    func testInterruptedRunUndoesDirectly() throws {
        let crashed = try fixture.run(
            ["migrate", "--apply"], extra: ["HUSH_TEST_CRASH_POINT": "migrate-after-first-file"])
        XCTAssertEqual(crashed.status, 86)
        let undo = try fixture.run(["migrate", "--undo"])
        XCTAssertEqual(undo.status, 0, undo.stderr)
        XCTAssertTrue(undo.stdout.contains("restored: .env"), undo.stdout)
        try fixture.assertOriginals()
        XCTAssertEqual(try fixture.run(["vault", "list"]).stdout, "")
    }

    func testUndoRefusesFilesEditedAfterTheMigration() throws {
        XCTAssertEqual(try fixture.run(["migrate", "--apply", "config"]).status, 0)
        let url = fixture.project.appendingPathComponent("config/app.toml")
        try Data((try String(contentsOf: url, encoding: .utf8) + "extra = 1\n").utf8).write(to: url)
        let undo = try fixture.run(["migrate", "--undo"])
        XCTAssertEqual(undo.status, 2)
        XCTAssertTrue(undo.stderr.contains("config/app.toml"), undo.stderr)
        // Nothing was restored: all or nothing.
        XCTAssertTrue(String(decoding: try fixture.bytes("config/database.yml"), as: UTF8.self).contains("hush:vault"))
    }

    func testRewriteThatDoesNotVerifyIsRolledBack() throws {
        // A reference-looking text already in the file cannot be resolved, so the check fails.
        let path = fixture.project.appendingPathComponent("config/extra.env")
        let original = "NOTE=see hush:vault/not.there\nAPI_TOKEN=Qz8#mL2vTr5!Kw9P\n"
        try Data(original.utf8).write(to: path)
        let result = try fixture.run(["migrate", "--apply", "config/extra.env"])
        XCTAssertEqual(result.status, 1, result.stdout + result.stderr)
        XCTAssertTrue(result.stdout.contains("rolled back: config/extra.env"), result.stdout)
        XCTAssertEqual(try String(contentsOf: path, encoding: .utf8), original)
    }
}
