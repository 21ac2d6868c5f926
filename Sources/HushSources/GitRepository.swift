import CGit2
import Foundation

/// Something went wrong while reading a git repository.
public enum GitError: Error, CustomStringConvertible, Sendable, Equatable {
    /// `path` is not inside a git repository.
    case notARepository(path: String)
    /// A revision (branch, tag, commit id) that does not exist.
    case unknownRevision(String)
    /// A `--range` that is not `BASE..HEAD`.
    case invalidRange(String, reason: String)
    /// An operation that needs a working tree and index was asked of a bare repository.
    case noWorkingTree(path: String, operation: String)
    /// Any other libgit2 failure.
    case failed(operation: String, message: String)

    public var description: String {
        switch self {
        case .notARepository(let path):
            "'\(path)' is not in a git repository; pass the repository's path or run inside one"
        case .unknownRevision(let revision):
            "'\(revision)' is not a branch, tag or commit in this repository; check the name (git rev-parse \(revision))"
        case .invalidRange(let range, let reason):
            "invalid range '\(range)': \(reason); write it as BASE..HEAD, e.g. origin/main..HEAD"
        case .noWorkingTree(let path, let operation):
            "'\(path)' is a bare repository; \(operation) needs a working tree and index"
        case .failed(let operation, let message):
            "\(operation) failed: \(message)"
        }
    }

    /// The last libgit2 error as a `GitError`.
    static func last(_ operation: String) -> GitError {
        let message = git_error_last().map { String(cString: $0.pointee.message) } ?? "unknown libgit2 error"
        return .failed(operation: operation, message: message)
    }
}

/// What a tree entry points to, from its file mode.
public enum GitEntryKind: Sendable, Equatable {
    case tree, blob, executable, symlink, submodule, other

    init(mode: UInt32) {
        switch mode {
        case 0o040000: self = .tree
        case 0o100644, 0o100664: self = .blob
        case 0o100755: self = .executable
        case 0o120000: self = .symlink
        case 0o160000: self = .submodule
        default: self = .other
        }
    }

    /// Regular file content (not a link target).
    public var isFile: Bool { self == .blob || self == .executable }
}

/// A commit's metadata as needed for attribution.
public struct GitCommit: Sendable {
    public var id: GitObjectID
    public var tree: GitObjectID
    public var parents: [GitObjectID]
    public var author: String
    public var email: String
    /// Author time, seconds since 1970.
    public var time: Int64
    /// Committer time, seconds since 1970 (used to order the walk).
    public var commitTime: Int64
    /// The first line of the message.
    public var summary: String

    /// What the history walk needs of it.
    public var header: GitCommitHeader {
        GitCommitHeader(id: id, tree: tree, parents: parents, commitTime: commitTime)
    }
}

/// A tree read from the object database; entries are looked at in place.
public final class GitTree {
    let handle: OpaquePointer

    init(handle: OpaquePointer) { self.handle = handle }
    deinit { git_tree_free(handle) }

    /// Number of entries.
    public var count: Int { git_tree_entrycount(handle) }

    /// The entry at `index` (valid while the tree lives).
    public func entry(at index: Int) -> GitTreeEntry { GitTreeEntry(handle: git_tree_entry_byindex(handle, index)) }

    /// The id of the file at `path` (slash-separated) under this tree, or nil
    /// when there is none (or it is a tree, submodule or symlink).
    public func fileID(atPath path: String) -> GitObjectID? {
        var entry: OpaquePointer?
        guard git_tree_entry_bypath(&entry, handle, path) == 0, let entry else {
            git_error_clear()
            return nil
        }
        defer { git_tree_entry_free(entry) }
        let found = GitTreeEntry(handle: entry)
        return found.kind.isFile ? found.id : nil
    }
}

/// One entry of a `GitTree`.
public struct GitTreeEntry {
    let handle: OpaquePointer

    /// The entry name as a C string (valid while the tree lives).
    public var cName: UnsafePointer<CChar> { git_tree_entry_name(handle) }
    public var name: String { String(cString: cName) }
    public var id: GitObjectID { GitObjectID(git_tree_entry_id(handle).pointee) }
    /// The file mode git records (`0o100644`, `0o040000`, ...).
    public var mode: UInt32 { git_tree_entry_filemode(handle).rawValue }
    public var kind: GitEntryKind { GitEntryKind(mode: mode) }
}

/// The result of reading a blob.
public enum GitBlobRead {
    case content([UInt8])
    case tooLarge(size: Int)
    case missing(String)
}

