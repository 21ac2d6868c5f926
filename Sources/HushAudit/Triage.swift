import Foundation
import GRDB

/// A finding as the store holds it, with its effective triage state.
public struct StoredFinding: Sendable, Codable, Equatable {
    public var repository: String
    public var repositoryLocation: String
    public var webURL: String?
    public var fingerprint: String
    /// Path-independent identity of rule and secret (keyed HMAC).
    public var identity: String
    public var ruleID: String
    public var ruleDescription: String
    public var path: String
    public var line: Int
    public var redacted: String
    public var context: String
    public var encoding: String?
    public var commitID: String?
    public var author: String?
    public var email: String?
    /// Seconds since 1970 of the introducing commit.
    public var commitDate: Int64?
    public var summary: String?
    public var presentAtHead: Bool
    /// Places (path, commit) where it was introduced.
    public var locations: Int
    public var status: TriageStatus
    public var note: String?
    public var triagedBy: String?
    public var triagedAt: Date?
    /// Not triaged itself, but its secret was triaged in another place: it
    /// inherits that status and is flagged as appearing somewhere new.
    public var newLocation: Bool
    /// First seen in the repository's latest scan.
    public var newInLatestScan: Bool
}

/// A triage decision as stored.
public struct TriageRecord: Sendable, Codable, Equatable, FetchableRecord {
    public var fingerprint: String
    public var identity: String
    public var status: String
    public var note: String?
    public var actor: String
    public var updatedAt: Date
}

extension AuditStore {
    /// Sets the triage state of the finding whose fingerprint is (or starts
    /// with) `fingerprint`; returns the full fingerprint.
    @discardableResult
    public func setTriage(fingerprint: String, status: TriageStatus, note: String?, actor: String) throws -> String {
        try pool.write { db in
            let pattern = fingerprint.lowercased().filter { $0.isHexDigit } + "%"
            let matches = try Row.fetchAll(
                db, sql: "SELECT DISTINCT fingerprint, identity FROM finding WHERE fingerprint LIKE ? LIMIT 2",
                arguments: [pattern])
            guard fingerprint.count >= 6, !matches.isEmpty else { throw AuditError.unknownFingerprint(fingerprint) }
            guard matches.count == 1 else { throw AuditError.ambiguousFingerprint(fingerprint, matches: 2) }
            let full: String = matches[0]["fingerprint"]
            let identity: String = matches[0]["identity"]
            let now = Date()
            try db.execute(
                sql: """
                    INSERT INTO triage (fingerprint, identity, status, note, actor, updatedAt) VALUES (?, ?, ?, ?, ?, ?)
                    ON CONFLICT(fingerprint) DO UPDATE SET status = excluded.status, note = excluded.note,
                        actor = excluded.actor, updatedAt = excluded.updatedAt
                    """, arguments: [full, identity, status.rawValue, note, actor, now])
            try db.execute(
                sql: "INSERT INTO triageEvent (fingerprint, status, note, actor, at) VALUES (?, ?, ?, ?, ?)",
                arguments: [full, status.rawValue, note, actor, now])
            return full
        }
    }

    /// Every triage decision ever made about `fingerprint`, oldest first.
    public func triageHistory(fingerprint: String) throws -> [TriageRecord] {
        try pool.read { db in
            try TriageRecord.fetchAll(
                db,
                sql: """
                    SELECT e.fingerprint, COALESCE(t.identity, '') AS identity, e.status, e.note, e.actor,
                        e.at AS updatedAt
                    FROM triageEvent e LEFT JOIN triage t ON t.fingerprint = e.fingerprint
                    WHERE e.fingerprint = ? ORDER BY e.id
                    """, arguments: [fingerprint])
        }
    }

    /// The findings of each repository's latest complete scan, with their
    /// effective triage state (own, else inherited from the same secret
    /// elsewhere, flagged `newLocation`), oldest commit first.
    public func currentFindings() throws -> [StoredFinding] {
        try pool.read { db in
            var byFingerprint: [String: TriageRecord] = [:]
            var byIdentity: [String: TriageRecord] = [:]
            for record in try TriageRecord.fetchAll(db, sql: "SELECT * FROM triage ORDER BY updatedAt") {
                byFingerprint[record.fingerprint] = record
                byIdentity[record.identity] = record
            }
            let rows = try Row.fetchCursor(
                db,
                sql: """
                    WITH latest AS (
                        SELECT repositoryId, MAX(id) AS scan FROM scan WHERE status = 'complete' GROUP BY repositoryId)
                    SELECT f.*, r.name AS repositoryName, r.location AS repositoryLocation, r.webURL AS webURL,
                        (SELECT COUNT(*) FROM location l WHERE l.findingId = f.id) AS locationCount,
                        latest.scan AS latestScan
                    FROM finding f JOIN repository r ON r.id = f.repositoryId
                    JOIN latest ON latest.repositoryId = f.repositoryId
                    WHERE f.lastSeenScan >= latest.scan
                    ORDER BY f.commitDate, r.name, f.path, f.line
                    """)
            var findings: [StoredFinding] = []
            while let row = try rows.next() {
                let fingerprint: String = row["fingerprint"]
                let identity: String = row["identity"]
                let own = byFingerprint[fingerprint]
                let inherited = own == nil ? byIdentity[identity] : nil
                let triage = own ?? inherited
                let latestScan: Int64 = row["latestScan"]
                let firstSeen: Int64 = row["firstSeenScan"]
                findings.append(
                    StoredFinding(
                        repository: row["repositoryName"], repositoryLocation: row["repositoryLocation"],
                        webURL: row["webURL"], fingerprint: fingerprint, identity: identity, ruleID: row["ruleID"],
                        ruleDescription: row["ruleDescription"], path: row["path"], line: row["line"],
                        redacted: row["redacted"], context: row["context"], encoding: row["encoding"],
                        commitID: row["commitID"], author: row["author"], email: row["email"],
                        commitDate: row["commitDate"], summary: row["summary"], presentAtHead: row["presentAtHead"],
                        locations: row["locationCount"],
                        status: triage.flatMap { TriageStatus(rawValue: $0.status) } ?? .open, note: triage?.note,
                        triagedBy: triage?.actor, triagedAt: triage?.updatedAt, newLocation: inherited != nil,
                        newInLatestScan: firstSeen == latestScan))
            }
            return findings
        }
    }

    /// Latest complete scan per repository (name, location, scan row).
    public func repositorySummaries() throws -> [RepositorySummary] {
        try pool.read { db in
            try RepositorySummary.fetchAll(
                db,
                sql: """
                    SELECT r.name, r.location, r.webURL, s.id AS scan, s.finishedAt, s.commits, s.blobs,
                        s.blobsScanned, s.blobsCached, s.findings, s.seconds,
                        (SELECT error FROM scan f WHERE f.repositoryId = r.id AND f.status = 'failed'
                            AND f.id > COALESCE(s.id, 0) ORDER BY f.id DESC LIMIT 1) AS lastError
                    FROM repository r
                    LEFT JOIN scan s ON s.id = (SELECT MAX(id) FROM scan WHERE repositoryId = r.id AND status = 'complete')
                    ORDER BY r.name
                    """)
        }
    }
}

/// One repository's latest complete scan.
public struct RepositorySummary: Sendable, Codable, Equatable, FetchableRecord {
    public var name: String
    public var location: String
    public var webURL: String?
    public var scan: Int64?
    public var finishedAt: Date?
    public var commits: Int?
    public var blobs: Int?
    public var blobsScanned: Int?
    public var blobsCached: Int?
    public var findings: Int?
    public var seconds: Double?
    public var lastError: String?
}
