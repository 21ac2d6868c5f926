import CGit2
import Foundation

/// Which commits a history scan looks at.
public enum GitCommitSelection: Sendable, Equatable {
    /// Every commit reachable from any ref, HEAD and the stash; with
    /// `unreachable`, also the dangling commits in the object database.
    case all(unreachable: Bool)
    /// Commits reachable from `include` and not from `exclude` (`A..B` is
    /// include B, exclude A).
    case range(include: [GitObjectID], exclude: [GitObjectID])
}

/// A blob that a commit (or the index) records at a path while none of its
/// parents has that blob there: an addition or a modification.
public struct GitChange: Sendable {
    /// Index into `GitChangeSet.blobs`.
    public var blob: Int32
    /// Index into `GitChangeSet.paths`.
    public var path: Int32
    /// Index into `GitChangeSet.commits`; -1 for the index (`--staged`).
    public var commit: Int32
    /// Range in `GitChangeSet.previous`: the parents' blobs at the same path.
    public var previousStart: Int32
    public var previousCount: Int32
}

/// Everything a history scan needs to know about the selected commits:
/// the changes each makes, with blobs and paths interned.
public struct GitChangeSet: Sendable {
    /// Selected commits, parents before children (oldest first).
    public var commits: [GitCommitHeader] = []
    public var paths: [String] = []
    /// Distinct blobs: those changed, and the parents' versions they replace.
    public var blobs: [GitObjectID] = []
    public var changes: [GitChange] = []
    /// Blob indices of parents' versions, see `GitChange.previousStart`.
    public var previous: [Int32] = []
    /// Paths of submodules met (gitlinks, mode 160000); not scanned.
    public var submodulePaths: Set<String> = []
    /// Commits that were referenced but are missing (shallow or damaged repository).
    public var missingCommits: [GitObjectID] = []
    /// Trees that could not be read.
    public var missingTrees: [GitObjectID] = []
    /// Refs whose target is a tree or blob (tagged directly); their blobs are not attributed.
    public var nonCommitRefs: [String] = []
    /// Every blob in the object database, when unreachable objects were asked for.
    var looseBlobs: [GitObjectID] = []

    var blobIndex: [GitObjectID: Int32] = [:]
    var pathIndex: [String: Int32] = [:]

    public init() {}

    /// The index of `id` in `blobs`, adding it if needed.
    public mutating func intern(blob id: GitObjectID) -> Int32 {
        if let index = blobIndex[id] { return index }
        let index = Int32(blobs.count)
        blobs.append(id)
        blobIndex[id] = index
        return index
    }

    /// The index of `path` in `paths`, adding it if needed.
    public mutating func intern(path: String) -> Int32 {
        if let index = pathIndex[path] { return index }
        let index = Int32(paths.count)
        paths.append(path)
        pathIndex[path] = index
        return index
    }

    /// The index of blob `id`, if it is known.
    public func index(ofBlob id: GitObjectID) -> Int32? { blobIndex[id] }

    /// The parents' blobs at the path of `change`.
    public func previousBlobs(of change: GitChange) -> ArraySlice<Int32> {
        previous[Int(change.previousStart)..<Int(change.previousStart + change.previousCount)]
    }

    /// Appends the changes of `part` (whose commit indices are already global).
    mutating func merge(_ part: GitChangeSet) {
        if blobs.isEmpty, paths.isEmpty, changes.isEmpty, previous.isEmpty {
            // Interning into nothing keeps every index: take the part as it is.
            (blobs, blobIndex, paths, pathIndex) = (part.blobs, part.blobIndex, part.paths, part.pathIndex)
            (changes, previous) = (part.changes, part.previous)
            submodulePaths.formUnion(part.submodulePaths)
            missingTrees += part.missingTrees
            return
        }
        let blobMap = part.blobs.map { intern(blob: $0) }
        let pathMap = part.paths.map { intern(path: $0) }
        let offset = Int32(previous.count)
        previous += part.previous.map { blobMap[Int($0)] }
        changes += part.changes.map { change in
            var change = change
            change.blob = blobMap[Int(change.blob)]
            change.path = pathMap[Int(change.path)]
            change.previousStart += offset
            return change
        }
        submodulePaths.formUnion(part.submodulePaths)
        missingTrees += part.missingTrees
    }