/// A repository opened through libgit2. Not safe to share between threads:
/// open one per thread (they share libgit2's pack caches).
public final class GitRepository {
    let handle: OpaquePointer
    let odb: OpaquePointer
    /// The path the repository was opened from.
    public let requestedPath: String

    private static let initialize: Void = {
        git_libgit2_init()
        // No object cache: when it fills, libgit2 evicts by walking its hash
        // table from the first bucket every time, which took half the
        // history walk (1.4 s of commits and trees for 20,000 commits, 0.8 s
        // without it). Reading a tree again is cheap: libgit2 keeps the delta
        // bases of each pack (keeping the last commit's trees here was slower).
        _ = hush_git_enable_caching(0)
        // Re-hashing every object read (SHA-1 with collision detection) cost
        // more than inflating it; zlib's checksum still catches corruption.
        _ = hush_git_set_strict_hash_verification(0)
    }()

    /// Opens the repository containing `path` (searching upwards), or, with
    /// `fromEnvironment`, the one git's environment names (`GIT_DIR`,
    /// `GIT_OBJECT_DIRECTORY`, ...; as in a server-side hook).
    public init(path: String, fromEnvironment: Bool = false) throws(GitError) {
        _ = Self.initialize
        requestedPath = path
        var repository: OpaquePointer?
        let flags = fromEnvironment ? GIT_REPOSITORY_OPEN_FROM_ENV.rawValue : 0
        let code =
            fromEnvironment
            ? git_repository_open_ext(&repository, nil, flags, nil)
            : git_repository_open_ext(&repository, path, flags, nil)
        guard code == 0, let repository else {
            if code == GIT_ENOTFOUND.rawValue { throw .notARepository(path: path) }
            throw GitError.last("opening repository '\(path)'")
        }
        var database: OpaquePointer?
        guard git_repository_odb(&database, repository) == 0, let database else {
            git_repository_free(repository)
            throw GitError.last("opening object database")
        }
        handle = repository
        odb = database
    }

    deinit {
        git_odb_free(odb)
        git_repository_free(handle)
    }

    /// A repository without a working tree.
    public var isBare: Bool { git_repository_is_bare(handle) == 1 }
    /// A shallow clone: history stops at the graft points.
    public var isShallow: Bool { git_repository_is_shallow(handle) == 1 }
    /// The `.git` directory (or the bare repository).
    public var gitDirectory: String { String(cString: git_repository_path(handle)) }
    /// The directory holding `objects/` (differs from `gitDirectory` in linked worktrees).
    public var commonDirectory: String { String(cString: git_repository_commondir(handle)) }
    /// The working tree, if any.
    public var workingDirectory: String? { git_repository_workdir(handle).map { String(cString: $0) } }
    /// Where git looks for hooks: `core.hooksPath` if set, else `hooks/` in the
    /// (common) git directory.
    public var hooksDirectory: String {
        var config: OpaquePointer?
        if git_repository_config_snapshot(&config, handle) == 0, let config {
            defer { git_config_free(config) }
            var buffer = git_buf()
            if git_config_get_path(&buffer, config, "core.hooksPath") == 0, let pointer = buffer.ptr {
                let path = String(cString: pointer)
                git_buf_dispose(&buffer)
                if path.hasPrefix("/") { return path }
                return (workingDirectory ?? gitDirectory) + path
            }
            git_error_clear()
        }
        return commonDirectory + "hooks"
    }

    /// Whether HEAD points to a branch without commits yet.
    public var isHeadUnborn: Bool { git_repository_head_unborn(handle) == 1 }

    // MARK: Revisions and refs

    /// The commit that `revision` names (peeling tags).
    public func resolveCommit(_ revision: String) throws(GitError) -> GitObjectID {
        var object: OpaquePointer?
        guard git_revparse_single(&object, handle, revision) == 0, let object else {
            throw .unknownRevision(revision)
        }
        defer { git_object_free(object) }
        var peeled: OpaquePointer?
        guard git_object_peel(&peeled, object, GIT_OBJECT_COMMIT) == 0, let peeled else {
            throw .unknownRevision(revision)
        }
        defer { git_object_free(peeled) }
        return GitObjectID(git_object_id(peeled).pointee)
    }

    /// A ref and the object it finally points to.
    public struct RefTip: Sendable {
        public var name: String
        public var target: GitObjectID
        /// Whether the target is a commit (tags may point to trees or blobs).
        public var isCommit: Bool
    }

