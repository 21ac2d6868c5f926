import Foundation
import HushVault

/// Carries out a `MigrationPlan` safely: the vault is written before any file; each file is checked against
/// the hash taken at scan time, rewritten atomically, parsed again in its format, and its references resolved
/// through the vault must give back the original bytes exactly, else the file is rolled back. A journal
/// (`MigrationJournal`) records every step so that `resume()` and `undo()` work after an interruption.
public final class Migrator {
    public let vaultPath: String
    public let unlocker: VaultUnlocker
    public let journalPath: String
    /// Progress messages (one line each).
    public var log: (String) -> Void = { _ in }

    /// What happened to the files of a run.
    public struct Report: Sendable {
        public var rewritten: [String] = []
        public var alreadyDone: [String] = []
        /// Files changed since the scan, left alone.
        public var refused: [String] = []
        /// Files whose rewrite did not verify, restored, with the reason.
        public var rolledBack: [(path: String, reason: String)] = []
        public var entriesAdded: [String] = []
        public var entriesReused: [String] = []
        public var journal: MigrationJournal?
    }

    public init(vaultPath: String, unlocker: VaultUnlocker, journalPath: String? = nil) {
        self.vaultPath = vaultPath
        self.unlocker = unlocker
        self.journalPath = journalPath ?? MigrationJournal.defaultPath(vaultPath: vaultPath)
    }

    static func absolute(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.path
    }

    // MARK: Apply

    /// Writes the plan's entries into the vault, then rewrites each file.
    public func apply(_ plan: MigrationPlan) throws -> Report {
        if let existing = try MigrationJournal.load(journalPath) {
            if existing.state == .started { throw MigrationError.unfinishedMigration(journal: journalPath) }
            let archive = journalPath + "." + existing.id
            try? existing.save(archive)
            try? MigrationJournal.remove(journalPath)
            log("the previous migration's journal was kept as \(archive)")
        }
        var report = Report()
        // 1. The vault first: if anything below fails, every reference already resolves.
        let vault = try Vault.modify(at: vaultPath, unlock: unlocker) { vault -> Vault in
            let names = Set(vault.entryNames)
            for entry in plan.entries where entry.isNew {
                // Someone set this name since the plan was made: never overwrite a secret.
                if names.contains(entry.name), try vault.value(for: entry.name) != entry.value {
                    throw MigrationError.entryChanged(name: entry.name)
                }
                try vault.set(entry.name, value: entry.value, source: entry.source)
            }
            return vault
        }
        report.entriesAdded = plan.entries.filter(\.isNew).map(\.name)
        report.entriesReused = plan.entries.filter { !$0.isNew }.map(\.name)
        // 2. The journal.
        var journal = MigrationJournal(
            id: UUID().uuidString.lowercased(), started: ISO8601DateFormatter().string(from: Date()),
            vault: Self.absolute(vaultPath), state: .started, createdEntries: report.entriesAdded,
            entries: Dictionary(uniqueKeysWithValues: plan.entries.map { ($0.name, $0.locations) }),
            files: plan.files.map {
                MigrationJournal.FileRecord(
                    path: Self.absolute($0.path), displayPath: $0.path, format: $0.format, edits: $0.edits,
                    originalSHA256: FilePlan.hash($0.original), rewrittenSHA256: FilePlan.hash($0.rewritten),
                    state: .pending)
            })
        try journal.save(journalPath)
        Self.ignoreJournal(journalPath)
        if let touch = ProcessInfo.processInfo.environment["HUSH_TEST_MIGRATE_TOUCH"],
            let handle = FileHandle(forWritingAtPath: touch)
        {
            // Test hook: simulate an edit made between the scan and the rewrite.
            handle.seekToEndOfFile()
            handle.write(Data("# edited\n".utf8))
            try? handle.close()
        }
        // 3. The files, one at a time.
        for index in journal.files.indices {
            try rewrite(&journal, index, original: plan.files[index].original, vault: vault, report: &report)
            if index == 0 { DurableFile.crashPoint("migrate-after-first-file") }
            try journal.recordProgress(of: index, at: journalPath)
        }
        journal.state = .completed
        try journal.save(journalPath)
        report.journal = journal
        return report
    }

    /// Adds the journal to the `.gitignore` beside it: it holds hashes of files that held secrets, which must
    /// not be shared (a weak secret could be guessed against them).
    static func ignoreJournal(_ journalPath: String) {
        let url = URL(fileURLWithPath: journalPath)
        let ignore = url.deletingLastPathComponent().appendingPathComponent(".gitignore")
        let pattern = url.lastPathComponent + "*"
        let existing = (try? String(contentsOf: ignore, encoding: .utf8)) ?? ""
        guard !existing.split(separator: "\n").contains(Substring(pattern)) else { return }
        let text = existing + (existing.isEmpty || existing.hasSuffix("\n") ? "" : "\n") + pattern + "\n"
        try? DurableFile.write(Array(text.utf8), to: ignore.path, mode: DurableFile.mode(of: ignore.path) ?? 0o644)
    }

