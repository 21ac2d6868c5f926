import ArgumentParser
import Foundation
import HushScan

/// `hush baseline`: accept the current findings so that scans report only new ones.
struct BaselineCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "baseline",
        abstract: "Record accepted findings so that later scans report only new ones.",
        discussion: """
            The baseline is a sorted text file of keyed fingerprints (no secrets, no line numbers, no
            timestamps), so it merges cleanly in git. Fingerprints are keyed by .hush/fingerprint.key:
            'baseline create' makes one beside the baseline if the project has none; commit both.
            """,
        subcommands: [Create.self, Update.self]
    )

    static let defaultFile = ".hush/baseline.txt"

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Write a baseline of every current finding.")

        @OptionGroup var inputs: ScanInputs

        @Option(name: .shortAndLong, help: "Baseline file to write.")
        var file: String = BaselineCommand.defaultFile

        @Flag(help: "Replace an existing baseline.")
        var force = false

        func run() throws {
            if FileManager.default.fileExists(atPath: file), !force {
                throw CLIError.cannotWrite(file, reason: "it exists; use 'hush baseline update' or --force")
            }
            try BaselineCommand.ensureProjectKey(near: file, root: inputs.root)
            let (_, result) = try inputs.scan(warnings: false)
            try BaselineCommand.write(Baseline(findings: result.findings), to: file)
            StandardError.print("Wrote \(result.findings.count) accepted finding(s) to \(file).")
        }
    }

    struct Update: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add current findings to the baseline and drop entries that no longer occur.")

        @OptionGroup var inputs: ScanInputs

        @Option(name: .shortAndLong, help: "Baseline file to update.")
        var file: String = BaselineCommand.defaultFile

        func run() throws {
            let old = try Baseline.load(path: file)
            let (_, result) = try inputs.scan(warnings: false)
            let new = Baseline(findings: result.findings)
            try BaselineCommand.write(new, to: file)
            let added = new.entries.subtracting(old.entries).count
            let removed = old.entries.subtracting(new.entries).count
            StandardError.print(
                "Updated \(file): \(added) added, \(removed) no longer found, \(new.entries.count) in all.")
        }
    }

    static func write(_ baseline: Baseline, to file: String) throws {
        let folder = (file as NSString).deletingLastPathComponent
        if !folder.isEmpty {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        }
        do {
            try AtomicFile.write(Data(baseline.text.utf8), to: file, mode: 0o644)
        } catch {
            throw CLIError.cannotWrite(file, reason: "\(error)")
        }
    }

    /// Fingerprints must be keyed the same for everyone who uses the baseline.
    static func ensureProjectKey(near file: String, root: String) throws {
        if let key = ProcessInfo.processInfo.environment["HUSH_FINGERPRINT_KEY"], !key.isEmpty { return }
        if FingerprintKey.projectKeyFile(from: root) != nil { return }
        let folder = (file as NSString).deletingLastPathComponent
        let keyPath = (folder.isEmpty ? ".hush" : folder) + "/" + FingerprintKey.fileName
        try FingerprintKey.create(at: keyPath)
        StandardError.print("Created \(keyPath): commit it so that everyone (and CI) computes the same fingerprints.")
    }
}
