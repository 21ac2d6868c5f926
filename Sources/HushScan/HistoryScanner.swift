import CGit2
import Foundation
import HushMatcher
import HushSources

/// What part of a repository's history to scan.
public enum HistorySelection: Sendable, Equatable {
    /// Every blob reachable from any ref (and, with `unreachable`, dangling objects too).
    case all(unreachable: Bool)
    /// `BASE..HEAD`: the blobs the commits in the range add or change.
    case range(String)
    /// `REF..HEAD`.
    case since(String)
    /// What `git commit` would record: the index against HEAD.
    case staged
    /// Commits reachable from `include` and from none of `exclude` (nor from
    /// any ref whose name starts with `excludeRefsUnder`, e.g. `refs/`): a push.
    /// Excluded revisions that do not exist here are ignored.
    case revisions(include: [String], exclude: [String], excludeRefsUnder: String?)
}

/// Options for `HistoryScanner`.
public struct HistoryScanOptions: Sendable {
    public var selection: HistorySelection = .all(unreachable: false)
    /// Blobs larger than this are skipped and counted.
    public var maxBlobSize = 10 * 1024 * 1024
    /// Reader/scanner threads; 0 means one per core.
    public var threads = 0
    /// Open the repository that git's environment names (`GIT_DIR`, quarantine
    /// object directories), as server-side hooks must.
    public var fromEnvironment = false
    /// Scan a blob stored as a delta only around what the delta changed, and
    /// a blob stored whole only around what differs from the version of its
    /// path before it; move the other findings of that base (same findings,
    /// less work).
    public var scanChangesOnly = true
    /// Per-blob results remembered between scans: blobs it knows are not read again.
    public var blobCache: (any HistoryBlobCache)?

    public init() {}
}

/// Remembers what blobs held between history scans, so a rescan reads only
/// blobs it has not seen (an audit store keyed by object id and rules version).
public protocol HistoryBlobCache: AnyObject, Sendable {
    /// The findings recorded for `blob` (paths not meaningful), or nil when it
    /// must be read and scanned. Called from worker threads.
    func recordedFindings(for blob: GitObjectID) -> [Finding]?
    /// Records a blob just read (`findings` may be empty: binary or clean).
    /// Returns the findings attribution should use, which lets the cache
    /// normalise fresh findings like recorded ones. Called from worker threads.
    func record(_ blob: GitObjectID, findings: [Finding]) -> [Finding]
}

/// Progress of a history scan, for display.
public struct HistoryProgress: Sendable {
    public enum Phase: Sendable { case commits, blobs }
    public var phase: Phase
    public var done: Int
    public var total: Int
    public var bytes: Int
    public var seconds: Double
}

/// Counts specific to history scans.
public struct HistoryStats: Sendable, Equatable {
    /// Commits walked.
    public var commits = 0
    /// Additions and modifications found by diffing commits against parents.
    public var changes = 0
    /// Distinct blobs considered.
    public var blobs = 0
    /// Blobs read and scanned (each at most once).
    public var blobsScanned = 0
    /// Blobs scanned only around what changed from their base (see
    /// `HistoryScanOptions.scanChangesOnly`).
    public var blobsScannedAroundChanges = 0
    /// Compressed bytes of blobs stored whole that were not inflated again,
    /// shared with the stream of the version they replaced.
    public var compressedBytesReused = 0
    /// Blobs not read because `HistoryScanOptions.blobCache` knew them.
    public var blobsCached = 0
    /// The repository is a shallow clone.
    public var shallow = false
    /// Submodule paths met (not scanned).
    public var submodules: [String] = []
    /// Git LFS pointer files met (the content lives outside git; not scanned).
    public var lfsPointers = 0
    /// Objects that could not be read.
    public var missingObjects = 0
    /// Wall time of the commit walk and tree diffs, and of reading and scanning blobs.
    public var walkSeconds = 0.0
    public var blobSeconds = 0.0
}

