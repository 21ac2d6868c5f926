import ArgumentParser
import Foundation
import HushReport
import HushScan

/// `hush scan`: find credentials in files and folders.
struct ScanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scan",
        abstract: "Find credentials in files and folders.",
        discussion: """
            Exit status: 0 no findings, 1 findings, 2 error (bad arguments, unreadable root,
            invalid configuration or baseline). Use '-' as a path to scan standard input.
            """
    )

    @OptionGroup var inputs: ScanInputs

    @OptionGroup var output: OutputOptions

    @Option(help: "Baseline file of accepted findings (see 'hush baseline'); only new findings are reported.")
    var baseline: String?

    mutating func run() throws {
        let accepted = try baseline.map { try Baseline.load(path: $0) }
        var (engine, result) = try inputs.scan(warnings: output.quiet)
        if let accepted {
            let before = result.findings.count
            result.findings = accepted.filter(result.findings)
            result.summary.findings = result.findings.count
            result.summary.baselined = before - result.findings.count
        }
        try output.emit(findings: result.findings, summary: result.summary, rules: engine.matcher.rules)
        if !result.findings.isEmpty { throw ExitCode(1) }
    }
}
