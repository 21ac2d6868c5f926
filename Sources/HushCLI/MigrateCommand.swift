import ArgumentParser
import Foundation
import HushMigrate
import HushScan
import HushSources
import HushVault

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `hush migrate`: move found secrets into the vault and leave `hush:vault/NAME` references behind.
struct MigrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Move secrets found in config files into the vault, leaving hush:vault/NAME references.",
        discussion: """
            Without --apply, prints the rewrite as a unified diff (values masked) and changes nothing.
            With --apply, writes the vault first, then rewrites each file atomically, parses it again and checks
            that resolving its references gives back the original bytes (else the file is rolled back).
            A journal beside the vault (.hush/migrate.journal) makes --resume and --undo possible.
            Reference syntax: docs/references.md.
            """)

    @OptionGroup var inputs: ScanInputs
    @OptionGroup var keys: VaultKeyOptions

    @Flag(help: "Write the vault and rewrite the files (default: dry run).") var apply = false
    @Flag(help: "Ask before migrating each finding (implies --apply).") var interactive = false
    @Flag(help: "Finish an interrupted migration from its journal.") var resume = false
    @Flag(help: "Restore the files of the last migration byte for byte and remove the entries it added.")
    var undo = false
    @Option(name: .customLong("only"), help: "Only migrate findings of this rule (repeatable).") var onlyRules:
        [String] = []
    @Option(help: "Leave files under this path or matching this glob alone (repeatable).") var exclude: [String] = []
    @Option(
        help: ArgumentHelp(
            "Write a git-filter-repo --replace-text file for the secrets of the last migration (or of a scan when "
                + "there is no journal). The file holds the secrets: it is created 0600.",
            valueName: "FILE"))
    var purgePlan: String?
    @Flag(help: "Show secrets in the diff.") var noRedact = false
    @Option(help: "The migration journal (default: migrate.journal beside the vault).") var journal: String?

    func run() throws {
        try runVault {
            let modes = [resume, undo, purgePlan != nil].filter { $0 }.count
            guard modes <= 1 else { throw ValidationError("use only one of --resume, --undo and --purge-plan") }
            if undo { return try runUndo() }
            if resume { return try runResume() }
            if let purgePlan { return try writePurgePlan(to: purgePlan) }
            try runMigration()
        }
    }

    var journalPath: String { journal ?? MigrationJournal.defaultPath(vaultPath: keys.vaultPath) }

    func migrator() throws -> Migrator {
        let migrator = Migrator(vaultPath: keys.vaultPath, unlocker: try keys.unlocker(), journalPath: journalPath)
        migrator.log = { printError("hush: \($0)") }
        return migrator
    }

    // MARK: Scan and plan

    /// Scans every path; finding paths are made openable from the working directory.
    func findings() throws -> [Finding] {
        for path in inputs.paths where !FileManager.default.fileExists(atPath: path) {
            throw CLIError.unreadableRoot(path, reason: "no such file or folder")
        }
        let engine = try EngineLoader.engine(root: inputs.root, configPath: inputs.config)
        var walk = WalkOptions()
        walk.respectIgnoreFiles = !inputs.noIgnore
        walk.followSymlinks = inputs.followSymlinks
        walk.maxFileSize = inputs.maxFileSize
        walk.threads = inputs.threads
        let scanner = TreeScanner(engine: engine, walkOptions: walk)
        var all: [Finding] = []
        for root in inputs.paths where root != "-" {
            var isDirectory: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: root, isDirectory: &isDirectory)
            for var finding in scanner.scan(roots: [root]).findings {
                if isDirectory.boolValue {
                    let prefix = root.hasSuffix("/") ? root : root + "/"
                    finding.path = root == "." ? finding.path : prefix + finding.path
                }
                all.append(finding)
            }
        }
        let vaultFolder = URL(fileURLWithPath: keys.vaultPath).deletingLastPathComponent().standardizedFileURL.path
        return all.filter { finding in
            if !onlyRules.isEmpty && !onlyRules.contains(finding.ruleID) { return false }
            if URL(fileURLWithPath: finding.path).standardizedFileURL.path.hasPrefix(vaultFolder + "/") { return false }
            return !exclude.contains { pattern in
                let trimmed = pattern.hasSuffix("/") ? String(pattern.dropLast()) : pattern
                let path = finding.path.hasPrefix("./") ? String(finding.path.dropFirst(2)) : finding.path
                return path == trimmed || path.hasPrefix(trimmed + "/") || fnmatch(pattern, path, 0) == 0
            }
        }
    }

    /// Asks about each finding on the terminal (or standard input); returns the accepted ones.
    func ask(_ findings: [Finding]) -> [Finding] {
        var accepted: [Finding] = []
        for finding in findings {
            let shown = noRedact ? finding.secret : finding.redacted
            printError("\(finding.path):\(finding.line) \(finding.ruleID) \(shown) — migrate? [y/N/q] ", newline: false)
            guard let answer = readLine()?.lowercased() else { break }
            if answer == "q" { break }
            if answer == "y" || answer == "yes" { accepted.append(finding) }
        }
        return accepted
    }

    func runMigration() throws {
        if let existing = try MigrationJournal.load(journalPath), existing.state == .started {
            throw MigrationError.unfinishedMigration(journal: journalPath)
        }
        var found = try findings()
        if interactive { found = ask(found) }
        let doApply = apply || interactive
        // The vault is needed to write, and (when it opens) to reuse entries that already hold the same value.
        var vault: Vault?
        if doApply {
            vault = try Vault.open(at: keys.vaultPath, unlock: try keys.unlocker())
        } else if FileManager.default.fileExists(atPath: keys.vaultPath) {
            vault = try? Vault.open(at: keys.vaultPath, unlock: try keys.unlocker())
        }
        let existing = vault.map { vault in
            let names = Set(vault.entryNames)
            return { (name: String) -> [UInt8]? in names.contains(name) ? (try? vault.value(for: name)) : nil }
        }
        let planner = MigrationPlanner(existingValue: existing ?? { _ in nil })
        let plan = try planner.plan(found)
        if !doApply {
            for file in plan.files {
                print(
                    UnifiedDiff.render(
                        path: file.path, old: file.original, new: file.rewritten,
                        mask: noRedact ? [] : file.secretsToMask),
                    terminator: "")
            }
            printSummary(plan, applied: false)
            return
        }
        guard !plan.files.isEmpty else {
            printSummary(plan, applied: true)
            print("nothing to rewrite")
            return
        }
        let report = try migrator().apply(plan)
        printSummary(plan, applied: true)
        print(
            "vault: \(report.entriesAdded.count) entr\(report.entriesAdded.count == 1 ? "y" : "ies") added"
                + (report.entriesReused.isEmpty ? "" : ", \(report.entriesReused.count) reused"))
        for path in report.rewritten { print("rewritten: \(path)") }
        for path in report.refused { print("refused: \(path) changed since the scan; run `hush migrate` again") }
        for (path, reason) in report.rolledBack { print("rolled back: \(path): \(reason)") }
        print(
            AfterTheMove.rotationNotice(
                entries: plan.entries, history: HistorySecretIndex(paths: inputs.paths, configPath: inputs.config)),
            terminator: "")
        print("Undo with `hush migrate --undo` (journal: \(journalPath)).")
        if !report.refused.isEmpty || !report.rolledBack.isEmpty { throw ExitCode(1) }
    }

    func printSummary(_ plan: MigrationPlan, applied: Bool) {
        let secrets = plan.entries.reduce(0) { $0 + $1.locations.count }
        print(
            "\(secrets) secret\(secrets == 1 ? "" : "s") in \(plan.files.count) file\(plan.files.count == 1 ? "" : "s")"
                + " → \(plan.entries.count) vault entr\(plan.entries.count == 1 ? "y" : "ies")")
        for entry in plan.entries {
            print(
                "  \(VaultReference(name: entry.name).text)  \(entry.redacted)  \(entry.isNew ? "new" : "existing")  "
                    + entry.locations.joined(separator: ", "))
        }
        if !plan.manual.isEmpty {
            print("Not rewritten (\(plan.manual.count)):")
            for item in plan.manual {
                print("  \(item.path):\(item.line) \(item.ruleID) \(item.redacted): \(item.reason); \(item.suggestion)")
            }
        }
        if !applied && !plan.files.isEmpty { print("Dry run: nothing was changed. Run with --apply to migrate.") }
    }

    // MARK: Resume, undo, purge plan

    func runResume() throws {
        let report = try migrator().resume()
        for path in report.alreadyDone { print("already rewritten: \(path)") }
        for path in report.rewritten { print("rewritten: \(path)") }
        for path in report.refused { print("refused: \(path) changed since the scan") }
        for (path, reason) in report.rolledBack { print("rolled back: \(path): \(reason)") }
        print("migration complete (journal: \(journalPath))")
        if !report.refused.isEmpty || !report.rolledBack.isEmpty { throw ExitCode(1) }
    }

    func runUndo() throws {
        let report = try migrator().undo()
        for path in report.restored { print("restored: \(path)") }
        for path in report.untouched { print("unchanged: \(path)") }
        if !report.entriesRemoved.isEmpty { print("removed \(report.entriesRemoved.count) vault entries") }
    }

    func writePurgePlan(to path: String) throws {
        var values: [(name: String, value: [UInt8])] = []
        if let journal = try MigrationJournal.load(journalPath) {
            let vault = try Vault.open(at: journal.vault, unlock: try keys.unlocker())
            for name in journal.entries.keys.sorted() where vault.metadata(for: name) != nil {
                values.append((name, try vault.value(for: name)))
            }
        } else {
            let plan = try MigrationPlanner().plan(try findings())
            values = plan.entries.map { ($0.name, $0.value) }
        }
        let (text, skipped) = AfterTheMove.purgePlan(values)
        try DurableFile.write(Array(text.utf8), to: path, mode: 0o600)
        printError(
            "hush: warning: \(path) holds the secrets in clear (mode 0600): keep it out of the repository and "
                + "delete it after `git filter-repo --replace-text \(path)`")
        for name in skipped { printError("hush: \(name) spans lines or contains '==>' and is not in the plan") }
        print(
            "wrote \(values.count - skipped.count) replacement\(values.count - skipped.count == 1 ? "" : "s") to \(path)"
        )
    }
}

/// Prints to standard error, optionally without a newline.
func printError(_ text: String, newline: Bool) {
    FileHandle.standardError.write(Data((text + (newline ? "\n" : "")).utf8))
}
