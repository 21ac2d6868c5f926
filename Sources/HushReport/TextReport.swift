import Foundation
import HushScan

/// `--format text`: readable findings with the offending line masked, then a summary.
enum TextReport {
    static func render(findings: [Finding], summary: ScanSummary, context: ReportContext) -> String {
        let style = Style(enabled: context.color)
        var out = ""
        for finding in findings {
            out += "\(style.bold(style.red(finding.ruleID)))  \(finding.ruleDescription)\n"
            out += "  \(style.cyan("\(finding.path):\(finding.line):\(finding.column)"))"
            if let commit = finding.commit {
                let state = commit.presentAtHead ? "still at HEAD" : "only in history"
                out += "  commit \(commit.id.prefix(12)) by \(commit.author) <\(commit.email)> (\(state))"
            }
            out += "\n"
            out += "  secret:      \(context.shown(finding))\n"
            out += "  line:        \(style.dim(finding.context))\n"
            out += "  fingerprint: \(finding.fingerprint)\n"
            if !finding.otherLocations.isEmpty {
                out += "  also in:     \(finding.otherLocations.count) other place(s)\n"
            }
            out += "\n"
        }
        out += summaryLine(summary, style: style)
        return out
    }

    static func summaryLine(_ summary: ScanSummary, style: Style) -> String {
        let megabytes = Double(summary.bytesScanned) / 1_000_000
        var line = String(
            format: "Scanned %d files (%.1f MB) in %.2fs: ", summary.filesScanned, megabytes, summary.seconds)
        line +=
            summary.findings == 0
            ? style.green("no findings") : style.red("\(summary.findings) finding\(summary.findings == 1 ? "" : "s")")
        line += summary.baselined > 0 ? " (\(summary.baselined) accepted by the baseline).\n" : ".\n"
        if !summary.skipped.isEmpty {
            let parts = summary.skipped.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }
            line += "Skipped: \(parts.joined(separator: ", ")).\n"
        }
        if summary.warnings > 0 { line += "Warnings: \(summary.warnings) (see above).\n" }
        return line
    }
}

/// ANSI styling, a no-op when disabled.
struct Style {
    var enabled: Bool
    private func wrap(_ code: String, _ text: String) -> String { enabled ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text }
    func bold(_ text: String) -> String { wrap("1", text) }
    func red(_ text: String) -> String { wrap("31", text) }
    func green(_ text: String) -> String { wrap("32", text) }
    func cyan(_ text: String) -> String { wrap("36", text) }
    func dim(_ text: String) -> String { wrap("2", text) }
}
