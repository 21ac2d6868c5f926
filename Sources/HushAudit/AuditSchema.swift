import GRDB

/// The findings store's schema, as a list of migrations (see docs/audit-store.md).
///
/// Migrations are append-only: a released migration is never edited, a change
/// is a new migration. `AuditSchema.version` is the number of migrations.
public enum AuditSchema {
    /// Identifiers of the migrations, oldest first.
    public static let migrations = ["v1-initial", "v2-triage-history"]
    /// The schema version a store has once every migration ran.
    public static var version: Int { migrations.count }

    /// The migrator; `upTo` stops after the named migration (tests of migrations).
    public static func migrator(upTo last: String? = nil) -> DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-initial") { db in try createInitial(db) }
        if last == "v1-initial" { return migrator }
        migrator.registerMigration("v2-triage-history") { db in try addTriageHistory(db) }
        return migrator
    }

    static func createInitial(_ db: Database) throws {
        try db.create(table: "repository") { t in
            t.autoIncrementedPrimaryKey("id")
            t.column("location", .text).notNull().unique()  // canonical path or clone URL
            t.column("name", .text).notNull()
            t.column("webURL", .text)  // https://github.com/OWNER/REPO, for commit links
            t.column("addedAt", .datetime).notNull()
        }
        try db.create(table: "scan") { t in
            t.autoIncrementedPrimaryKey("id")
            t.belongsTo("repository", onDelete: .cascade).notNull()
            t.column("rulesVersion", .text).notNull()
            t.column("startedAt", .datetime).notNull()
            t.column("finishedAt", .datetime)
            t.column("status", .text).notNull()  // running, complete, failed
            t.column("error", .text)
            t.column("commits", .integer).notNull().defaults(to: 0)
            t.column("blobs", .integer).notNull().defaults(to: 0)
            t.column("blobsScanned", .integer).notNull().defaults(to: 0)
            t.column("blobsCached", .integer).notNull().defaults(to: 0)
            t.column("findings", .integer).notNull().defaults(to: 0)
            t.column("seconds", .double).notNull().defaults(to: 0)
        }
        // One row per blob read under one rules version: what a rescan skips.
        try db.create(table: "scannedBlob", options: .withoutRowID) { t in
            t.column("blobID", .text).notNull()
            t.column("rulesVersion", .text).notNull()
            t.column("findingCount", .integer).notNull()
            t.primaryKey(["blobID", "rulesVersion"])
        }
        // What a blob held, with the secret replaced by its keyed identity.
        try db.create(table: "blobFinding", options: .withoutRowID) { t in
            t.column("blobID", .text).notNull()
            t.column("rulesVersion", .text).notNull()
            t.column("ordinal", .integer).notNull()
            t.column("ruleID", .text).notNull()
            t.column("ruleDescription", .text).notNull()
            t.column("identity", .text).notNull()
            t.column("line", .integer).notNull()
            t.column("endLine", .integer).notNull()
            t.column("column", .integer).notNull()
            t.column("redacted", .text).notNull()
            t.column("context", .text).notNull()
            t.column("encoding", .text)
            t.primaryKey(["blobID", "rulesVersion", "ordinal"])
        }
        // One row per repository and fingerprint (rule, path, secret identity).
        try db.create(table: "finding") { t in
            t.autoIncrementedPrimaryKey("id")
            t.belongsTo("repository", onDelete: .cascade).notNull()
            t.column("fingerprint", .text).notNull()
            t.column("identity", .text).notNull()
            t.column("ruleID", .text).notNull()
            t.column("ruleDescription", .text).notNull()
            t.column("path", .text).notNull()
            t.column("line", .integer).notNull()
            t.column("redacted", .text).notNull()
            t.column("context", .text).notNull()
            t.column("encoding", .text)
            t.column("commitID", .text)
            t.column("author", .text)
            t.column("email", .text)
            t.column("commitDate", .integer)
            t.column("summary", .text)
            t.column("presentAtHead", .boolean).notNull()
            t.column("firstSeenScan", .integer).notNull()
            t.column("lastSeenScan", .integer).notNull()
            t.uniqueKey(["repositoryId", "fingerprint"])
        }
        try db.create(index: "finding_identity", on: "finding", columns: ["identity"])
        try db.create(table: "location") { t in
            t.belongsTo("finding", onDelete: .cascade).notNull()
            t.column("path", .text).notNull()
            t.column("line", .integer).notNull()
            t.column("commitID", .text).notNull()
            t.column("commitDate", .integer)
            t.primaryKey(["findingId", "path", "commitID"])
        }
        // Current triage decision per fingerprint; survives rescans.
        try db.create(table: "triage") { t in
            t.primaryKey("fingerprint", .text)
            t.column("identity", .text).notNull()
            t.column("status", .text).notNull()  // open, revoked, false-positive, accepted
            t.column("note", .text)
            t.column("actor", .text).notNull()
            t.column("updatedAt", .datetime).notNull()
        }
        try db.create(index: "triage_identity", on: "triage", columns: ["identity"])
    }

    static func addTriageHistory(_ db: Database) throws {
        // Every triage decision ever made, for "who changed this, when, why".
        try db.create(table: "triageEvent") { t in
            t.autoIncrementedPrimaryKey("id")
            t.column("fingerprint", .text).notNull().indexed()
            t.column("status", .text).notNull()
            t.column("note", .text)
            t.column("actor", .text).notNull()
            t.column("at", .datetime).notNull()
        }
        try db.execute(
            sql: """
                INSERT INTO triageEvent (fingerprint, status, note, actor, at)
                SELECT fingerprint, status, note, actor, updatedAt FROM triage
                """)
        try db.create(index: "scan_repository_status", on: "scan", columns: ["repositoryId", "status"])
    }
}
