import ArgumentParser
import Foundation
import HushAudit
import HushMatcher
import HushRules
import HushScan
import HushSources

/// `hush audit`: scan many repositories' histories into the findings store.
struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Scan the history of many repositories into a findings store that remembers triage.",
        discussion: """
            Each REPO is a local path or a clone URL (https://, ssh://, git@host:path, file://); URLs are
            cloned into a cache folder on first use and fetched on later runs. Blobs already scanned with
            the same rules are not read again, so a rescan costs a fraction of the first audit. A repository
            that cannot be scanned is reported and the others go on. Exit status: 0 when every repository
            was scanned, 2 when any failed. See docs/audit-store.md.
            """)

    @Argument(help: "Repositories: paths or clone URLs.")
    var repositories: [String] = []

    @Option(help: "A file listing repositories, one per line ('#' starts a comment).")
    var reposFile: String?

    @Option(help: "The findings store.")
    var db: String = AuditStore.defaultPath

    @Option(help: "Where clones of URLs are kept (default ~/.cache/hush/repos).")
    var cacheDir: String?

    @Option(name: .shortAndLong, help: "Repositories scanned at once.")
    var jobs: Int = 1

    @Option(help: "Reader threads per repository (0: one per core).")
    var threads: Int = 0

    @Option(help: "Skip blobs larger than this many bytes.")
    var maxFileSize: Int = 10 * 1024 * 1024

    @Option(help: "Use this configuration file instead of each repository's .hush.yaml.")
    var config: String?

    @Flag(name: .shortAndLong, help: "No progress or notes on standard error.")
    var quiet = false

    func validate() throws {
        if repositories.isEmpty && reposFile == nil {
            throw ValidationError("give one or more repositories, or --repos-file FILE")
        }
        if jobs < 1 { throw ValidationError("--jobs must be at least 1") }
    }

    func run() throws {
        var locations = repositories
        if let reposFile { locations += try Self.readList(reposFile) }
        let store = try AuditStore(path: db)
        let key = FingerprintKey.resolve(root: (db as NSString).deletingLastPathComponent.isEmpty ? "." : db)
        let engines = EngineCache(configPath: config, key: key)
        var options = AuditOptions()
        options.jobs = jobs
        options.threads = threads
        options.maxBlobSize = maxFileSize
        options.engineVersion = HushVersion.current
        let runner = AuditRunner(
            store: store, options: options, fetcher: RepositoryFetcher(cacheDirectory: cacheDir),
            makeEngine: { path in try engines.engine(for: path) })
        let progress = AuditProgressLine(enabled: !quiet && isatty(STDERR_FILENO) == 1)
        runner.onProgress = { progress.update($0) }
        let quiet = quiet
        runner.onRepository = { outcome in
            progress.clear()
            print(Self.line(outcome))
            if !quiet { for note in outcome.notes { StandardError.print("  note: \(note)") } }
        }
        let started = Date()
        let outcomes = runner.run(locations)
        progress.clear()
        let failed = outcomes.filter { $0.error != nil }.count
        let findings = outcomes.reduce(0) { $0 + $1.totals.findings }
        let new = outcomes.reduce(0) { $0 + $1.totals.newFindings }
        let read = outcomes.reduce(0) { $0 + $1.totals.blobsScanned }
        let cached = outcomes.reduce(0) { $0 + $1.totals.blobsCached }
        print(
            String(
                format: "audited %d repositories (%d failed) in %.1fs: %d findings (%d new); "
                    + "%d blobs read, %d already in the store (%@)",
                outcomes.count, failed, Date().timeIntervalSince(started), findings, new, read, cached, db))
        if failed > 0 { throw ExitCode(2) }
    }

    static func line(_ outcome: RepositoryOutcome) -> String {
        if let error = outcome.error { return "FAILED \(outcome.name): \(error)" }
        let totals = outcome.totals
        var text = String(
            format: "ok     %@: %d findings (%d new", outcome.name, totals.findings, totals.newFindings)
        if totals.newLocations > 0 { text += ", \(totals.newLocations) triaged secret(s) in a new place" }
        text += String(
            format: "), %d commits, %d blobs read, %d skipped as known, %.1fs", totals.commits, totals.blobsScanned,
            totals.blobsCached, totals.seconds)
        return text
    }

    static func readList(_ path: String) throws -> [String] {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw AuditError.reposFile(path: path, reason: error.localizedDescription)
        }
        return text.split(whereSeparator: \.isNewline).compactMap { line in
            let trimmed = line.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)[0]
                .trimmingCharacters(in: .whitespaces)
            return trimmed.isEmpty ? nil : trimmed
        }
    }
}

/// Engines per project configuration (most repositories share the default),
/// all with the audit's one fingerprint key.
final class EngineCache: @unchecked Sendable {
    let configPath: String?
    let key: [UInt8]
    private let lock = NSLock()
    private var engines: [String: AuditEngine] = [:]

    init(configPath: String?, key: [UInt8]) {
        self.configPath = configPath
        self.key = key
    }

    func engine(for repository: String) throws -> AuditEngine {
        let config = try EngineLoader.loadConfig(root: repository, explicit: configPath)
        let source = config.source.flatMap { try? String(contentsOfFile: $0, encoding: .utf8) } ?? ""
        return try lock.withLock {
            if let engine = engines[source] { return engine }
            let cache = DatabaseCache.standard
            let rules = try config.apply(to: RuleSet.builtIn(cacheDirectory: cache?.directory))
            let matcher = try Matcher(rules: rules, cache: cache)
            let engine = ScanEngine(
                matcher: matcher, fingerprinter: Fingerprinter(key: key),
                allowlist: try EngineLoader.allowlist(config))
            let audit = AuditEngine(engine: engine, configSignature: source)
            engines[source] = audit
            return audit
        }
    }
}

/// One self-erasing progress line for the whole audit.
final class AuditProgressLine: @unchecked Sendable {
    private let enabled: Bool
    private let lock = NSLock()
    private var last = Date.distantPast
    private var shown = false

    init(enabled: Bool) { self.enabled = enabled }

    func update(_ progress: AuditProgress) {
        guard enabled else { return }
        lock.withLock {
            let now = Date()
            guard now.timeIntervalSince(last) >= 0.1 else { return }
            last = now
            var text = "audit: \(progress.repositoriesDone)/\(progress.repositories) repositories"
            if let history = progress.history {
                switch history.phase {
                case .commits: text += ", \(progress.current): walking \(history.done)/\(history.total) commits"
                case .blobs: text += ", \(progress.current): blobs \(history.done)/\(history.total)"
                }
            }
            FileHandle.standardError.write(Data(("\r\u{1B}[K" + text).utf8))
            shown = true
        }
    }

    func clear() {
        guard enabled else { return }
        lock.withLock {
            if shown { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
            shown = false
        }
    }
}
