import Foundation

/// Tells which commits of the git history contain a secret. The history scanner (`hush scan --git`) provides
/// one; without it the summary asks the user to run that scan.
public protocol SecretHistoryProvider {
    /// Commit ids where `secret` appears, oldest first; nil when history is not available.
    func commits(containing secret: [UInt8]) throws -> [String]?
}

/// A provider for when no history is available.
public struct NoHistory: SecretHistoryProvider {
    public init() {}
    public func commits(containing secret: [UInt8]) throws -> [String]? { nil }
}

/// The summary printed after a migration, and the purge plan for git-filter-repo.
public enum AfterTheMove {
    /// A note that the old values stay in git history and must be rotated, with the commits where each appeared
    /// when `history` knows them.
    public static func rotationNotice(entries: [PlannedEntry], history: SecretHistoryProvider) -> String {
        guard !entries.isEmpty else { return "" }
        var text =
            "The old values remain in git history (and in every clone): rotate each of these secrets now.\n"
        var unknown = false
        for entry in entries {
            text += "  \(entry.name)  (found at \(entry.locations.joined(separator: ", ")))\n"
            if let commits = try? history.commits(containing: entry.value) {
                text +=
                    commits.isEmpty ? "    not in any commit\n" : "    in commits: \(commits.joined(separator: " "))\n"
            } else {
                unknown = true
            }
        }
        if unknown { text += "Run `hush scan --git` to list the commits where each appeared.\n" }
        text +=
            "To also rewrite history, `hush migrate --purge-plan FILE` writes a file for "
            + "`git filter-repo --replace-text FILE`.\n"
        return text
    }

    /// Lines for `git filter-repo --replace-text`: `literal:SECRET==>REFERENCE` for each value (and its Base64
    /// spelling). Values that span lines or contain `==>` cannot be expressed and are returned in `skipped`.
    public static func purgePlan(_ values: [(name: String, value: [UInt8])]) -> (text: String, skipped: [String]) {
        var lines: [String] = []
        var skipped: [String] = []
        for (name, value) in values.sorted(by: { $0.name < $1.name }) {
            let text = String(decoding: value, as: UTF8.self)
            guard !text.isEmpty, !text.contains("\n"), !text.contains("\r"), !text.contains("==>") else {
                skipped.append(name)
                continue
            }
            lines.append("literal:\(text)==>\(VaultReference(name: name).text)")
            let encoded = Data(value).base64EncodedString()
            if encoded.count >= 8 {
                lines.append("literal:\(encoded)==>\(VaultReference(name: name, encoding: .base64).text)")
            }
        }
        return (lines.joined(separator: "\n") + (lines.isEmpty ? "" : "\n"), skipped)
    }
}
