import HushScan

/// `--format json`: one document with every finding (all locations) and the summary.
enum JSONReport {
    static func render(findings: [Finding], summary: ScanSummary, context: ReportContext) -> String {
        let document = JSONValue.object([
            ("version", .string(context.toolVersion)),
            ("findings", .array(findings.map { object(for: $0, context: context) })),
            ("summary", summaryObject(summary)),
        ])
        return document.pretty + "\n"
    }

    static func object(for finding: Finding, context: ReportContext) -> JSONValue {
        var members: [(String, JSONValue)] = [
            ("rule", .string(finding.ruleID)),
            ("description", .string(finding.ruleDescription)),
            ("path", .string(finding.path)),
            ("line", .int(finding.line)),
            ("end_line", .int(finding.endLine)),
            ("column", .int(finding.column)),
            ("secret", .string(context.shown(finding))),
            ("fingerprint", .string(finding.fingerprint)),
            ("context", .string(finding.context)),
        ]
        if let encoding = finding.encoding { members.append(("encoding", .string(encoding))) }
        if let commit = finding.commit { members.append(contentsOf: commitMembers(commit)) }
        if !finding.otherLocations.isEmpty {
            members.append(
                (
                    "other_locations",
                    .array(
                        finding.otherLocations.map { location in
                            var entry: [(String, JSONValue)] = [
                                ("path", .string(location.path)), ("line", .int(location.line)),
                            ]
                            if let commit = location.commit { entry.append(("commit", .string(commit))) }
                            return .object(entry)
                        })
                ))
        }
        return .object(members)
    }

    static func commitMembers(_ commit: CommitInfo) -> [(String, JSONValue)] {
        [
            ("commit", .string(commit.id)),
            ("author", .string(commit.author)),
            ("email", .string(commit.email)),
            ("date", .int(Int(commit.date))),
            ("summary", .string(commit.summary)),
            ("at_head", .bool(commit.presentAtHead)),
        ]
    }

    static func summaryObject(_ summary: ScanSummary) -> JSONValue {
        .object([
            ("files_scanned", .int(summary.filesScanned)),
            ("bytes_scanned", .int(summary.bytesScanned)),
            ("findings", .int(summary.findings)),
            ("warnings", .int(summary.warnings)),
            ("baselined", .int(summary.baselined)),
            ("skipped", .object(summary.skipped.sorted { $0.key < $1.key }.map { ($0.key, .int($0.value)) })),
            ("seconds", .double(summary.seconds)),
        ])
    }
}

/// `--format jsonl`: one finding per line (the form `corpus/score.py` reads).
enum JSONLinesReport {
    static func render(findings: [Finding], context: ReportContext) -> String {
        var out = ""
        for finding in findings {
            out += JSONReport.object(for: finding, context: context).compact
            out += "\n"
        }
        return out
    }
}
