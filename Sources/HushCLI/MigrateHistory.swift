import Foundation
import HushMigrate
import HushScan
import HushSources

/// Answers "in which commits did this secret appear?" for `hush migrate`'s
/// summary, from one history scan of the repository around the migrated paths.
///
/// The scan runs once, on the first question; outside a git repository every
/// answer is nil (unknown) and the summary says to run `hush scan --git`.
final class HistorySecretIndex: SecretHistoryProvider {
    private let paths: [String]
    private let configPath: String?
    private lazy var commitsBySecret: [String: [String]]? = build()

    init(paths: [String], configPath: String?) {
        self.paths = paths
        self.configPath = configPath
    }

    func commits(containing secret: [UInt8]) throws -> [String]? {
        guard let index = commitsBySecret else { return nil }
        let text = String(decoding: secret, as: UTF8.self)
        return index[text] ?? []
    }

    /// Secret → commits that introduced it, oldest first (the introducing commit, then the rest).
    private func build() -> [String: [String]]? {
        let root = paths.first { $0 != "-" } ?? "."
        guard let repository = try? GitRepository(path: root), let top = repository.workingDirectory else {
            return nil
        }
        guard
            let outcome = try? HistoryScanRunner.run(
                repository: top, selection: .all(unreachable: false), maxFileSize: 10 << 20, threads: 0,
                quiet: true, configPath: configPath)
        else { return nil }
        var index: [String: [String]] = [:]
        for finding in outcome.findings {
            var commits = index[finding.secret] ?? []
            for id in [finding.commit?.id] + finding.otherLocations.map(\.commit) {
                if let id, !commits.contains(id) { commits.append(id) }
            }
            index[finding.secret] = commits
        }
        return index
    }
}
