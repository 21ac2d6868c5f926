import Foundation
import HushRules

/// `hush report --html`: one self-contained page (inline CSS, script and SVG
/// charts; no network resources). Findings are embedded as JSON in a
/// non-executable script element and rendered by the inline script with
/// `textContent` only, a page at a time, so attacker-controlled text (paths,
/// context lines, commit messages) stays inert and 50,000 findings stay fast.
///
/// Test hooks: the page sets `data-total`, `data-shown`, `data-page-rows`,
/// `data-first` (fingerprint of the first row shown) and `data-ready` on
/// `<body>`, and applies a URL fragment such as
/// `#rule=aws-access-key-id&repo=api&status=open&head=yes&q=text&sort=date&dir=desc`.
enum HTMLReport {
    static func render(_ data: AuditReportData, toolVersion: String) -> String {
        let findings = data.findings
        let atHead = findings.filter(\.presentAtHead).count
        let open = findings.filter { $0.status == .open }.count
        let byStatus = Dictionary(grouping: findings, by: \.status).mapValues(\.count)
        let repositories = data.repositories
        let failed = repositories.filter { $0.lastError != nil }.count

        var html = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; \
            script-src 'unsafe-inline'; img-src data:">
            <title>Hush audit report</title>
            <style>\(HTMLAssets.css)</style></head>
            <body data-ready="0">
            <header><h1>Hush audit report</h1><p class="meta">Generated \(xml(iso(data.generatedAt))) by hush \
            \(xml(toolVersion)). Secrets are redacted; fingerprints are keyed hashes.</p></header>
            <section class="totals">
            """
        let tiles: [(String, Int, String)] = [
            ("Findings", findings.count, "total"), ("Open", open, "open"), ("Still at HEAD", atHead, "head"),
            ("Repositories", repositories.count, "repos"), ("Revoked", byStatus[.revoked] ?? 0, "revoked"),
            ("False positives", byStatus[.falsePositive] ?? 0, "fp"),
            ("Accepted", byStatus[.accepted] ?? 0, "accepted"),
            ("Failed scans", failed, "failed"),
        ]
        for (label, value, key) in tiles {
            html += "<div class=\"tile\" data-tile=\"\(key)\"><b>\(value)</b><span>\(xml(label))</span></div>"
        }
        html += "</section>\n<section class=\"charts\">"
        html += chart(title: "Findings by rule", counts(findings.map(\.ruleID)))
        html += chart(title: "Findings by repository", counts(findings.map(\.repository)))
        html += chart(
            title: "Findings by year of first commit",
            counts(findings.map { $0.commitDate.map { String(isoDate($0).prefix(4)) } ?? "unknown" }),
            sortByLabel: true)
        html += "</section>\n"
        html += repositoryTable(repositories)
        html += HTMLAssets.tableShell
        html += "<script type=\"application/json\" id=\"hush-data\">"
        html += scriptSafe(dataJSON(data))
        html += "</script>\n<script>\(HTMLAssets.script)</script>\n</body></html>\n"
        return html
    }

    /// Label counts, largest first.
    static func counts(_ labels: [String]) -> [(String, Int)] {
        Dictionary(labels.map { ($0, 1) }, uniquingKeysWith: +).sorted { ($1.1, $0.0) < ($0.1, $1.0) }
    }

    /// A horizontal bar chart as inline SVG (the top 12 bars).
    static func chart(title: String, _ counts: [(String, Int)], sortByLabel: Bool = false) -> String {
        var rows = Array(counts.prefix(12))
        if sortByLabel { rows = counts.sorted { $0.0 < $1.0 }.suffix(12) }
        let maximum = max(1, rows.map(\.1).max() ?? 1)
        let height = 22 * max(rows.count, 1) + 8
        var svg = "<figure class=\"chart\"><figcaption>\(xml(title))</figcaption>"
        svg += "<svg role=\"img\" width=\"420\" height=\"\(height)\" viewBox=\"0 0 420 \(height)\">"
        if rows.isEmpty { svg += "<text x=\"4\" y=\"18\">No findings</text>" }
        for (index, row) in rows.enumerated() {
            let y = 4 + index * 22
            let width = max(2, Int(Double(row.1) / Double(maximum) * 200))
            let label = row.0.count > 28 ? String(row.0.prefix(27)) + "…" : row.0
            svg += "<text x=\"0\" y=\"\(y + 14)\" class=\"label\">\(xml(label))<title>\(xml(row.0))</title></text>"
            svg += "<rect x=\"190\" y=\"\(y + 2)\" width=\"\(width)\" height=\"16\" rx=\"2\"></rect>"
            svg += "<text x=\"\(196 + width)\" y=\"\(y + 14)\">\(row.1)</text>"
        }
        return svg + "</svg></figure>"
    }

    static func repositoryTable(_ repositories: [RepositorySummary]) -> String {
        var html = "<section><h2>Repositories</h2><table class=\"repos\"><thead><tr><th>Repository</th>"
        html += "<th>Findings</th><th>Commits</th><th>Blobs</th><th>Read</th><th>Last scan</th><th>State</th>"
        html += "</tr></thead><tbody>"
        for repository in repositories {
            let state =
                repository.lastError.map { "failed: " + $0 } ?? (repository.scan == nil ? "never scanned" : "ok")
            html += "<tr><td title=\"\(xml(repository.location))\">\(xml(repository.name))</td>"
            html += "<td>\(repository.findings ?? 0)</td><td>\(repository.commits ?? 0)</td>"
            html += "<td>\(repository.blobs ?? 0)</td><td>\(repository.blobsScanned ?? 0)</td>"
            html += "<td>\(repository.finishedAt.map { xml(iso($0)) } ?? "-")</td><td>\(xml(state))</td></tr>"
        }
        return html + "</tbody></table></section>\n"
    }

    /// The findings as compact JSON: tables of repositories and rules, and one
    /// array per finding (see `HTMLAssets.script` for the column order).
    static func dataJSON(_ data: AuditReportData) -> String {
        var repositoryIndex: [String: Int] = [:]
        var repositories: [[String: Any]] = []
        var ruleIndex: [String: Int] = [:]
        var rules: [[String: Any]] = []
        var rows: [[Any]] = []
        rows.reserveCapacity(data.findings.count)
        for finding in data.findings {
            let repository =
                repositoryIndex[finding.repositoryLocation]
                ?? {
                    repositories.append(["name": finding.repository, "web": safeWebURL(finding.webURL) ?? ""])
                    repositoryIndex[finding.repositoryLocation] = repositories.count - 1
                    return repositories.count - 1
                }()
            let rule =
                ruleIndex[finding.ruleID]
                ?? {
                    let meta = data.rules[finding.ruleID]
                    rules.append([
                        "id": finding.ruleID, "description": meta?.description ?? finding.ruleDescription,
                        "provider": meta?.provider ?? "", "remediation": meta?.remediation ?? "",
                        "references": (meta?.references ?? []).filter { $0.hasPrefix("https://") },
                    ])
                    ruleIndex[finding.ruleID] = rules.count - 1
                    return rules.count - 1
                }()
            let sha = finding.commitID.flatMap { $0.allSatisfy(\.isHexDigit) ? $0 : nil } ?? ""
            rows.append([
                repository, rule, finding.path, finding.line, finding.redacted, String(finding.context.prefix(200)),
                sha, finding.author ?? "", finding.commitDate ?? 0, String((finding.summary ?? "").prefix(120)),
                finding.presentAtHead ? 1 : 0, finding.status.rawValue, finding.note ?? "", finding.fingerprint,
                finding.newLocation ? 1 : 0, finding.locations,
            ])
        }
        let document: [String: Any] = ["repos": repositories, "rules": rules, "findings": rows]
        let bytes =
            (try? JSONSerialization.data(withJSONObject: document, options: [.withoutEscapingSlashes])) ?? Data()
        return String(decoding: bytes, as: UTF8.self)
    }

    /// JSON made safe inside `<script>`: no `<`, `>`, `&` or line separators.
    static func scriptSafe(_ json: String) -> String {
        var out = ""
        out.reserveCapacity(json.utf8.count + 64)
        for scalar in json.unicodeScalars {
            switch scalar {
            case "<": out += "\\u003c"
            case ">": out += "\\u003e"
            case "&": out += "\\u0026"
            case "\u{2028}": out += "\\u2028"
            case "\u{2029}": out += "\\u2029"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// Only https GitHub/GitLab project URLs become links.
    static func safeWebURL(_ url: String?) -> String? {
        guard let url, url.hasPrefix("https://github.com/") || url.hasPrefix("https://gitlab.com/") else { return nil }
        return url
    }

    static func iso(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        return formatter.string(from: date)
    }
}
