import ArgumentParser
import Foundation
import HushAudit

extension TriageStatus: ExpressibleByArgument {}

/// `hush triage`: list findings in the store and record decisions about them.
struct TriageCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "triage",
        abstract: "List findings in the audit store and record triage decisions.",
        discussion: """
            Decisions are keyed by fingerprint (rule, path and a keyed hash of the secret), so they survive
            rescans and line shifts. When a triaged secret turns up in another file, the new finding
            inherits the decision and is flagged 'new place' until it is triaged itself.
            """,
        subcommands: [List.self, Set.self]
    )

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the current findings and their status.")

        @Option(help: "The findings store.")
        var db: String = AuditStore.defaultPath

        @Option(help: "Only findings with this status: open, revoked, false-positive, accepted.")
        var status: TriageStatus?

        @Option(help: "Only findings in repositories with this name.")
        var repo: String?

        @Flag(help: "Print JSON lines instead of a table.")
        var json = false

        func run() throws {
            let store = try AuditStore(path: db)
            let findings = try store.currentFindings().filter {
                (status == nil || $0.status == status) && (repo == nil || $0.repository == repo)
            }
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
                encoder.dateEncodingStrategy = .iso8601
                for finding in findings { print(String(decoding: try encoder.encode(finding), as: UTF8.self)) }
                return
            }
            for finding in findings {
                let flag = finding.newLocation ? " NEW PLACE" : ""
                let head = finding.presentAtHead ? "HEAD" : "hist"
                print(
                    "\(finding.fingerprint)  \(finding.status.rawValue)\(flag)  \(head)  \(finding.repository)  "
                        + "\(finding.ruleID)  \(finding.path):\(finding.line)  \(finding.redacted)")
            }
            StandardError.print("\(findings.count) finding(s)")
        }
    }

    struct Set: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Record a decision about a finding.")

        @Option(help: "The findings store.")
        var db: String = AuditStore.defaultPath

        @Argument(help: "The finding's fingerprint (or a unique prefix of at least 6 digits).")
        var fingerprint: String

        @Option(help: "open, revoked, false-positive or accepted.")
        var status: TriageStatus

        @Option(help: "Why (kept with who and when).")
        var note: String?

        @Option(help: "Who decided (default: $USER).")
        var by: String?

        func run() throws {
            let store = try AuditStore(path: db)
            let actor = by ?? ProcessInfo.processInfo.environment["USER"] ?? "unknown"
            let full = try store.setTriage(fingerprint: fingerprint, status: status, note: note, actor: actor)
            print("\(full): \(status.rawValue)")
        }
    }
}