    /// Records a change with at most one parent's blob at its path.
    mutating func record(blob: GitObjectID, path: String, commit: Int32, previous parentBlob: GitObjectID?) {
        let blobIndex = intern(blob: blob)
        let start = Int32(previous.count)
        if let parentBlob { previous.append(intern(blob: parentBlob)) }
        changes.append(
            GitChange(
                blob: blobIndex, path: intern(path: path), commit: commit, previousStart: start,
                previousCount: parentBlob == nil ? 0 : 1))
    }

    mutating func record(blob: GitObjectID, path: String, commit: Int32, previous parentBlobs: [GitObjectID]) {
        let blobIndex = intern(blob: blob)
        let start = Int32(previous.count)
        for parent in parentBlobs { previous.append(intern(blob: parent)) }
        changes.append(
            GitChange(
                blob: blobIndex, path: intern(path: path), commit: commit, previousStart: start,
                previousCount: Int32(parentBlobs.count)))
    }
}

/// Walks commits and diffs each against its parents.
public struct GitHistoryWalker {
    public let repository: GitRepository
    /// Called now and then with the number of commits done.
    public var onProgress: (Int, Int) -> Void = { _, _ in }

    public init(repository: GitRepository) { self.repository = repository }

    /// Threads that diff commits; each opens its own repository handle.
    public var threads = 1
    /// Open the worker handles from git's environment (see `GitRepository.init`).
    public var fromEnvironment = false
    /// Read trees out of the packs with Hush's own reader (libgit2 reads
    /// anything else). False: every tree through libgit2.
    public var readsPacks = true
    /// The repository's packs, when the caller shares them (opened here otherwise).
    public var packSet: GitPackSet?

    /// The changes made by the selected commits.
    public func changes(selection: GitCommitSelection) -> GitChangeSet {
        var set = GitChangeSet()
        // Opened on first use, once, by whichever step reads the packs first.
        let packSet = self.packSet ?? GitPackSet(objectsDirectory: repository.commonDirectory + "objects")
        // A whole history's commits are mostly read ahead, in parallel, from
        // the start of its packs (libgit2 applies a shallow clone's grafts:
        // those are read through it).
        var known: [GitObjectID: GitCommitHeader] = [:]
        if case .all = selection, readsPacks, !fromEnvironment, !repository.isShallow {
            known = GitCommitHeader.leadingCommits(in: packSet.packs, workers: threads)
        }
        let commits = selectCommits(selection, into: &set) { id in known[id] ?? repository.commit(id)?.header }
        set.commits = commits
        var position: [GitObjectID: Int] = [:]
        for (index, commit) in commits.enumerated() { position[commit.id] = index }
        // Trees are read from the packs (libgit2 reads the rest), except for
        // a handful of commits, where opening every pack index costs more.
        let treePacks = readsPacks && commits.count >= 64 && !fromEnvironment ? packSet.packs : []
        let workers = max(1, min(threads, commits.count / 512))
        if workers == 1 {
            let trees = GitTreeReader(packs: treePacks, repository: repository)
            diff(commits, range: 0..<commits.count, position: position, trees: trees, into: &set)
        } else {
            diffInParallel(commits, workers: workers, position: position, packs: treePacks, into: &set)
        }
        // Blobs no commit records (dropped stashes, reset additions): scanned under a pseudo-path.
        for blob in set.looseBlobs where set.index(ofBlob: blob) == nil {
            set.record(blob: blob, path: "(unreachable blob \(blob))", commit: -1, previous: [])
        }
        set.looseBlobs = []
        onProgress(commits.count, commits.count)
        return set
    }

