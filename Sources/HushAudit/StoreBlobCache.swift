import Foundation
import HushScan
import HushSources

/// The store's per-blob results as a `HistoryBlobCache`: blobs recorded under
/// the same rules version are not read again, and blobs read now are written
/// in batches (one transaction each), so a killed scan keeps what it read.
///
/// Fresh findings are normalised like stored ones: the secret is replaced by
/// its keyed identity (`Fingerprinter.secretIdentity`), so attribution and
/// fingerprints are the same whether a blob was read now or earlier, and no
/// secret reaches the store.
final class StoreBlobCache: HistoryBlobCache, @unchecked Sendable {
    let store: AuditStore
    let rulesVersion: String
    let fingerprinter: Fingerprinter
    private let lock = NSLock()
    private var known: [GitObjectID: [Finding]] = [:]
    private var pending: [(id: String, findings: [BlobFinding])] = []
    private var pendingFindings = 0
    /// The first error met while writing a batch (reported by `flush`).
    private var writeError: Error?
    /// Blobs per transaction.
    var batchSize = 500

    init(store: AuditStore, rulesVersion: String, fingerprinter: Fingerprinter) throws {
        self.store = store
        self.rulesVersion = rulesVersion
        self.fingerprinter = fingerprinter
        let counts = try store.scannedBlobs(rulesVersion: rulesVersion)
        let findings = try store.blobFindings(rulesVersion: rulesVersion)
        known.reserveCapacity(counts.count)
        for (hex, _) in counts {
            guard let id = GitObjectID(hex: hex) else { continue }
            known[id] = (findings[hex] ?? []).map(Self.finding)
        }
    }

    /// How many blobs are known.
    var knownCount: Int { lock.withLock { known.count } }

    func recordedFindings(for blob: GitObjectID) -> [Finding]? {
        lock.withLock { known[blob] }
    }

    func record(_ blob: GitObjectID, findings: [Finding]) -> [Finding] {
        let hex = blob.description
        var normalised: [Finding] = []
        var rows: [BlobFinding] = []
        for (ordinal, finding) in findings.enumerated() {
            let identity = fingerprinter.secretIdentity(rule: finding.ruleID, secret: finding.secret)
            let row = BlobFinding(
                blobID: hex, rulesVersion: rulesVersion, ordinal: ordinal, ruleID: finding.ruleID,
                ruleDescription: finding.ruleDescription, identity: identity, line: finding.line,
                endLine: finding.endLine, column: finding.column, redacted: finding.redacted,
                context: finding.context, encoding: finding.encoding)
            rows.append(row)
            normalised.append(Self.finding(row))
        }
        lock.withLock {
            known[blob] = normalised
            pending.append((hex, rows))
            if pending.count >= batchSize { writePending() }
        }
        return normalised
    }

    /// Writes what is pending; throws the first write error met so far.
    func flush() throws {
        try lock.withLock {
            writePending()
            if let writeError { throw writeError }
        }
    }

    /// Call with the lock held.
    private func writePending() {
        guard !pending.isEmpty else { return }
        let batch = pending
        pending = []
        do {
            try store.recordBlobs(batch, rulesVersion: rulesVersion)
        } catch {
            if writeError == nil { writeError = error }
        }
    }

    /// A stored blob finding as a `Finding` whose `secret` is the identity.
    static func finding(_ row: BlobFinding) -> Finding {
        Finding(
            ruleID: row.ruleID, ruleDescription: row.ruleDescription, path: "", line: row.line, endLine: row.endLine,
            column: row.column, secret: row.identity, redacted: row.redacted, fingerprint: "", context: row.context,
            encoding: row.encoding)
    }
}
