import ArgumentParser
import Foundation
import HushAudit
import HushRules

extension AuditReportFormat: ExpressibleByArgument {}

/// `hush report`: write a report of the findings store.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write a report of the audit store: HTML, JSON, SARIF, JUnit or CSV.",
        discussion: """
            The HTML report is one self-contained file (no network resources) with totals, charts, and a
            table that sorts and filters by repository, rule, status and 'still at HEAD'. Secrets stay
            redacted in every format.
            """)

    @Option(help: "The findings store.")
    var db: String = AuditStore.defaultPath

    @Option(help: "Write the HTML report to this file.")
    var html: String?

    @Option(name: .shortAndLong, help: "Format for --output or standard output: html, json, sarif, junit, csv.")
    var format: AuditReportFormat?

    @Option(name: .shortAndLong, help: "Write the report to this file instead of standard output.")
    var output: String?

    func validate() throws {
        if html != nil, format != nil, format != .html, output == nil {
            throw ValidationError("--html writes HTML; give --output FILE for --format \(format!.rawValue)")
        }
    }

    func run() throws {
        guard FileManager.default.fileExists(atPath: db) else { throw AuditError.emptyStore(path: db) }
        let store = try AuditStore(path: db)
        let rules = try RuleSet.builtIn().rules
        let data = try AuditReportData.load(from: store, rules: rules)
        if data.repositories.isEmpty { throw AuditError.emptyStore(path: db) }
        if let html {
            try write(AuditReporter.render(.html, data, toolVersion: HushVersion.current), to: html)
            StandardError.print("Wrote \(data.findings.count) finding(s) to \(html)")
        }
        if html == nil || format != nil {
            let text = AuditReporter.render(format ?? .json, data, toolVersion: HushVersion.current)
            if let output { try write(text, to: output) } else { FileHandle.standardOutput.write(Data(text.utf8)) }
        }
    }

    private func write(_ text: String, to path: String) throws {
        do {
            try AtomicFile.write(Data(text.utf8), to: path, mode: 0o644)
        } catch {
            throw CLIError.cannotWrite(path, reason: "\(error)")
        }
    }
}
