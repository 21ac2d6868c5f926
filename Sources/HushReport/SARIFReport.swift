import HushRules
import HushScan

/// `--format sarif`: SARIF 2.1.0 with rule metadata and partial fingerprints.
enum SARIFReport {
    static let schema = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"

    static func render(findings: [Finding], context: ReportContext) -> String {
        let usedIDs = Set(findings.map(\.ruleID))
        let rules = context.rules.filter { usedIDs.contains($0.id) }
        let ruleIndex = Dictionary(uniqueKeysWithValues: rules.enumerated().map { ($1.id, $0) })
        let document = JSONValue.object([
            ("$schema", .string(schema)),
            ("version", .string("2.1.0")),
            (
                "runs",
                .array([
                    .object([
                        (
                            "tool",
                            .object([
                                (
                                    "driver",
                                    .object([
                                        ("name", .string("hush")),
                                        ("version", .string(context.toolVersion)),
                                        ("informationUri", .string("https://github.com/hush-scanner/hush")),
                                        ("rules", .array(rules.map(ruleObject))),
                                    ])
                                )
                            ])
                        ),
                        ("columnKind", .string("unicodeCodePoints")),
                        ("results", .array(findings.map { result($0, index: ruleIndex[$0.ruleID], context: context) })),
                    ])
                ])
            ),
        ])
        return document.pretty + "\n"
    }

    static func ruleObject(_ rule: Rule) -> JSONValue {
        var members: [(String, JSONValue)] = [
            ("id", .string(rule.id)),
            ("name", .string(rule.id.split(separator: "-").map { $0.capitalized }.joined())),
            ("shortDescription", .object([("text", .string(rule.description))])),
            ("fullDescription", .object([("text", .string("\(rule.description) (\(rule.provider))"))])),
            ("defaultConfiguration", .object([("level", .string("error"))])),
            (
                "help",
                .object([
                    (
                        "text",
                        .string(
                            rule.remediation ?? "Revoke the credential, issue a new one, and remove it from the code.")
                    )
                ])
            ),
            (
                "properties",
                .object([
                    ("tags", .array([.string("security"), .string("secret"), .string(rule.category)])),
                    ("precision", .string(rule.category == "generic" ? "medium" : "high")),
                ])
            ),
        ]
        if let reference = rule.references.first { members.insert(("helpUri", .string(reference)), at: 4) }
        return .object(members)
    }

    static func result(_ finding: Finding, index: Int?, context: ReportContext) -> JSONValue {
        var region: [(String, JSONValue)] = [
            ("startLine", .int(finding.line)),
            ("startColumn", .int(finding.column)),
            ("endLine", .int(finding.endLine)),
            ("snippet", .object([("text", .string(finding.context))])),
        ]
        if finding.endLine == finding.line {
            region.insert(("endColumn", .int(finding.column + finding.secret.count)), at: 3)
        }
        var members: [(String, JSONValue)] = [("ruleId", .string(finding.ruleID))]
        if let index { members.append(("ruleIndex", .int(index))) }
        var properties: [(String, JSONValue)] = [("secret", .string(context.shown(finding)))]
        if let commit = finding.commit { properties.append(contentsOf: JSONReport.commitMembers(commit)) }
        members += [
            ("level", .string("error")),
            ("message", .object([("text", .string("\(finding.ruleDescription): \(finding.redacted)"))])),
            (
                "locations",
                .array([
                    .object([
                        (
                            "physicalLocation",
                            .object([
                                ("artifactLocation", .object([("uri", .string(uri(finding.path)))])),
                                ("region", .object(region)),
                            ])
                        )
                    ])
                ])
            ),
            ("partialFingerprints", .object([("hush/v1", .string(finding.fingerprint))])),
            ("properties", .object(properties)),
        ]
        return .object(members)
    }

    /// A relative URI reference for a path (spaces and `%` escaped).
    static func uri(_ path: String) -> String {
        var out = ""
        for scalar in path.unicodeScalars {
            if scalar.isASCII, scalar.value > 0x20, !"%#?[]\"<>\\^`{|}".unicodeScalars.contains(scalar) {
                out.unicodeScalars.append(scalar)
            } else {
                for byte in String(scalar).utf8 { out += "%" + String(byte, radix: 16, uppercase: true).leftPadded(2) }
            }
        }
        return out
    }
}

extension String {
    func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