    /// Every ref (branches, tags, remotes, notes, stash and its older entries)
    /// and HEAD, peeled through annotated tags.
    public func refTips() -> [RefTip] {
        var tips: [RefTip] = []
        var names = git_strarray()
        if git_reference_list(&names, handle) == 0 {
            defer { git_strarray_dispose(&names) }
            for index in 0..<names.count {
                guard let cName = names.strings[index] else { continue }
                let name = String(cString: cName)
                if let tip = peel(reference: name) { tips.append(tip) }
            }
        }
        if let head = peel(reference: "HEAD") { tips.append(head) }
        tips.append(contentsOf: stashEntries())
        return tips
    }

    private func peel(reference name: String) -> RefTip? {
        var object: OpaquePointer?
        guard git_revparse_single(&object, handle, name) == 0, let object else { return nil }
        defer { git_object_free(object) }
        var peeled: OpaquePointer?
        if git_object_peel(&peeled, object, GIT_OBJECT_COMMIT) == 0, let peeled {
            defer { git_object_free(peeled) }
            return RefTip(name: name, target: GitObjectID(git_object_id(peeled).pointee), isCommit: true)
        }
        git_error_clear()
        var target = object
        var tagTarget: OpaquePointer?
        while git_object_type(target) == GIT_OBJECT_TAG, git_tag_peel(&tagTarget, target) == 0, let next = tagTarget {
            if target != object { git_object_free(target) }
            target = next
            tagTarget = nil
        }
        defer { if target != object { git_object_free(target) } }
        return RefTip(name: name, target: GitObjectID(git_object_id(target).pointee), isCommit: false)
    }

    private func stashEntries() -> [RefTip] {
        var reflog: OpaquePointer?
        guard git_reflog_read(&reflog, handle, "refs/stash") == 0, let reflog else { return [] }
        defer { git_reflog_free(reflog) }
        var tips: [RefTip] = []
        for index in 0..<git_reflog_entrycount(reflog) {
            guard let entry = git_reflog_entry_byindex(reflog, index) else { continue }
            let id = GitObjectID(git_reflog_entry_id_new(entry).pointee)
            tips.append(RefTip(name: "stash@{\(index)}", target: id, isCommit: true))
        }
        return tips
    }

    /// Commits reachable from `include` and from none of `exclude`, through
    /// libgit2's revision walk (which stops early instead of walking all of
    /// `exclude`'s history); nil when it fails, e.g. on missing objects.
    public func revisionWalk(include: [GitObjectID], exclude: [GitObjectID]) -> [GitObjectID]? {
        var walk: OpaquePointer?
        guard git_revwalk_new(&walk, handle) == 0, let walk else { return nil }
        defer { git_revwalk_free(walk) }
        for id in include {
            var oid = id.oid
            guard git_revwalk_push(walk, &oid) == 0 else { return nil }
        }
        for id in exclude {
            var oid = id.oid
            guard git_revwalk_hide(walk, &oid) == 0 else { return nil }
        }
        var ids: [GitObjectID] = []
        var oid = git_oid()
        while true {
            let code = git_revwalk_next(&oid, walk)
            if code == GIT_ITEROVER.rawValue { break }
            guard code == 0 else {
                git_error_clear()
                return nil
            }
            ids.append(GitObjectID(oid))
        }
        return ids
    }

    // MARK: Objects

    /// The commit `id`, or nil if it is missing or not a commit.
    public func commit(_ id: GitObjectID) -> GitCommit? {
        var oid = id.oid
        var commit: OpaquePointer?
        guard git_commit_lookup(&commit, handle, &oid) == 0, let commit else {
            git_error_clear()
            return nil
        }
        defer { git_commit_free(commit) }
        let parents = (0..<git_commit_parentcount(commit)).compactMap { index in
            git_commit_parent_id(commit, index).map { GitObjectID($0.pointee) }
        }
        let signature = git_commit_author(commit)
        let name = signature.flatMap { $0.pointee.name }.map { String(cString: $0) } ?? ""
        let email = signature.flatMap { $0.pointee.email }.map { String(cString: $0) } ?? ""
        let time = signature.map { Int64($0.pointee.when.time) } ?? 0
        let summary = git_commit_summary(commit).map { String(cString: $0) } ?? ""
        return GitCommit(
            id: id, tree: GitObjectID(git_commit_tree_id(commit).pointee), parents: parents, author: name,
            email: email, time: time, commitTime: Int64(git_commit_time(commit)), summary: summary)
    }

