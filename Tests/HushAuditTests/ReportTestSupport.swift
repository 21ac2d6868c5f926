import Foundation
import GRDB
import HushTestSupport
import XCTest

@testable import HushAudit

/// Fills a store with synthetic findings (no scanning): `count` findings over
/// three repositories and three rules; every 7th revoked, every 11th accepted,
/// every 3rd still at HEAD.
func seed(_ store: AuditStore, count: Int, hostilePath: String? = nil) throws {
    try store.pool.write { db in
        for (index, name) in ["api", "web", "infra"].enumerated() {
            try db.execute(
                sql: "INSERT INTO repository (location, name, webURL, addedAt) VALUES (?, ?, ?, ?)",
                arguments: [
                    "/repos/\(name)", name, index == 0 ? "https://github.com/acme/\(name)" : nil, Date(),
                ])
            try db.execute(
                sql: """
                    INSERT INTO scan (repositoryId, rulesVersion, startedAt, finishedAt, status, findings)
                    VALUES (?, 'v', ?, ?, 'complete', ?)
                    """, arguments: [index + 1, Date(), Date(), count / 3])
        }
        let rules = ["github-pat-classic", "aws-access-key-id", "generic-assignment"]
        let insert = try db.makeStatement(
            sql: """
                INSERT INTO finding (repositoryId, fingerprint, identity, ruleID, ruleDescription, path, line, redacted,
                    context, commitID, author, email, commitDate, summary, presentAtHead, firstSeenScan, lastSeenScan)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
        for index in 0..<count {
            let repository = index % 3 + 1
            let fingerprint = String(format: "%032x", index * 7919 + 1)
            let path = index == 0 && hostilePath != nil ? hostilePath! : "src/module\(index % 97)/file\(index).env"
            try insert.execute(arguments: [
                repository, fingerprint, "id\(index)", rules[index % 3], "Rule \(rules[index % 3])", path,
                index % 50 + 1, "ghp_****************", "TOKEN=ghp_**************** # <b>x</b>",
                String(format: "%040x", index + 1), "Dev \(index % 13)", "dev@example.com",
                1_300_000_000 + index * 10_000, "commit \(index) </script><script>document.title='pwned'</script>",
                index % 3 == 0, repository, repository,
            ])
            if index % 7 == 0 || index % 11 == 0 {
                try db.execute(
                    sql: "INSERT INTO triage (fingerprint, identity, status, actor, updatedAt) VALUES (?, ?, ?, ?, ?)",
                    arguments: [fingerprint, "id\(index)", index % 7 == 0 ? "revoked" : "accepted", "alice", Date()])
            }
        }
    }
}

/// Headless Chromium, or a skip when it is not installed.
enum Browser {
    static func executable() throws -> String {
        for candidate in ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]
        where FileManager.default.isExecutableFile(atPath: candidate) {
            return candidate
        }
        throw XCTSkip("Chromium is not installed: apt-get install -y chromium (scripts/bootstrap installs it)")
    }

    /// The DOM after the page's scripts ran, and the console output.
    static func dumpDOM(_ file: String, fragment: String = "", profile: String) throws -> (dom: String, console: String)
    {
        let output = try runProcess(
            try executable(),
            [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--user-data-dir=\(profile)",
                "--enable-logging=stderr", "--v=0", "--dump-dom", "file://\(file)\(fragment)",
            ], in: (file as NSString).deletingLastPathComponent)
        if output.status != 0 && output.stdout.isEmpty {
            throw XCTSkip("Chromium could not run here (status \(output.status)): \(output.stderr.suffix(300))")
        }
        return (output.stdout, output.stderr)
    }

    /// The `data-` attributes of `<body>` in a dumped DOM.
    static func bodyData(_ dom: String) -> [String: String] {
        guard let start = dom.range(of: "<body"), let end = dom[start.upperBound...].firstIndex(of: ">") else {
            return [:]
        }
        var result: [String: String] = [:]
        let tag = dom[start.upperBound..<end]
        let pattern = try! NSRegularExpression(pattern: #"data-([a-z-]+)="([^"]*)""#)
        let text = String(tag)
        for match in pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
            let key = String(text[Range(match.range(at: 1), in: text)!])
            let value = String(text[Range(match.range(at: 2), in: text)!])
            result[key] = value
        }
        return result
    }
}
