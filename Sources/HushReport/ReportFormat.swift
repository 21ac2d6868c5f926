import HushRules
import HushScan

/// The output formats of `hush scan`.
public enum ReportFormat: String, CaseIterable, Sendable {
    case text, json, jsonl, sarif
}

/// What every reporter is given.
public struct ReportContext: Sendable {
    /// Print secrets in full (`--no-redact`).
    public var revealSecrets: Bool
    /// Use ANSI colours (text only; on when writing to a terminal).
    public var color: Bool
    /// Rules, for metadata (SARIF) and descriptions.
    public var rules: [Rule]
    /// The version of Hush writing the report.
    public var toolVersion: String

    public init(revealSecrets: Bool, color: Bool, rules: [Rule], toolVersion: String) {
        self.revealSecrets = revealSecrets
        self.color = color
        self.rules = rules
        self.toolVersion = toolVersion
    }

    /// The secret as the user asked to see it.
    func shown(_ finding: Finding) -> String { revealSecrets ? finding.secret : finding.redacted }
}

/// Renders findings and a summary as one of the `ReportFormat`s.
public enum Reporter {
    /// The whole report as text.
    public static func render(
        _ format: ReportFormat, findings: [Finding], summary: ScanSummary, context: ReportContext
    ) -> String {
        switch format {
        case .text: TextReport.render(findings: findings, summary: summary, context: context)
        case .json: JSONReport.render(findings: findings, summary: summary, context: context)
        case .jsonl: JSONLinesReport.render(findings: findings, context: context)
        case .sarif: SARIFReport.render(findings: findings, context: context)
        }
    }
}