    /// The tree `id`, or nil if it is missing.
    public func tree(_ id: GitObjectID) -> GitTree? {
        var oid = id.oid
        var tree: OpaquePointer?
        guard git_tree_lookup(&tree, handle, &oid) == 0, let tree else {
            git_error_clear()
            return nil
        }
        return GitTree(handle: tree)
    }

    /// Whether the object database holds `id`.
    public func contains(_ id: GitObjectID) -> Bool {
        var oid = id.oid
        return git_odb_exists(odb, &oid) == 1
    }

    /// The type of object `id`, or nil when it is missing.
    public func objectType(_ id: GitObjectID) -> git_object_t? {
        var oid = id.oid
        var size = 0
        var type = GIT_OBJECT_INVALID
        guard git_odb_read_header(&size, &type, odb, &oid) == 0 else {
            git_error_clear()
            return nil
        }
        return type
    }

    /// Reads blob `id` unless it is larger than `limit` bytes (its size is
    /// read from the header first).
    public func readBlob(_ id: GitObjectID, limit: Int) -> GitBlobRead {
        var oid = id.oid
        var size = 0
        var type = GIT_OBJECT_INVALID
        guard git_odb_read_header(&size, &type, odb, &oid) == 0 else {
            return .missing(GitError.last("reading object \(id)").description)
        }
        if size > limit { return .tooLarge(size: size) }
        var object: OpaquePointer?
        guard git_odb_read(&object, odb, &oid) == 0, let object else {
            return .missing(GitError.last("reading object \(id)").description)
        }
        defer { git_odb_object_free(object) }
        let count = git_odb_object_size(object)
        if count > limit { return .tooLarge(size: count) }
        guard count > 0, let data = git_odb_object_data(object) else { return .content([]) }
        let bytes = [UInt8](UnsafeRawBufferPointer(start: data, count: count))
        return .content(bytes)
    }

    /// Every object id in the object database (packed and loose).
    public func allObjectIDs() -> [GitObjectID] {
        final class Box { var ids: [GitObjectID] = [] }
        let box = Box()
        let unmanaged = Unmanaged.passUnretained(box)
        _ = git_odb_foreach(
            odb,
            { oid, payload in
                guard let oid, let payload else { return 0 }
                Unmanaged<Box>.fromOpaque(payload).takeUnretainedValue().ids.append(GitObjectID(oid.pointee))
                return 0
            }, unmanaged.toOpaque())
        return box.ids
    }

    // MARK: Index

    /// A file staged in the index.
    public struct IndexEntry: Sendable {
        public var path: String
        public var id: GitObjectID
        public var kind: GitEntryKind
    }

    /// The entries of the index (stage 0; conflicted entries use "ours").
    public func indexEntries() throws(GitError) -> [IndexEntry] {
        if isBare { throw .noWorkingTree(path: requestedPath, operation: "--staged") }
        var index: OpaquePointer?
        guard git_repository_index(&index, handle) == 0, let index else { throw GitError.last("reading the index") }
        defer { git_index_free(index) }
        var entries: [IndexEntry] = []
        var seen = Set<String>()
        for position in 0..<git_index_entrycount(index) {
            guard let entry = git_index_get_byindex(index, position)?.pointee else { continue }
            let path = String(cString: entry.path)
            let stage = (Int32(entry.flags) & GIT_INDEX_ENTRY_STAGEMASK) >> GIT_INDEX_ENTRY_STAGESHIFT
            if stage > 2 || seen.contains(path) { continue }
            seen.insert(path)
            entries.append(IndexEntry(path: path, id: GitObjectID(entry.id), kind: GitEntryKind(mode: entry.mode)))
        }
        return entries
    }

    /// Every file in tree `id` with its path (recursively), for HEAD lookups.
    public func files(inTree id: GitObjectID) -> [String: GitObjectID] {
        var files: [String: GitObjectID] = [:]
        func walk(_ tree: GitTree, prefix: String) {
            for index in 0..<tree.count {
                let entry = tree.entry(at: index)
                let kind = entry.kind
                if kind == .tree {
                    if let subtree = self.tree(entry.id) { walk(subtree, prefix: prefix + entry.name + "/") }
                } else if kind.isFile {
                    files[prefix + entry.name] = entry.id
                }
            }
        }
        if let root = tree(id) { walk(root, prefix: "") }
        return files
    }
}