    /// Rewrites one pending file, verifies it, and rolls it back if the check fails.
    func rewrite(
        _ journal: inout MigrationJournal, _ index: Int, original: [UInt8]?, vault: Vault, report: inout Report
    ) throws {
        var record = journal.files[index]
        defer { journal.files[index] = record }
        guard record.state == .pending else { return }
        let current = try DurableFile.read(record.path)
        let currentHash = FilePlan.hash(current)
        if currentHash == record.rewrittenSHA256 {
            // Rewritten before an interruption: check it, as a fresh rewrite would be.
            let rebuilt = try? VaultReference.resolve(current) { try vault.value(for: $0) }
            if let rebuilt, FilePlan.hash(rebuilt) == record.originalSHA256 {
                record.state = .rewritten
                report.alreadyDone.append(record.displayPath)
                return
            }
        }
        guard currentHash == record.originalSHA256 else {
            record.state = .refusedChanged
            record.note = "changed since the scan"
            report.refused.append(record.displayPath)
            log("refused \(record.displayPath): it changed since the scan; run `hush migrate` again")
            return
        }
        let source = original ?? current
        let rewritten = MigrationPlanner.apply(record.edits, to: source)
        guard FilePlan.hash(rewritten) == record.rewrittenSHA256 else {
            record.state = .refusedChanged
            record.note = "the rewrite does not match the plan"
            report.refused.append(record.displayPath)
            return
        }
        let mode = DurableFile.mode(of: record.path) ?? 0o644
        try DurableFile.write(rewritten, to: record.path, mode: mode)
        if let failure = verify(path: record.path, format: record.format, original: source, vault: vault) {
            try DurableFile.write(source, to: record.path, mode: mode)
            record.state = .rolledBack
            record.note = failure
            report.rolledBack.append((record.displayPath, failure))
            log("rolled back \(record.displayPath): \(failure)")
            return
        }
        record.state = .rewritten
        report.rewritten.append(record.displayPath)
    }

    /// Reads the file back, parses it in its format, resolves its references: nil when all is well, else why not.
    public func verify(path: String, format: ConfigFormat, original: [UInt8], vault: Vault) -> String? {
        guard let written = try? DurableFile.read(path) else { return "cannot read it back" }
        if (try? FormatChecker.check(original, as: format)) != nil {
            do {
                try FormatChecker.check(written, as: format)
            } catch {
                return "it no longer parses as \(format.rawValue): \(error)"
            }
        }
        do {
            let resolved = try VaultReference.resolve(written) { try vault.value(for: $0) }
            guard resolved == original else { return "resolving its references does not give the original bytes" }
        } catch {
            return "its references do not resolve: \(error)"
        }
        return nil
    }

    // MARK: Resume

    /// Finishes an interrupted migration from its journal.
    public func resume() throws -> Report {
        guard var journal = try MigrationJournal.load(journalPath) else {
            throw MigrationError.noJournal(path: journalPath)
        }
        guard journal.state == .started else { throw MigrationError.nothingToResume(journal: journalPath) }
        let vault = try Vault.open(at: journal.vault, unlock: unlocker)
        var report = Report()
        for index in journal.files.indices {
            try rewrite(&journal, index, original: nil, vault: vault, report: &report)
            try journal.recordProgress(of: index, at: journalPath)
        }
        journal.state = .completed
        try journal.save(journalPath)
        report.journal = journal
        return report
    }

    // MARK: Undo

    /// What `undo()` did.
    public struct UndoReport: Sendable {
        public var restored: [String] = []
        public var untouched: [String] = []
        public var entriesRemoved: [String] = []
    }

    /// Restores every rewritten file to its original bytes (checked against the recorded hash), then removes the
    /// entries the migration added and the journal. Refuses files changed since the migration.
    public func undo() throws -> UndoReport {
        guard var journal = try MigrationJournal.load(journalPath) else {
            throw MigrationError.noJournal(path: journalPath)
        }
        let vault = try Vault.open(at: journal.vault, unlock: unlocker)
        var report = UndoReport()
        var blocked: [String] = []
        var restorations: [(Int, [UInt8], mode_t)] = []
        for (index, record) in journal.files.enumerated() {
            guard let current = try? DurableFile.read(record.path) else {
                blocked.append(record.displayPath)
                continue
            }
            let hash = FilePlan.hash(current)
            if hash == record.originalSHA256 {
                report.untouched.append(record.displayPath)
                continue
            }
            guard hash == record.rewrittenSHA256,
                let original = try? VaultReference.resolve(current, lookup: { try vault.value(for: $0) }),
                FilePlan.hash(original) == record.originalSHA256
            else {
                blocked.append(record.displayPath)
                continue
            }
            restorations.append((index, original, DurableFile.mode(of: record.path) ?? 0o644))
        }
        guard blocked.isEmpty else { throw MigrationError.filesNotRestored(blocked) }
        for (index, original, mode) in restorations {
            try DurableFile.write(original, to: journal.files[index].path, mode: mode)
            journal.files[index].state = .restored
            report.restored.append(journal.files[index].displayPath)
            try journal.recordProgress(of: index, at: journalPath)
        }
        let present = Set(vault.entryNames)  // entryNames sorts on every call: take it once
        let created = journal.createdEntries.filter { present.contains($0) }
        if !created.isEmpty {
            try Vault.modify(at: journal.vault, unlock: unlocker) { vault in
                let names = Set(vault.entryNames)
                for name in created where names.contains(name) { try vault.remove(name) }
            }
        }
        report.entriesRemoved = created
        try MigrationJournal.remove(journalPath)
        return report
    }
}
