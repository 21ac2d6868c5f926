import GRDB
import HushTestSupport
import XCTest

@testable import HushAudit

/// Schema and migrations of the findings store.
final class AuditStoreTests: XCTestCase {
    var scratch: Scratch!

    override func setUpWithError() throws { scratch = try Scratch() }
    override func tearDown() { scratch.remove() }

    func testFreshStoreHasEveryMigrationAndWAL() throws {
        let store = try AuditStore(path: scratch.path + "/sub/findings.db")
        XCTAssertEqual(try store.appliedMigrations(), AuditSchema.migrations.sorted())
        XCTAssertEqual(AuditSchema.version, 2)
        let mode = try store.pool.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") }
        XCTAssertEqual(mode, "wal")
        for table in [
            "repository", "scan", "scannedBlob", "blobFinding", "finding", "location", "triage", "triageEvent",
        ] {
            XCTAssertEqual(try store.count(table), 0, table)
        }
    }

    func testMigratesVersionOneStoreKeepingTriage() throws {
        let path = scratch.path + "/old.db"
        do {
            let queue = try DatabaseQueue(path: path)
            try AuditSchema.migrator(upTo: "v1-initial").migrate(queue)
            try queue.write { db in
                try db.execute(
                    sql: """
                        INSERT INTO triage (fingerprint, identity, status, note, actor, updatedAt)
                        VALUES ('abc123abc123', 'id1', 'revoked', 'rotated in May', 'alice', '2024-05-01 10:00:00')
                        """)
            }
            let applied = try queue.read { db in try AuditSchema.migrator().appliedIdentifiers(db) }
            XCTAssertEqual(applied, ["v1-initial"])
        }
        let store = try AuditStore(path: path)
        XCTAssertEqual(try store.appliedMigrations(), AuditSchema.migrations.sorted())
        let history = try store.triageHistory(fingerprint: "abc123abc123")
        XCTAssertEqual(history.map(\.status), ["revoked"])
        XCTAssertEqual(history.first?.actor, "alice")
        XCTAssertEqual(history.first?.note, "rotated in May")
    }

    func testRefusesNewerSchema() throws {
        let path = scratch.path + "/new.db"
        _ = try AuditStore(path: path)
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in
            try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v99-from-the-future')")
        }
        XCTAssertThrowsError(try AuditStore(path: path)) { error in
            guard case AuditError.newerSchema = error else { return XCTFail("\(error)") }
        }
    }

    func testWebURLs() {
        XCTAssertEqual(
            RepositoryFetcher.webURL("git@github.com:acme/api.git"), "https://github.com/acme/api")
        XCTAssertEqual(
            RepositoryFetcher.webURL("https://gitlab.com/group/sub/proj.git"), "https://gitlab.com/group/sub/proj")
        XCTAssertEqual(
            RepositoryFetcher.webURL("ssh://git@github.com/acme/api"), "https://github.com/acme/api")
        XCTAssertNil(RepositoryFetcher.webURL("https://git.example.com/acme/api.git"))
        XCTAssertNil(RepositoryFetcher.webURL("https://github.com/acme/\"onmouseover=x"))
        XCTAssertEqual(RepositoryFetcher.name(of: "https://github.com/acme/api.git"), "api")
    }
}
