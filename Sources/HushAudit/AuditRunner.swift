import Foundation
import HushScan
import HushSources

/// The scan engine for one repository and the signature of the project
/// configuration it was built from (part of the rules version).
public struct AuditEngine: Sendable {
    public var engine: ScanEngine
    public var configSignature: String

    public init(engine: ScanEngine, configSignature: String) {
        self.engine = engine
        self.configSignature = configSignature
    }
}

/// Options of `hush audit`.
public struct AuditOptions: Sendable {
    /// Repositories scanned at once.
    public var jobs = 1
    /// Reader threads per repository; 0 means one per core.
    public var threads = 0
    /// Blobs larger than this are skipped.
    public var maxBlobSize = 10 * 1024 * 1024
    /// The engine version, part of the rules version.
    public var engineVersion = "0"

    public init() {}
}

/// The outcome of auditing one repository.
public struct RepositoryOutcome: Sendable {
    /// What the user listed.
    public var location: String
    public var name: String
    /// Nil when the scan completed; else what went wrong.
    public var error: String?
    public var totals = ScanTotals()
    public var notes: [String] = []
}

/// Progress of a whole audit, for one display.
public struct AuditProgress: Sendable {
    public var repositoriesDone: Int
    public var repositories: Int
    /// The repository whose scan reported last, and its history progress.
    public var current: String
    public var history: HistoryProgress?
}

/// Scans many repositories into one `AuditStore`, one after another or
/// `jobs` at once; a repository that fails is reported and the rest go on.
public final class AuditRunner: @unchecked Sendable {
    public let store: AuditStore
    public let options: AuditOptions
    public let fetcher: RepositoryFetcher
    let makeEngine: @Sendable (String) throws -> AuditEngine
    /// Called (from worker threads) as repositories progress.
    public var onProgress: @Sendable (AuditProgress) -> Void = { _ in }
    /// Called (from worker threads) when a repository is done.
    public var onRepository: @Sendable (RepositoryOutcome) -> Void = { _ in }

    private let lock = NSLock()
    private var caches: [String: StoreBlobCache] = [:]

    public init(
        store: AuditStore, options: AuditOptions, fetcher: RepositoryFetcher,
        makeEngine: @escaping @Sendable (String) throws -> AuditEngine
    ) {
        self.store = store
        self.options = options
        self.fetcher = fetcher
        self.makeEngine = makeEngine
    }

    /// Audits every location; returns one outcome per location, in order.
    public func run(_ locations: [String]) -> [RepositoryOutcome] {
        let results = Locked([RepositoryOutcome?](repeating: nil, count: locations.count))
        let next = Locked(0)
        let done = Locked(0)
        let group = DispatchGroup()
        for _ in 0..<max(1, min(options.jobs, locations.count)) {
            group.enter()
            Thread.detachNewThread {
                defer { group.leave() }
                while true {
                    let index = next.withLock { value -> Int in
                        defer { value += 1 }
                        return value
                    }
                    if index >= locations.count { break }
                    let outcome = self.audit(locations[index]) { history in
                        self.onProgress(
                            AuditProgress(
                                repositoriesDone: done.withLock { $0 }, repositories: locations.count,
                                current: RepositoryFetcher.name(of: locations[index]), history: history))
                    }
                    results.withLock { $0[index] = outcome }
                    let finished = done.withLock { value -> Int in
                        value += 1
                        return value
                    }
                    self.onRepository(outcome)
                    self.onProgress(
                        AuditProgress(
                            repositoriesDone: finished, repositories: locations.count, current: outcome.name,
                            history: nil))
                }
            }
        }
        group.wait()
        return results.withLock { $0 }.map { $0! }
    }

    /// Audits one repository.
    public func audit(_ location: String, progress: @escaping @Sendable (HistoryProgress) -> Void = { _ in })
        -> RepositoryOutcome
    {
        var outcome = RepositoryOutcome(location: location, name: RepositoryFetcher.name(of: location))
        var scanID: Int64?
        do {
            let started = Date()
            let resolved = try fetcher.resolve(location)
            outcome.name = resolved.name
            let audit = try makeEngine(resolved.localPath)
            let rulesVersion = RulesVersion.compute(
                rules: audit.engine.matcher.rules,
                // The fingerprint key decides stored identities: a key check joins the signature.
                configSignature: audit.configSignature + "\n"
                    + audit.engine.fingerprinter.secretIdentity(rule: "hush-key-check", secret: ""),
                engineVersion: options.engineVersion)
            let cache = try blobCache(rulesVersion: rulesVersion, fingerprinter: audit.engine.fingerprinter)
            let repository = try store.repositoryID(
                location: resolved.location, name: resolved.name, webURL: resolved.webURL)
            let scan = try store.beginScan(repository: repository, rulesVersion: rulesVersion)
            scanID = scan
            var historyOptions = HistoryScanOptions()
            historyOptions.threads = options.threads
            historyOptions.maxBlobSize = options.maxBlobSize
            historyOptions.blobCache = cache
            let scanner = HistoryScanner(engine: audit.engine, options: historyOptions)
            let notes = Locked([String]())
            scanner.onNote = { note in notes.withLock { $0.append(note) } }
            scanner.onWarning = { warning in notes.withLock { $0.append("warning: \(warning)") } }
            scanner.onProgress = progress
            let result = try scanner.scan(repositoryPath: resolved.localPath)
            try cache.flush()
            var totals = ScanTotals()
            totals.commits = result.stats.commits
            totals.blobs = result.stats.blobs
            totals.blobsScanned = result.stats.blobs - result.stats.blobsCached
            totals.blobsCached = result.stats.blobsCached
            totals.seconds = Date().timeIntervalSince(started)
            outcome.totals = try store.completeScan(
                scan, repository: repository, introductions: result.introductions, totals: totals)
            outcome.notes = notes.withLock { $0 }
        } catch {
            outcome.error = "\(error)"
            if let scanID { try? store.failScan(scanID, error: "\(error)") }
        }
        return outcome
    }

    /// One cache per rules version, shared by the repositories of this run.
    private func blobCache(rulesVersion: String, fingerprinter: Fingerprinter) throws -> StoreBlobCache {
        try lock.withLock {
            if let cache = caches[rulesVersion] { return cache }
            let cache = try StoreBlobCache(store: store, rulesVersion: rulesVersion, fingerprinter: fingerprinter)
            caches[rulesVersion] = cache
            return cache
        }
    }
}
