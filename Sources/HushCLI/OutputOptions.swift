import ArgumentParser
import Foundation
import HushReport
import HushRules
import HushScan

extension ReportFormat: ExpressibleByArgument {}

/// Options shared by every command that reports findings.
struct OutputOptions: ParsableArguments {
    @Option(name: .shortAndLong, help: "Report format: text, json, jsonl or sarif.")
    var format: ReportFormat = .text

    @Option(name: .shortAndLong, help: "Write the report to this file instead of standard output.")
    var output: String?

    @Flag(help: "Print secrets in full. Reports are redacted by default.")
    var noRedact = false

    @Flag(name: .shortAndLong, help: "Print no warnings, progress or summary on standard error.")
    var quiet = false

    @Option(help: "Colour: auto, always or never.")
    var color: ColorChoice = .auto

    enum ColorChoice: String, ExpressibleByArgument { case auto, always, never }

    /// Writes the report; for non-text formats the summary goes to stderr.
    func emit(findings: [Finding], summary: ScanSummary, rules: [Rule]) throws {
        let toTerminal = output == nil && isatty(STDOUT_FILENO) == 1
        let useColor =
            color == .always || (color == .auto && toTerminal && ProcessInfo.processInfo.environment["NO_COLOR"] == nil)
        let context = ReportContext(
            revealSecrets: noRedact, color: useColor, rules: rules, toolVersion: HushVersion.current)
        let report = Reporter.render(format, findings: findings, summary: summary, context: context)
        if let output {
            do {
                if Self.isSpecialFile(output) {
                    // A device or pipe (`-o /dev/stdout`, a FIFO) is written in place, never replaced.
                    guard let handle = FileHandle(forWritingAtPath: output) else {
                        throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
                    }
                    try handle.write(contentsOf: Data(report.utf8))
                    try handle.close()
                } else {
                    try AtomicFile.write(Data(report.utf8), to: output, mode: noRedact ? 0o600 : 0o644)
                }
            } catch {
                throw CLIError.cannotWrite(output, reason: "\(error)")
            }
        } else {
            FileHandle.standardOutput.write(Data(report.utf8))
        }
        if (format != .text || output != nil) && !quiet {
            let summaryContext = ReportContext(
                revealSecrets: false, color: false, rules: [], toolVersion: HushVersion.current)
            let text = Reporter.render(.text, findings: [], summary: summary, context: summaryContext)
            FileHandle.standardError.write(Data(text.utf8))
        }
    }
}

extension OutputOptions {
    /// Whether `path` exists and is something other than a regular file.
    static func isSpecialFile(_ path: String) -> Bool {
        var info = stat()
        guard stat(path, &info) == 0 else { return false }
        return (info.st_mode & S_IFMT) != S_IFREG
    }
}

/// Parses sizes such as `512`, `500KB`, `10MB`, `1GB` (powers of 1024).
enum ByteSize {
    static func parse(_ text: String) throws -> Int {
        let upper = text.uppercased().trimmingCharacters(in: .whitespaces)
        let units: [(String, Int)] = [
            ("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10), ("G", 1 << 30), ("M", 1 << 20), ("K", 1 << 10), ("B", 1),
        ]
        for (suffix, factor) in units where upper.hasSuffix(suffix) {
            guard let number = Double(upper.dropLast(suffix.count)), number >= 0 else { break }
            return Int(number * Double(factor))
        }
        guard let number = Int(upper), number >= 0 else {
            throw ValidationError("'\(text)' is not a size; use e.g. 500KB, 10MB or 1GB")
        }
        return number
    }
}