/// Scans git history: every distinct blob once, in pack order, in parallel;
/// then attributes each finding to the commits that introduced it.
public final class HistoryScanner: @unchecked Sendable {
    public let engine: ScanEngine
    public let options: HistoryScanOptions
    /// Called, possibly from worker threads, for each warning.
    public var onWarning: @Sendable (ScanWarning) -> Void = { _ in }
    /// Called for notes about what was (not) scanned: shallow clone, submodules.
    public var onNote: @Sendable (String) -> Void = { _ in }
    /// Called about ten times a second from the scanning thread.
    public var onProgress: @Sendable (HistoryProgress) -> Void = { _ in }

    private var threadCount: Int {
        max(1, options.threads > 0 ? options.threads : ProcessInfo.processInfo.activeProcessorCount)
    }

    /// Rule indexes by id, for the reach of a finding's rule.
    let ruleIndex: [String: Int]

    public init(engine: ScanEngine, options: HistoryScanOptions) {
        self.engine = engine
        self.options = options
        ruleIndex = Dictionary(
            engine.matcher.rules.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// The result of a history scan.
    public struct Result: Sendable {
        /// One finding per rule and secret, attributed to the first commit that
        /// introduced it, with every other introduction in `otherLocations`.
        public var findings: [Finding]
        /// One finding per rule, secret, path and introducing commit.
        public var introductions: [Finding]
        public var summary: ScanSummary
        public var stats: HistoryStats
    }

    /// Scans the repository at (or containing) `path`.
    public func scan(repositoryPath path: String) throws(GitError) -> Result {
        let started = Date()
        let repository = try GitRepository(path: path, fromEnvironment: options.fromEnvironment)
        var stats = HistoryStats()
        stats.shallow = repository.isShallow

        // Opened once, if the walk or the blob plan needs them.
        let packSet = GitPackSet(objectsDirectory: repository.commonDirectory + "objects")
        var walker = GitHistoryWalker(repository: repository)
        walker.packSet = packSet
        walker.threads = threadCount
        walker.fromEnvironment = options.fromEnvironment
        walker.onProgress = { done, total in
            self.onProgress(
                HistoryProgress(
                    phase: .commits, done: done, total: total, bytes: 0, seconds: Date().timeIntervalSince(started)))
        }
        let changeSet: GitChangeSet
        switch options.selection {
        case .staged:
            changeSet = try walker.stagedChanges()
        default:
            changeSet = walker.changes(selection: try commitSelection(repository))
        }
        stats.walkSeconds = Date().timeIntervalSince(started)
        stats.commits = changeSet.commits.count
        stats.changes = changeSet.changes.count
        stats.blobs = changeSet.blobs.count
        stats.submodules = changeSet.submodulePaths.sorted()
        report(changeSet, repository: repository, stats: stats)

        var summary = ScanSummary()
        let hits = scanBlobs(changeSet, packSet: packSet, repository: repository, summary: &summary, stats: &stats)
        stats.blobSeconds = Date().timeIntervalSince(started) - stats.walkSeconds
        if !stats.submodules.isEmpty { summary.skipped["submodule", default: 0] += stats.submodules.count }
        if stats.lfsPointers > 0 {
            onNote(
                "skipped \(stats.lfsPointers) Git LFS pointer file(s): their content is in LFS storage, not in git; "
                    + "scan a checkout with 'hush scan' to cover it")
        }
        if let oversize = summary.skipped[SkipReason.tooLarge.rawValue], oversize > 0 {
            onNote(
                "skipped \(oversize) blob(s) larger than \(options.maxBlobSize) bytes; raise the limit with --max-file-size"
            )
        }

        let attribution = HistoryAttribution(engine: engine, changeSet: changeSet, hits: hits)
        // HEAD's version of a path is looked up only for paths with findings:
        // listing a whole tree of a large repository would cost more than a CI range scan.
        var headTree: GitTree?
        if options.selection != .staged, !repository.isHeadUnborn, let head = try? repository.resolveCommit("HEAD"),
            let commit = repository.commit(head)
        {
            headTree = repository.tree(commit.tree)
        }
        let (findings, introductions) = attribution.attribute(
            headFile: { path in headTree?.fileID(atPath: path) },
            scanExtra: { id in self.scanSingle(id, repository: repository) },
            commitDetails: { id in repository.commit(id) })
        summary.findings = findings.count
        summary.seconds = Date().timeIntervalSince(started)
        return Result(findings: findings, introductions: introductions, summary: summary, stats: stats)
    }

    // MARK: Selection

    private func commitSelection(_ repository: GitRepository) throws(GitError) -> GitCommitSelection {
        switch options.selection {
        case .all(let unreachable):
            return .all(unreachable: unreachable)
        case .staged:
            return .range(include: [], exclude: [])
        case .since(let base):
            guard (try? repository.resolveCommit(base)) != nil else {
                throw .invalidRange(base + "..HEAD", reason: "'\(base)' is not a branch, tag or commit here")
            }
            return try parseRange(base + "..HEAD", repository: repository)
        case .range(let text):
            return try parseRange(text, repository: repository)
        case .revisions(let include, let exclude, let prefix):
            var excluded = exclude.compactMap { try? repository.resolveCommit($0) }
            if let prefix {
                excluded += repository.refTips().filter { $0.isCommit && $0.name.hasPrefix(prefix) }.map(\.target)
            }
            // Pushed tags may point to trees or blobs: only commits have history to scan.
            let included = include.compactMap { try? repository.resolveCommit($0) }
            return .range(include: included, exclude: excluded)
        }
    }

    /// Parses `BASE..HEAD` (an empty side means HEAD).
    func parseRange(_ text: String, repository: GitRepository) throws(GitError) -> GitCommitSelection {
        if text.contains("...") {
            throw .invalidRange(text, reason: "symmetric ranges (A...B) are not supported")
        }
        let parts = text.components(separatedBy: "..")
        guard parts.count == 2 else { throw .invalidRange(text, reason: "expected exactly one '..'") }
        let base = parts[0].isEmpty ? "HEAD" : parts[0]
        let head = parts[1].isEmpty ? "HEAD" : parts[1]
        let baseID: GitObjectID
        let headID: GitObjectID
        do {
            baseID = try repository.resolveCommit(base)
            headID = try repository.resolveCommit(head)
        } catch {
            if case .unknownRevision(let name) = error {
                throw .invalidRange(text, reason: "'\(name)' is not a branch, tag or commit here")
            }
            throw error
        }
        return .range(include: [headID], exclude: [baseID])
    }

    private func report(_ changeSet: GitChangeSet, repository: GitRepository, stats: HistoryStats) {
        if stats.shallow {
            onNote(
                "shallow clone: history before the shallow boundary is not in this repository; "
                    + "scanned the \(stats.commits) commit(s) present (fetch full history with 'git fetch --unshallow')"
            )
        } else if !changeSet.missingCommits.isEmpty {
            onWarning(
                ScanWarning(
                    path: repository.gitDirectory,
                    message: "\(changeSet.missingCommits.count) commit(s) are missing (first: "
                        + "\(changeSet.missingCommits[0])); scanned the rest"))
        }
        if !changeSet.missingTrees.isEmpty {
            onWarning(
                ScanWarning(
                    path: repository.gitDirectory,
                    message: "\(changeSet.missingTrees.count) tree(s) are missing or corrupt (first: "
                        + "\(changeSet.missingTrees[0])); scanned the rest"))
        }
        if !stats.submodules.isEmpty {
            let shown = stats.submodules.prefix(5).joined(separator: ", ")
            onNote(
                "skipped \(stats.submodules.count) submodule(s) (\(shown)\(stats.submodules.count > 5 ? ", ..." : "")); "
                    + "scan their repositories separately")
        }
        for name in changeSet.nonCommitRefs.prefix(5) {
            onNote("ref '\(name)' points to a tree or blob, not a commit; not scanned")
        }
    }

    // MARK: Blobs

    /// Findings per blob index (paths in them are placeholders).
    typealias BlobHits = [Int32: [Finding]]

    private struct WorkerTotals {
        var hits: BlobHits = [:]
        var summary = ScanSummary()
        var scanned = 0
        var lfs = 0
        var missing = 0
        var cached = 0
        var partial = 0
        var reused = 0
    }

    /// Below this many blobs, blobs are read through libgit2 in object-id order.
    static let packOrderThreshold = 512

    /// A unit of work for one thread: a delta family read from its pack,
    /// versions of paths stored whole, or blobs read through libgit2.
    private enum WorkItem {
        case family(GitPackPlan.Family)
        case lineage(Lineage)
        case objects(ArraySlice<Int32>)

        var count: Int {
            switch self {
            case .family(let family): family.members.count
            case .lineage(let lineage): lineage.members.count
            case .objects(let slice): slice.count
            }
        }
    }

    /// How the blobs are read: the work items and the pack plan, and, when
    /// versions are compared with the ones they replaced, the shelf that
    /// passes large versions between work items.
    private struct BlobPlan {
        var items: [WorkItem]
        var packs = GitPackPlan()
        var shelf: VersionShelf?
        /// Per blob, the version it replaced when that is waited for on the
        /// shelf (-1: none).
        var shelved: [Int32] = []
        /// Per work item, the shelved versions its blobs replaced.
        var waits: [[Int32]] = []

        /// The version `blob` replaced, when it is waited for on the shelf.
        func shelved(before blob: Int32) -> Int32? {
            guard shelf != nil, shelved[Int(blob)] >= 0 else { return nil }
            return shelved[Int(blob)]
        }
    }

    /// The work items for the change set's blobs: delta families and
    /// lineages (largest first) for whole histories, then everything else
    /// in object-id order.
    private func plan(_ changes: GitChangeSet, packSet: GitPackSet) -> BlobPlan {
        let blobs = changes.blobs
        // For a handful of blobs (a CI range, the index) reading every pack
        // index costs more than it saves.
        guard blobs.count >= Self.packOrderThreshold, !options.fromEnvironment else {
            let order = blobs.indices.sorted { blobs[$0] < blobs[$1] }.map { Int32($0) }
            return BlobPlan(
                items: stride(from: 0, to: order.count, by: 64).map { .objects(order[$0..<min($0 + 64, order.count)]) })
        }
        let maxFamily = max(256, blobs.count / (threadCount * 4))
        var plan = GitPackPlan.make(blobs, packs: packSet.packs, maxFamily: maxFamily, workers: threadCount)
        guard options.scanChangesOnly else {
            let loose = plan.unpacked.sorted { blobs[Int($0)] < blobs[Int($1)] }
            return BlobPlan(
                items: plan.families.map { .family($0) }
                    + stride(from: 0, to: loose.count, by: 64).map { .objects(loose[$0..<min($0 + 64, loose.count)]) },
                packs: plan)
        }
        let predecessors = Self.predecessors(in: changes)
        let lineages = Self.lineages(
            taking: &plan.families, bases: plan.bases, changes: changes, predecessors: predecessors,
            maxMembers: maxFamily)
        let loose = plan.unpacked.sorted { blobs[Int($0)] < blobs[Int($1)] }
        let grouped = (plan.families.map { WorkItem.family($0) } + lineages.map { WorkItem.lineage($0) })
            .sorted { $0.count > $1.count }
        let items =
            grouped + stride(from: 0, to: loose.count, by: 64).map { .objects(loose[$0..<min($0 + 64, loose.count)]) }
        var blobPlan = BlobPlan(items: items, packs: plan)
        Self.planShelf(&blobPlan, previous: predecessors.previous)
        return blobPlan
    }

    /// Sets up the shelf: a blob in a family, or in a lineage without its
    /// previous version, waits for that version when it is in another work
    /// item and large in the pack (see `VersionShelf`).
    private static func planShelf(_ plan: inout BlobPlan, previous: [Int32]) {
        let count = previous.count
        var item = [Int32](repeating: -1, count: count)
        var location = [(pack: Int, offset: UInt64)](repeating: (0, 0), count: count)
        for (number, workItem) in plan.items.enumerated() {
            let (pack, members): (Int, [(index: Int32, offset: UInt64)])
            switch workItem {
            case .family(let family): (pack, members) = (family.pack, family.members)
            case .lineage(let lineage): (pack, members) = (lineage.pack, lineage.members.map { ($0.index, $0.offset) })
            case .objects: continue
            }
            for member in members {
                item[Int(member.index)] = Int32(number)
                location[Int(member.index)] = (pack, member.offset)
            }
        }
        var shelved = [Int32](repeating: -1, count: count)
        var remaining: [Int32: Int32] = [:]
        var waits = [[Int32]](repeating: [], count: plan.items.count)
        for (number, workItem) in plan.items.enumerated() {
            let candidates: [Int32]
            switch workItem {
            case .family(let family): candidates = family.members.map(\.index)
            case .lineage(let lineage): candidates = lineage.members.filter { $0.parent < 0 }.map(\.index)
            case .objects: continue
            }
            for blob in candidates {
                let before = previous[Int(blob)]
                guard before >= 0, item[Int(before)] >= 0, item[Int(before)] != Int32(number) else { continue }
                let (pack, offset) = location[Int(before)]
                guard (plan.packs.packs[pack].storedSize(ofEntryAt: offset) ?? 0) >= VersionShelf.minimumStoredSize
                else { continue }
                shelved[Int(blob)] = before
                remaining[before, default: 0] += 1
                waits[number].append(before)
            }
        }
        plan.shelf = VersionShelf(blobCount: count, remaining: remaining)
        plan.shelved = shelved
        // Items that wait for versions in other items come after those.
        let order = Self.dependentsLast(waits.map { Set($0.map { Int(item[Int($0)]) }) })
        plan.items = order.map { plan.items[$0] }
        plan.waits = order.map { waits[$0] }
    }

    /// An order of the items in which each comes right after the last of
    /// the items it depends on (`dependencies[i]`), and the others are in
    /// the given order: a version waited for is then kept for a short
    /// while. Items in a cycle come last, in their given order.
    static func dependentsLast(_ dependencies: [Set<Int>]) -> [Int] {
        let count = dependencies.count
        var waiting = dependencies.map(\.count)
        var dependents = [[Int]](repeating: [], count: count)
        for (item, needs) in dependencies.enumerated() {
            for need in needs { dependents[need].append(item) }
        }
        var order: [Int] = []
        order.reserveCapacity(count)
        var placed = [Bool](repeating: false, count: count)
        // Places `first`, then each item it leaves free, depth first.
        func place(_ first: Int) {
            var stack = [first]
            while let item = stack.popLast() {
                guard !placed[item] else { continue }
                placed[item] = true
                order.append(item)
                for dependent in dependents[item].reversed() {
                    waiting[dependent] -= 1
                    if waiting[dependent] == 0 { stack.append(dependent) }
                }
            }
        }
        for item in 0..<count where dependencies[item].isEmpty { place(item) }
        // A cycle: its items in their given order.
        for item in 0..<count where !placed[item] { place(item) }
        return order
    }

    private func scanBlobs(
        _ changes: GitChangeSet, packSet: GitPackSet, repository: GitRepository, summary: inout ScanSummary,
        stats: inout HistoryStats
    ) -> BlobHits {
        let blobs = changes.blobs
        guard !blobs.isEmpty else { return [:] }
        let started = Date()  // rate and estimate cover the blob phase only
        let blobPlan = plan(changes, packSet: packSet)
        let (items, plan) = (blobPlan.items, blobPlan.packs)
        let packs = plan.packs
        let queue = WorkQueue(count: items.count, waits: blobPlan.waits)
        blobPlan.shelf?.onFirstRead = { queue.blobRead($0) }
        let done = Locked((objects: 0, bytes: 0))
        let results = Locked([WorkerTotals]())
        let gitDirectory = repository.gitDirectory
        let group = DispatchGroup()
        for _ in 0..<threadCount {
            group.enter()
            Thread.detachNewThread {
                defer { group.leave() }
                var totals = WorkerTotals()
                let scratch = self.engine.makeScratch()
                let reader: GitRepository
                do {
                    reader = try GitRepository(path: gitDirectory, fromEnvironment: self.options.fromEnvironment)
                } catch {
                    // The other workers take over this one's share.
                    self.onWarning(ScanWarning(path: gitDirectory, message: "a reader could not open it: \(error)"))
                    return
                }
                var packReaders: [Int: GitPackReader] = [:]
                func packReader(_ pack: Int) -> GitPackReader {
                    let reader = packReaders[pack] ?? GitPackReader(pack: packs[pack], bases: plan.bases[pack])
                    packReaders[pack] = reader
                    return reader
                }
                while true {
                    guard let next = queue.take() else { break }
                    var bytes = 0
                    var count = 0
                    switch items[next] {
                    case .objects(let slice):
                        for blob in slice {
                            bytes += self.scanBlob(
                                blob, id: blobs[Int(blob)], reader: reader, scratch: scratch, totals: &totals)
                        }
                        count = slice.count
                    case .family(let family):
                        let packReader = packReader(family.pack)
                        let memory = FamilyMemory()
                        for member in family.members {
                            bytes += self.scanBlob(
                                member.index, id: blobs[Int(member.index)],
                                packed: Packed(
                                    reader: packReader, offset: member.offset, memory: memory,
                                    isBase: plan.bases[family.pack].contains(member.offset),
                                    shelf: blobPlan.shelf, shelved: blobPlan.shelved(before: member.index)),
                                reader: reader, scratch: scratch, totals: &totals)
                        }
                        totals.partial += memory.partial
                        count = family.members.count
                    case .lineage(let lineage):
                        let packReader = packReader(lineage.pack)
                        let memory = FamilyMemory()
                        var remaining = lineage.children
                        for (position, member) in lineage.members.enumerated() {
                            let parent = member.parent >= 0 ? lineage.members[Int(member.parent)].offset : nil
                            bytes += self.scanBlob(
                                member.index, id: blobs[Int(member.index)],
                                packed: Packed(
                                    reader: packReader, offset: member.offset, memory: memory,
                                    isBase: lineage.children[position] > 0, previousVersion: parent,
                                    keepsBytes: lineage.children[position] > 0, shelf: blobPlan.shelf,
                                    shelved: parent == nil ? blobPlan.shelved(before: member.index) : nil),
                                reader: reader, scratch: scratch, totals: &totals)
                            if member.parent >= 0 {
                                remaining[Int(member.parent)] -= 1
                                if remaining[Int(member.parent)] == 0, let parent {
                                    memory.forget(parent)
                                    packReader.forgetTrail(at: parent)
                                }
                            }
                        }
                        totals.partial += memory.partial
                        count = lineage.members.count
                    }
                    done.withLock {
                        $0.objects += count
                        $0.bytes += bytes
                    }
                }
                totals.reused = packReaders.values.reduce(0) { $0 + $1.reusedInput }
                results.withLock { $0.append(totals) }
            }
        }
        while group.wait(timeout: .now() + .milliseconds(100)) == .timedOut {
            let (objects, bytes) = done.withLock { ($0.objects, $0.bytes) }
            onProgress(
                HistoryProgress(
                    phase: .blobs, done: objects, total: blobs.count, bytes: bytes,
                    seconds: Date().timeIntervalSince(started)))
        }
        let final = done.withLock { $0 }
        onProgress(
            HistoryProgress(
                phase: .blobs, done: final.objects, total: blobs.count, bytes: final.bytes,
                seconds: Date().timeIntervalSince(started)))
        var hits: BlobHits = [:]
        for totals in results.withLock({ $0 }) {
            hits.merge(totals.hits) { first, _ in first }
            summary.add(totals.summary)
            stats.blobsScanned += totals.scanned
            stats.lfsPointers += totals.lfs
            stats.missingObjects += totals.missing
            stats.blobsCached += totals.cached
            stats.blobsScannedAroundChanges += totals.partial
            stats.compressedBytesReused += totals.reused
        }
        return hits
    }

    /// Reads and scans one blob (from its pack when `packed` says where);
    /// returns the bytes read.
    private func scanBlob(
        _ index: Int32, id: GitObjectID, packed: Packed? = nil,
        reader: GitRepository, scratch: Matcher.Scratch, totals: inout WorkerTotals
    ) -> Int {
        var packed = packed
        // Taken whatever happens next: the last next version lets it go.
        if let shelved = packed?.shelved, let shelf = packed?.shelf { packed?.fromShelf = shelf.take(shelved) }
        // Noted as read whatever happens next: items waiting for it go on.
        defer {
            if let shelf = packed?.shelf, shelf.isWaited(for: index) { shelf.read(index, keeping: nil) }
        }
        if let cache = options.blobCache {
            if let known = cache.recordedFindings(for: id) {
                totals.cached += 1
                if !known.isEmpty { totals.hits[index] = known }
                return 0
            }
            let read = scanBlobUncached(
                index, id: id, packed: packed, reader: reader, scratch: scratch, totals: &totals)
            if let bytes = read {
                let found = cache.record(id, findings: totals.hits[index] ?? [])
                totals.hits[index] = found.isEmpty ? nil : found
                return bytes
            }
            return 0
        }
        return scanBlobUncached(index, id: id, packed: packed, reader: reader, scratch: scratch, totals: &totals) ?? 0
    }

    /// Reads and scans one blob; returns the bytes read, nil when it could not
    /// be read or was too large (nothing to remember).
    private func scanBlobUncached(
        _ index: Int32, id: GitObjectID, packed: Packed?, reader: GitRepository,
        scratch: Matcher.Scratch, totals: inout WorkerTotals
    ) -> Int? {
        if let packed {
            switch packed.reader.readBlob(
                at: packed.offset, limit: options.maxBlobSize, previous: packed.previousVersion,
                keepsTrail: packed.keepsBytes)
            {
            case .content(let bytes, let delta):
                return scanContent(bytes, index: index, packed: packed, delta: delta, scratch: scratch, totals: &totals)
            case .tooLarge:
                totals.summary.skip(.tooLarge)
                return nil
            case .unreadable:
                break  // libgit2 reads it, or says what is wrong
            }
        }
        switch reader.readBlob(id, limit: options.maxBlobSize) {
        case .missing(let message):
            totals.missing += 1
            totals.summary.skipped["missing object", default: 0] += 1
            totals.summary.warnings += 1
            onWarning(ScanWarning(path: "blob \(id)", message: "cannot read (\(message)); skipped"))
            return nil
        case .tooLarge:
            totals.summary.skip(.tooLarge)
            return nil
        case .content(let bytes):
            return scanContent(bytes, index: index, scratch: scratch, totals: &totals)
        }
    }

    /// Where a blob is in its pack, and what the thread reading its delta
    /// family knows.
    struct Packed {
        var reader: GitPackReader
        var offset: UInt64
        var memory: FamilyMemory
        /// Some later blob is read as a change of this one (a delta in the
        /// pack, or the next version of its path): remember its findings.
        var isBase: Bool
        /// The version of its path this blob replaced, when it is compared
        /// with that one (see `HistoryScanner+Lineage.swift`).
        var previousVersion: UInt64? = nil
        /// Its next versions are compared with it: keep its bytes.
        var keepsBytes = false
        /// Where large versions pass between work items.
        var shelf: VersionShelf? = nil
        /// The version of its path it replaced, when that is read in
        /// another work item (it may be on the shelf).
        var shelved: Int32? = nil
        /// That version, taken from the shelf before this one is read.
        var fromShelf: VersionShelf.Version? = nil
    }

    /// Scans a blob's bytes (only around its changes when it is a delta of
    /// a blob this thread scanned); returns how many there were.
    private func scanContent(
        _ bytes: [UInt8], index: Int32, packed: Packed? = nil, delta: GitPackReader.Delta? = nil,
        scratch: Matcher.Scratch, totals: inout WorkerTotals
    ) -> Int {
        if Self.isLFSPointer(bytes) {
            totals.lfs += 1
            totals.summary.skipped["lfs pointer", default: 0] += 1
            return bytes.count
        }
        guard let (content, converted) = Self.prepare(bytes) else {
            totals.summary.skip(.binary)
            return bytes.count
        }
        totals.scanned += 1
        totals.summary.filesScanned += 1
        totals.summary.bytesScanned += bytes.count
        let found: [Finding]
        let shelves = bytes.count >= VersionShelf.minimumSize && packed?.shelf?.isStillWaited(for: index) == true
        if let packed, !converted, options.scanChangesOnly,
            packed.isBase || delta != nil || packed.previousVersion != nil || packed.fromShelf != nil || shelves
        {
            // Remember where the findings are, for the blobs read as changes of this one.
            let (located, marksNextLines) = content.withUnsafeBufferPointer { buffer -> ([LocatedFinding], Bool) in
                // A version scanned around its changes holds no marker (see `deltaFindings`).
                if let near = changedFindings(buffer, packed: packed, delta: delta, scratch: scratch) {
                    return (near, false)
                }
                let all = engine.sourcedFindings(in: buffer, path: "", scratch: scratch, regions: nil)
                return (all.isEmpty ? [] : locate(all, lines: LineTable(buffer)), Self.marksNextLines(buffer))
            }
            if packed.isBase {
                packed.memory.remember(
                    content, at: packed.offset, findings: located, marksNextLines: marksNextLines,
                    keepBytes: packed.keepsBytes)
            }
            if shelves {
                let blob = FamilyMemory.Blob(count: content.count, findings: located, marksNextLines: marksNextLines)
                packed.shelf?.read(index, keeping: VersionShelf.Version(bytes: content, blob: blob))
            }
            found = located.map(\.finding)
        } else {
            found = content.withUnsafeBufferPointer { engine.findings(in: $0, path: "", scratch: scratch) }
        }
        if !found.isEmpty { totals.hits[index] = found }
        return bytes.count
    }

    /// Scans one blob outside the parallel phase (HEAD versions in range scans).
    private func scanSingle(_ id: GitObjectID, repository: GitRepository) -> [Finding] {
        var totals = WorkerTotals()
        _ = scanBlob(0, id: id, reader: repository, scratch: engine.makeScratch(), totals: &totals)
        return totals.hits[0] ?? []
    }

    /// `FileContent.prepare`, without its statistics (longest line, UTF-8
    /// validity) for plain text, which history scans do not warn about.
    /// Returns the bytes to scan (and whether they were converted, e.g. from
    /// UTF-16), or nil for binary content.
    static func prepare(_ bytes: [UInt8]) -> (bytes: [UInt8], converted: Bool)? {
        let mayNeedWork = bytes.withUnsafeBytes { raw -> Bool in
            guard let base = raw.baseAddress, raw.count > 0 else { return false }
            if raw.count >= 2, (raw[0] == 0xFF && raw[1] == 0xFE) || (raw[0] == 0xFE && raw[1] == 0xFF) { return true }
            return memchr(base, 0, min(raw.count, 8000)) != nil
        }
        guard mayNeedWork else { return (bytes, false) }
        switch FileContent.prepare(bytes) {
        case .binary: return nil
        case .text(let content): return (content.bytes, true)
        }
    }

    /// Git LFS stores a small pointer file in git and the content elsewhere.
    static func isLFSPointer(_ bytes: [UInt8]) -> Bool {
        let prefix = Array("version https://git-lfs.github.com/spec/v1".utf8)
        return bytes.count < 1024 && bytes.starts(with: prefix)
    }
}
