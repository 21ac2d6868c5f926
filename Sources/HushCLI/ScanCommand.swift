import ArgumentParser
import Foundation
import HushReport
import HushRules
import HushScan

/// `hush scan`: find credentials in files and folders.
struct ScanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scan",
        abstract: "Find credentials in files, folders and git history.",
        discussion: """
            Exit status: 0 no findings, 1 findings, 2 error (bad arguments, unreadable root,
            invalid configuration or baseline). Use '-' as a path to scan standard input.
            """
    )

    @OptionGroup var inputs: ScanInputs

    @OptionGroup var output: OutputOptions

    @OptionGroup var history: HistoryOptions

    @Option(help: "Baseline file of accepted findings (see 'hush baseline'); only new findings are reported.")
    var baseline: String?

    mutating func run() throws {
        let accepted = try baseline.map { try Baseline.load(path: $0) }
        var report = history.isGitScan ? try runHistoryScan() : try runTreeScan()
        if let accepted {
            let before = report.findings.count
            report.findings = accepted.filter(report.findings)
            report.lines = accepted.filter(report.lines)
            report.summary.findings = report.findings.count
            report.summary.baselined = before - report.findings.count
        }
        try output.emit(
            findings: output.format == .jsonl ? report.lines : report.findings, summary: report.summary,
            rules: report.rules)
        if !report.findings.isEmpty { throw ExitCode(1) }
    }

    /// What a scan found, ready to report.
    struct Report {
        /// One per distinct secret (history: with its other locations).
        var findings: [Finding]
        /// One per line of `jsonl` output (history: one per place a secret was introduced).
        var lines: [Finding]
        var summary: ScanSummary
        var rules: [Rule]
    }

    func runTreeScan() throws -> Report {
        let (engine, result) = try inputs.scan(warnings: output.quiet)
        return Report(
            findings: result.findings, lines: result.findings, summary: result.summary, rules: engine.matcher.rules)
    }
}
