import Foundation
import GRDB

/// The findings store: an SQLite database in WAL mode, safe for several
/// processes at once (writers wait for each other up to `busyTimeout`).
public final class AuditStore: @unchecked Sendable {
    /// The default location, relative to the current directory.
    public static let defaultPath = ".hush/findings.db"

    /// The database file.
    public let path: String
    /// The connection pool (one writer, concurrent readers).
    public let pool: DatabasePool

    /// Opens (creating and migrating when needed) the store at `path`.
    public init(path: String, busyTimeout: TimeInterval = 60) throws(AuditError) {
        self.path = path
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty {
            try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        }
        var configuration = Configuration()
        configuration.busyMode = .timeout(busyTimeout)
        configuration.foreignKeysEnabled = true
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        // Switching a new file to WAL takes an exclusive lock that the busy
        // handler does not wait for: retry while another process creates it.
        var attempt = 0
        while true {
            do {
                pool = try DatabasePool(path: path, configuration: configuration)
                break
            } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY && attempt < 200 {
                attempt += 1
                usleep(UInt32(20_000 + (attempt % 5) * 10_000))
            } catch {
                throw .cannotOpenStore(path: path, reason: "\(error)")
            }
        }
        let migrator = AuditSchema.migrator()
        do {
            let known = Set(AuditSchema.migrations)
            let applied = try pool.read { db in try migrator.appliedIdentifiers(db) }
            if applied.contains(where: { !known.contains($0) }) {
                throw AuditError.newerSchema(path: path, found: applied.count, supported: AuditSchema.version)
            }
            if try !pool.read({ db in try migrator.hasCompletedMigrations(db) }) {
                // Two processes creating one store would both run the first
                // migration: serialise migrations with a lock file beside it.
                let lock = open(path + ".migrate-lock", O_RDWR | O_CREAT, 0o600)
                if lock >= 0 { flock(lock, LOCK_EX) }
                defer {
                    if lock >= 0 {
                        flock(lock, LOCK_UN)
                        close(lock)
                    }
                }
                try migrator.migrate(pool)
            }
        } catch let error as AuditError {
            throw error
        } catch {
            throw .cannotOpenStore(path: path, reason: "migration failed: \(error)")
        }
    }

    /// The applied migrations (the schema version is their count).
    public func appliedMigrations() throws -> [String] {
        try pool.read { db in try AuditSchema.migrator().appliedIdentifiers(db).sorted() }
    }

    // MARK: Repositories and scans

    /// The id of the repository at `location`, added when new.
    public func repositoryID(location: String, name: String, webURL: String?) throws -> Int64 {
        try pool.write { db in
            try db.execute(
                sql: """
                    INSERT INTO repository (location, name, webURL, addedAt) VALUES (?, ?, ?, ?)
                    ON CONFLICT(location) DO UPDATE SET webURL = COALESCE(excluded.webURL, webURL)
                    """, arguments: [location, name, webURL, Date()])
            return try Int64.fetchOne(db, sql: "SELECT id FROM repository WHERE location = ?", arguments: [location])!
        }
    }

    /// Starts a scan row (status `running`).
    public func beginScan(repository: Int64, rulesVersion: String) throws -> Int64 {
        try pool.write { db in
            try db.execute(
                sql: "INSERT INTO scan (repositoryId, rulesVersion, startedAt, status) VALUES (?, ?, ?, 'running')",
                arguments: [repository, rulesVersion, Date()])
            return db.lastInsertedRowID
        }
    }

    /// Marks a scan failed with a message.
    public func failScan(_ scan: Int64, error: String) throws {
        try pool.write { db in
            try db.execute(
                sql: "UPDATE scan SET status = 'failed', error = ?, finishedAt = ? WHERE id = ?",
                arguments: [error, Date(), scan])
        }
    }

    // MARK: Blobs

    /// Blob ids recorded under `rulesVersion`, with their finding counts.
    func scannedBlobs(rulesVersion: String) throws -> [String: Int] {
        try pool.read { db in
            var result: [String: Int] = [:]
            let rows = try Row.fetchCursor(
                db, sql: "SELECT blobID, findingCount FROM scannedBlob WHERE rulesVersion = ?",
                arguments: [rulesVersion])
            while let row = try rows.next() { result[row[0]] = row[1] }
            return result
        }
    }

    /// Every blob finding recorded under `rulesVersion`, by blob id.
    func blobFindings(rulesVersion: String) throws -> [String: [BlobFinding]] {
        try pool.read { db in
            var result: [String: [BlobFinding]] = [:]
            let rows = try BlobFinding.fetchCursor(
                db, sql: "SELECT * FROM blobFinding WHERE rulesVersion = ? ORDER BY blobID, ordinal",
                arguments: [rulesVersion])
            while let finding = try rows.next() { result[finding.blobID, default: []].append(finding) }
            return result
        }
    }

    /// Records scanned blobs and their findings in one transaction.
    func recordBlobs(_ blobs: [(id: String, findings: [BlobFinding])], rulesVersion: String) throws {
        guard !blobs.isEmpty else { return }
        try pool.write { db in
            let blob = try db.makeStatement(
                sql: "INSERT OR IGNORE INTO scannedBlob (blobID, rulesVersion, findingCount) VALUES (?, ?, ?)")
            for (id, findings) in blobs {
                try blob.execute(arguments: [id, rulesVersion, findings.count])
                guard db.changesCount > 0 else { continue }  // another writer recorded it first
                for finding in findings { try finding.insert(db) }
            }
        }
    }

    /// Counts of rows per table (tests, `hush triage list --stats`).
    public func count(_ table: String) throws -> Int {
        precondition(table.allSatisfy { $0.isLetter }, "table names only")
        return try pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table)") ?? 0 }
    }
}

/// One finding inside one blob, as stored (no secret: its keyed identity).
struct BlobFinding: Codable, FetchableRecord, PersistableRecord, Sendable {
    static let databaseTableName = "blobFinding"
    var blobID: String
    var rulesVersion: String
    var ordinal: Int
    var ruleID: String
    var ruleDescription: String
    var identity: String
    var line: Int
    var endLine: Int
    var column: Int
    var redacted: String
    var context: String
    var encoding: String?
}
