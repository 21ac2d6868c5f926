import Foundation
import GRDB
import HushScan

/// What a finished repository scan adds up to.
public struct ScanTotals: Sendable, Equatable {
    public var commits = 0
    public var blobs = 0
    public var blobsScanned = 0
    public var blobsCached = 0
    public var findings = 0
    /// Findings (fingerprints) this repository had not had before.
    public var newFindings = 0
    /// New fingerprints whose secret was already triaged elsewhere (moved or copied).
    public var newLocations = 0
    public var seconds = 0.0

    public init() {}
}

extension AuditStore {
    /// Records a repository's attributed findings and completes the scan, in
    /// one transaction. `introductions` carry the secret's identity, not the
    /// secret (see `StoreBlobCache`).
    func completeScan(
        _ scan: Int64, repository: Int64, introductions: [Finding], totals: ScanTotals
    ) throws -> ScanTotals {
        var groups: [String: [Finding]] = [:]
        var order: [String] = []
        for introduction in introductions {
            if groups[introduction.fingerprint] == nil { order.append(introduction.fingerprint) }
            groups[introduction.fingerprint, default: []].append(introduction)
        }
        var totals = totals
        totals.findings = order.count
        try pool.write { db in
            let existing = try Set(
                String.fetchAll(
                    db, sql: "SELECT fingerprint FROM finding WHERE repositoryId = ?", arguments: [repository]))
            let triagedIdentities = try Set(String.fetchAll(db, sql: "SELECT DISTINCT identity FROM triage"))
            let triagedFingerprints = try Set(String.fetchAll(db, sql: "SELECT fingerprint FROM triage"))
            let upsert = try db.makeStatement(
                sql: """
                    INSERT INTO finding (repositoryId, fingerprint, identity, ruleID, ruleDescription, path, line,
                        redacted, context, encoding, commitID, author, email, commitDate, summary, presentAtHead,
                        firstSeenScan, lastSeenScan)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT(repositoryId, fingerprint) DO UPDATE SET
                        line = excluded.line, redacted = excluded.redacted, context = excluded.context,
                        encoding = excluded.encoding, commitID = excluded.commitID, author = excluded.author,
                        email = excluded.email, commitDate = excluded.commitDate, summary = excluded.summary,
                        presentAtHead = excluded.presentAtHead,
                        lastSeenScan = MAX(lastSeenScan, excluded.lastSeenScan)
                    RETURNING id
                    """)
            let clear = try db.makeStatement(sql: "DELETE FROM location WHERE findingId = ?")
            let location = try db.makeStatement(
                sql:
                    "INSERT OR IGNORE INTO location (findingId, path, line, commitID, commitDate) VALUES (?, ?, ?, ?, ?)"
            )
            for fingerprint in order {
                let group = groups[fingerprint]!
                let first = group[0]
                let atHead = group.contains { $0.commit?.presentAtHead == true }
                if !existing.contains(fingerprint) {
                    totals.newFindings += 1
                    if !triagedFingerprints.contains(fingerprint), triagedIdentities.contains(first.secret) {
                        totals.newLocations += 1
                    }
                }
                let commit = first.commit
                let id = try Int64.fetchOne(
                    upsert,
                    arguments: [
                        repository, fingerprint, first.secret, first.ruleID, first.ruleDescription, first.path,
                        first.line, first.redacted, first.context, first.encoding, commit?.id, commit?.author,
                        commit?.email, commit?.date, commit?.summary, atHead, scan, scan,
                    ])!
                try clear.execute(arguments: [id])
                for introduction in group {
                    try location.execute(arguments: [
                        id, introduction.path, introduction.line, introduction.commit?.id ?? "",
                        introduction.commit?.date,
                    ])
                }
            }
            try db.execute(
                sql: """
                    UPDATE scan SET status = 'complete', finishedAt = ?, commits = ?, blobs = ?, blobsScanned = ?,
                        blobsCached = ?, findings = ?, seconds = ? WHERE id = ?
                    """,
                arguments: [
                    Date(), totals.commits, totals.blobs, totals.blobsScanned, totals.blobsCached, totals.findings,
                    totals.seconds, scan,
                ])
        }
        return totals
    }
}
