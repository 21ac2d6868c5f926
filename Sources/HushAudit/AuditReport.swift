import Foundation
import HushReport
import HushRules
import HushScan

/// Formats `hush report` writes from the store.
public enum AuditReportFormat: String, CaseIterable, Sendable {
    case html, json, sarif, junit, csv
}

/// Everything a report shows, read from the store once.
public struct AuditReportData: Sendable {
    public var findings: [StoredFinding]
    public var repositories: [RepositorySummary]
    /// Rule metadata (description, provider, remediation, references) by id.
    public var rules: [String: Rule]
    public var generatedAt: Date

    public init(findings: [StoredFinding], repositories: [RepositorySummary], rules: [Rule], generatedAt: Date = Date())
    {
        self.findings = findings
        self.repositories = repositories
        self.rules = Dictionary(rules.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        self.generatedAt = generatedAt
    }

    /// Reads the current findings and repositories from `store`.
    public static func load(from store: AuditStore, rules: [Rule]) throws -> AuditReportData {
        AuditReportData(
            findings: try store.currentFindings(), repositories: try store.repositorySummaries(), rules: rules)
    }
}

/// Renders an `AuditReportData` in one of the `AuditReportFormat`s. Secrets
/// are never in the data: only redacted previews and masked context lines.
public enum AuditReporter {
    public static func render(_ format: AuditReportFormat, _ data: AuditReportData, toolVersion: String) -> String {
        switch format {
        case .html: HTMLReport.render(data, toolVersion: toolVersion)
        case .json: jsonReport(data, toolVersion: toolVersion)
        case .csv: CSVReport.render(data)
        case .junit: JUnitReport.render(data)
        case .sarif: sarifReport(data, toolVersion: toolVersion)
        }
    }

    static func jsonReport(_ data: AuditReportData, toolVersion: String) -> String {
        struct Document: Encodable {
            var tool: String
            var schemaVersion: Int
            var generatedAt: Date
            var repositories: [RepositorySummary]
            var findings: [StoredFinding]
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        let document = Document(
            tool: "hush \(toolVersion)", schemaVersion: AuditSchema.version, generatedAt: data.generatedAt,
            repositories: data.repositories, findings: data.findings)
        let bytes = (try? encoder.encode(document)) ?? Data("{}".utf8)
        return String(decoding: bytes, as: UTF8.self) + "\n"
    }

    /// SARIF through HushReport's renderer; the secret field holds the redacted preview.
    static func sarifReport(_ data: AuditReportData, toolVersion: String) -> String {
        let findings = data.findings.map { stored in
            Finding(
                ruleID: stored.ruleID, ruleDescription: stored.ruleDescription, path: stored.path, line: stored.line,
                endLine: stored.line, column: 1, secret: stored.redacted, redacted: stored.redacted,
                fingerprint: stored.fingerprint, context: stored.context, encoding: stored.encoding,
                commit: stored.commitID.map {
                    CommitInfo(
                        id: $0, author: stored.author ?? "", email: stored.email ?? "", date: stored.commitDate ?? 0,
                        summary: stored.summary ?? "", presentAtHead: stored.presentAtHead)
                })
        }
        let context = ReportContext(
            revealSecrets: false, color: false, rules: Array(data.rules.values).sorted { $0.id < $1.id },
            toolVersion: toolVersion)
        return Reporter.render(.sarif, findings: findings, summary: ScanSummary(), context: context)
    }
}

/// `--format csv`: one row per finding; cells that a spreadsheet would run as
/// a formula (`=`, `+`, `-`, `@`) are prefixed with `'`.
enum CSVReport {
    static let header = [
        "repository", "rule", "path", "line", "status", "new_location", "still_at_head", "commit", "author",
        "date", "fingerprint", "redacted", "note",
    ]

    static func render(_ data: AuditReportData) -> String {
        var out = header.joined(separator: ",") + "\r\n"
        for finding in data.findings {
            let cells: [String] = [
                finding.repository, finding.ruleID, finding.path, String(finding.line), finding.status.rawValue,
                finding.newLocation ? "yes" : "no", finding.presentAtHead ? "yes" : "no", finding.commitID ?? "",
                finding.author ?? "", finding.commitDate.map(isoDate) ?? "", finding.fingerprint, finding.redacted,
                finding.note ?? "",
            ]
            out += cells.map(cell).joined(separator: ",") + "\r\n"
        }
        return out
    }

    static func cell(_ value: String) -> String {
        var text = value
        if let first = text.first, "=+-@\t\r".contains(first) { text = "'" + text }
        if text.contains(where: { ",\"\r\n".contains($0) }) {
            return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return text
    }
}

/// `--format junit`: a test suite per repository, a test case per finding;
/// open findings fail, triaged ones are skipped with their status.
enum JUnitReport {
    static func render(_ data: AuditReportData) -> String {
        let byRepository = Dictionary(grouping: data.findings, by: \.repository)
        let failures = data.findings.filter { $0.status == .open }.count
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        out += "<testsuites name=\"hush audit\" tests=\"\(data.findings.count)\" failures=\"\(failures)\">\n"
        for repository in byRepository.keys.sorted() {
            let findings = byRepository[repository]!
            let open = findings.filter { $0.status == .open }.count
            out += "  <testsuite name=\"\(xml(repository))\" tests=\"\(findings.count)\" failures=\"\(open)\">\n"
            for finding in findings {
                let name = "\(finding.ruleID) \(finding.path):\(finding.line)"
                out += "    <testcase classname=\"\(xml(repository))\" name=\"\(xml(name))\">\n"
                if finding.status == .open {
                    let message = "\(finding.ruleDescription): \(finding.redacted)"
                    out += "      <failure message=\"\(xml(message))\" type=\"\(xml(finding.ruleID))\">"
                    out += xml(
                        "fingerprint \(finding.fingerprint); commit \(finding.commitID ?? "-"); "
                            + (finding.presentAtHead ? "still at HEAD" : "only in history"))
                    out += "</failure>\n"
                } else {
                    out += "      <skipped message=\"\(xml(finding.status.rawValue))\"/>\n"
                }
                out += "    </testcase>\n"
            }
            out += "  </testsuite>\n"
        }
        return out + "</testsuites>\n"
    }
}

/// Escapes text for XML and HTML text and attribute values.
func xml(_ text: String) -> String {
    var out = ""
    out.reserveCapacity(text.utf8.count)
    for scalar in text.unicodeScalars {
        switch scalar {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&quot;"
        case "'": out += "&#39;"
        default:
            // Characters XML 1.0 forbids are dropped.
            if scalar.value < 0x20, scalar != "\n", scalar != "\t", scalar != "\r" { continue }
            out.unicodeScalars.append(scalar)
        }
    }
    return out
}

/// `YYYY-MM-DD` in UTC.
func isoDate(_ seconds: Int64) -> String {
    var time = time_t(seconds)
    var parts = tm()
    gmtime_r(&time, &parts)
    return String(format: "%04d-%02d-%02d", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday))
}