    private func diffInParallel(
        _ commits: [GitCommitHeader], workers: Int, position: [GitObjectID: Int], packs: [GitPack],
        into set: inout GitChangeSet
    ) {
        // Commits diff independently: split them, then merge the parts in order.
        let size = (commits.count + workers - 1) / workers
        let parts = Locked([Int: GitChangeSet]())
        let done = Locked(0)
        let gitDirectory = repository.gitDirectory
        let fromEnvironment = self.fromEnvironment
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            let range = (worker * size)..<min(commits.count, (worker + 1) * size)
            var part = GitChangeSet()
            if let handle = try? GitRepository(path: gitDirectory, fromEnvironment: fromEnvironment) {
                let trees = GitTreeReader(packs: packs, repository: handle)
                diff(commits, range: range, position: position, trees: trees, into: &part) { count in
                    let total = done.withLock { value -> Int in
                        value += count
                        return value
                    }
                    if worker == 0 { onProgress(total, commits.count) }
                }
            }
            parts.withLock { $0[worker] = part }
        }
        let finished = parts.withLock { $0 }
        for worker in 0..<workers {
            guard let part = finished[worker] else { continue }
            set.merge(part)
        }
    }

    private func diff(
        _ commits: [GitCommitHeader], range: Range<Int>, position: [GitObjectID: Int], trees: GitTreeReader,
        into set: inout GitChangeSet, progress: (Int) -> Void = { _ in }
    ) {
        for index in range {
            if (index - range.lowerBound) % 256 == 255 { progress(256) }
            let commit = commits[index]
            guard let tree = trees.tree(commit.tree) else {
                set.missingTrees.append(commit.tree)
                continue
            }
            var parentTrees: [GitRawTree] = []
            for parent in commit.parents {
                let parentTreeID = position[parent].map { commits[$0].tree } ?? trees.repository.commit(parent)?.tree
                if let parentTreeID, let parentTree = trees.tree(parentTreeID) { parentTrees.append(parentTree) }
            }
            diff(tree, against: parentTrees, prefix: "", commit: Int32(index), trees: trees, into: &set)
        }
    }

    /// The changes the index would commit: staged files against HEAD's tree.
    public func stagedChanges() throws(GitError) -> GitChangeSet {
        var set = GitChangeSet()
        let entries = try repository.indexEntries()
        var head: [String: GitObjectID] = [:]
        if !repository.isHeadUnborn, let headCommit = try? repository.resolveCommit("HEAD"),
            let commit = repository.commit(headCommit)
        {
            head = repository.files(inTree: commit.tree)
        }
        for entry in entries {
            if entry.kind == .submodule {
                set.submodulePaths.insert(entry.path)
                continue
            }
            guard entry.kind.isFile else { continue }
            let before = head[entry.path]
            if before == entry.id { continue }
            set.record(blob: entry.id, path: entry.path, commit: -1, previous: before.map { [$0] } ?? [])
        }
        return set
    }

    // MARK: Commits

    /// The selected commits, in topological order; `read` reads one (nil:
    /// missing or damaged).
    private func selectCommits(
        _ selection: GitCommitSelection, into set: inout GitChangeSet, read: (GitObjectID) -> GitCommitHeader?
    ) -> [GitCommitHeader] {
        var tips: [GitObjectID] = []
        var hidden = Set<GitObjectID>()
        switch selection {
        case .all(let unreachable):
            for tip in repository.refTips() {
                if tip.isCommit { tips.append(tip.target) } else { set.nonCommitRefs.append(tip.name) }
            }
            if unreachable {
                for id in repository.allObjectIDs() {
                    switch repository.objectType(id) {
                    case GIT_OBJECT_COMMIT: tips.append(id)
                    case GIT_OBJECT_BLOB: set.looseBlobs.append(id)
                    default: break
                    }
                }
            }
        case .range(let include, let exclude):
            if let ids = repository.revisionWalk(include: include, exclude: exclude) {
                var found: [GitObjectID: GitCommitHeader] = [:]
                for id in ids {
                    if let commit = read(id) { found[id] = commit } else { set.missingCommits.append(id) }
                }
                return topologicalOrder(found)
            }
            tips = include
            hidden = ancestors(of: exclude, read: read)
        }
        var found: [GitObjectID: GitCommitHeader] = [:]
        var stack = tips.filter { !hidden.contains($0) }
        var missing = Set<GitObjectID>()
        while let id = stack.popLast() {
            if found[id] != nil || missing.contains(id) || hidden.contains(id) { continue }
            guard let commit = read(id) else {
                missing.insert(id)
                continue
            }
            found[id] = commit
            for parent in commit.parents where found[parent] == nil && !hidden.contains(parent) {
                stack.append(parent)
            }
        }
        set.missingCommits += missing.sorted()
        return topologicalOrder(found)
    }

    private func ancestors(of tips: [GitObjectID], read: (GitObjectID) -> GitCommitHeader?) -> Set<GitObjectID> {
        var seen = Set<GitObjectID>()
        var stack = tips
        while let id = stack.popLast() {
            if seen.contains(id) { continue }
            guard let commit = read(id) else { continue }
            seen.insert(id)
            for parent in commit.parents where !seen.contains(parent) { stack.append(parent) }
        }
        return seen
    }

    /// Parents before children; otherwise oldest committer time first.
    /// Works on positions in an array, so each id is hashed once.
    private func topologicalOrder(_ commits: [GitObjectID: GitCommitHeader]) -> [GitCommitHeader] {
        let all = Array(commits.values)
        var position: [GitObjectID: Int32] = [:]
        position.reserveCapacity(all.count)
        for (index, commit) in all.enumerated() { position[commit.id] = Int32(index) }
        // Each commit's parents among `commits`, in order: `parents[parentStart[i]..<parentStart[i + 1]]`.
        var parentStart = [Int32](repeating: 0, count: all.count + 1)
        var parents: [Int32] = []
        parents.reserveCapacity(all.count + all.count / 8)
        for (index, commit) in all.enumerated() {
            for parent in commit.parents { if let found = position[parent] { parents.append(found) } }
            parentStart[index + 1] = Int32(parents.count)
        }
        let byTime = all.indices.sorted { (all[$0].commitTime, all[$0].id) < (all[$1].commitTime, all[$1].id) }
        var emitted = [Bool](repeating: false, count: all.count)
        var onStack = [Bool](repeating: false, count: all.count)
        var order: [GitCommitHeader] = []
        order.reserveCapacity(all.count)
        var stack: [(commit: Int, resume: Int)] = []
        for start in byTime where !emitted[start] {
            // Iterative depth-first: emit a commit once all its parents are out.
            stack.append((start, Int(parentStart[start])))
            onStack[start] = true
            while let (commit, resume) = stack.popLast() {
                var next = resume
                var pushed = false
                let end = Int(parentStart[commit + 1])
                while next < end {
                    let parent = Int(parents[next])
                    next += 1
                    if !emitted[parent], !onStack[parent] {
                        stack.append((commit, next))
                        stack.append((parent, Int(parentStart[parent])))
                        onStack[parent] = true
                        pushed = true
                        break
                    }
                }
                if !pushed {
                    emitted[commit] = true
                    onStack[commit] = false
                    order.append(all[commit])
                }
            }
        }
        return order
    }

    // MARK: Trees

    /// Records the files `tree` holds that none of its parents holds at the
    /// same path, and recurses into subtrees that differ. Entries are
    /// matched by walking each parent alongside, in git's order.
    private func diff(
        _ tree: GitRawTree, against parents: [GitRawTree], prefix: String, commit: Int32, trees: GitTreeReader,
        into set: inout GitChangeSet
    ) {
        if parents.count == 1 {
            diff(tree, against: parents[0], prefix: prefix, commit: commit, trees: trees, into: &set)
            return
        }
        var cursors = [Int](repeating: 0, count: parents.count)
        var matches: [GitRawTree.Entry?] = Array(repeating: nil, count: parents.count)
        for entry in tree.entries {
            var unchanged = false
            for (number, parent) in parents.enumerated() {
                var cursor = cursors[number]
                // Each parent entry is compared once: skipped while before this one.
                var order = 1
                while cursor < parent.entries.count {
                    order = parent.compare(parent.entries[cursor], with: entry, in: tree)
                    if order >= 0 { break }
                    cursor += 1
                }
                cursors[number] = cursor
                if cursor < parent.entries.count, order == 0 {
                    matches[number] = parent.entries[cursor]
                    if parent.sameObject(parent.entries[cursor], as: entry, in: tree) { unchanged = true }
                } else {
                    matches[number] = nil
                }
            }
            if unchanged { continue }
            switch entry.kind {
            case .tree:
                guard let subtree = subtree(entry, of: tree, trees: trees, into: &set) else { continue }
                var parentSubtrees: [GitRawTree] = []
                for (number, parent) in parents.enumerated() {
                    if let match = matches[number], match.isTree, let subtree = trees.tree(parent.id(of: match)) {
                        parentSubtrees.append(subtree)
                    }
                }
                diff(
                    subtree, against: parentSubtrees, prefix: prefix + tree.name(of: entry) + "/", commit: commit,
                    trees: trees, into: &set)
            default:
                noteLeaf(entry, of: tree, prefix: prefix, into: &set) { set in
                    var previous: [GitObjectID] = []
                    for (number, parent) in parents.enumerated() {
                        if let match = matches[number], match.kind.isFile { previous.append(parent.id(of: match)) }
                    }
                    set.record(
                        blob: tree.id(of: entry), path: prefix + tree.name(of: entry), commit: commit,
                        previous: previous)
                }
            }
        }
    }

    /// Notes a changed entry that is no tree: a file's change (`recordFile`),
    /// a submodule's path; nothing for symbolic links and unknown modes.
    private func noteLeaf(
        _ entry: GitRawTree.Entry, of tree: GitRawTree, prefix: String, into set: inout GitChangeSet,
        recordFile: (inout GitChangeSet) -> Void
    ) {
        switch entry.kind {
        case .blob, .executable: recordFile(&set)
        case .submodule: set.submodulePaths.insert(prefix + tree.name(of: entry))
        case .tree, .symlink, .other: break
        }
    }

    /// The subtree `entry` of `tree` names; nil, and noted as missing, when
    /// it cannot be read.
    private func subtree(
        _ entry: GitRawTree.Entry, of tree: GitRawTree, trees: GitTreeReader, into set: inout GitChangeSet
    )
        -> GitRawTree?
    {
        let id = tree.id(of: entry)
        guard let subtree = trees.tree(id) else {
            set.missingTrees.append(id)
            return nil
        }
        return subtree
    }

    /// `diff(_:against:prefix:commit:trees:into:)` for the common case of
    /// one parent, with no per-tree arrays.
    private func diff(
        _ tree: GitRawTree, against parent: GitRawTree, prefix: String, commit: Int32, trees: GitTreeReader,
        into set: inout GitChangeSet
    ) {
        var cursor = 0
        for entry in tree.entries {
            var match: GitRawTree.Entry?
            var order = 1
            while cursor < parent.entries.count {
                order = parent.compare(parent.entries[cursor], with: entry, in: tree)
                if order >= 0 { break }
                cursor += 1
            }
            if cursor < parent.entries.count, order == 0 {
                let found = parent.entries[cursor]
                if parent.sameObject(found, as: entry, in: tree) { continue }
                match = found
            }
            switch entry.kind {
            case .tree:
                guard let subtree = subtree(entry, of: tree, trees: trees, into: &set) else { continue }
                let path = prefix + tree.name(of: entry) + "/"
                if let match, match.isTree, let parentSubtree = trees.tree(parent.id(of: match)) {
                    diff(subtree, against: parentSubtree, prefix: path, commit: commit, trees: trees, into: &set)
                } else {
                    diff(subtree, against: [], prefix: path, commit: commit, trees: trees, into: &set)
                }
            default:
                noteLeaf(entry, of: tree, prefix: prefix, into: &set) { set in
                    set.record(
                        blob: tree.id(of: entry), path: prefix + tree.name(of: entry), commit: commit,
                        previous: match.flatMap { $0.kind.isFile ? parent.id(of: $0) : nil })
                }
            }
        }
    }

}
