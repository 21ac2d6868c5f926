import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A regular file found by the walk.
public struct WalkedFile: Sendable {
    /// Path relative to the walk root, `/`-separated (the root's own name for
    /// a single file given as root).
    public var path: String
    /// Path to open.
    public var absolutePath: String
    /// Size in bytes when listed.
    public var size: Int
}

/// Why an entry was not scanned.
public enum SkipReason: String, Sendable, CaseIterable, Codable {
    case tooLarge = "over size limit"
    case binary = "binary"
    case ignored = "ignored"
    case unreadable = "unreadable"
    case permissionDenied = "permission denied"
    case symlinkLoop = "symlink loop"
    case symlink = "symlink not followed"
    case special = "not a regular file"
}

/// Options for `DirectoryWalker`.
public struct WalkOptions: Sendable {
    /// Honour `.gitignore` files and `.git/info/exclude` when the root is
    /// inside a git work tree (outside one, git gives them no meaning).
    public var respectIgnoreFiles = true
    /// Follow symbolic links (loops are detected and skipped).
    public var followSymlinks = false
    /// Files larger than this are skipped.
    public var maxFileSize = 10 * 1024 * 1024
    /// Worker threads; 0 means one per core.
    public var threads = 0

    public init() {}
}

/// Walks a directory tree on several threads, honouring ignore files, and
/// hands every regular file to a visitor on the worker thread that found it.
public struct DirectoryWalker: Sendable {
    public let root: String
    public let options: WalkOptions

    public init(root: String, options: WalkOptions) {
        self.root = root
        var options = options
        if options.respectIgnoreFiles && !Self.isInsideGitWorkTree(root) { options.respectIgnoreFiles = false }
        self.options = options
    }

    /// Whether `path` or a folder above it holds a `.git` entry.
    static func isInsideGitWorkTree(_ path: String) -> Bool {
        var directory = URL(fileURLWithPath: path).standardizedFileURL
        while true {
            if FileManager.default.fileExists(atPath: directory.appendingPathComponent(".git").path) { return true }
            let parent = directory.deletingLastPathComponent()
            if parent.path == directory.path { return false }
            directory = parent
        }
    }

    private enum Item {
        case directory(relative: String, ignores: IgnoreStack, ancestors: Set<FileIdentity>)
        case file(WalkedFile)
    }

    private struct FileIdentity: Hashable {
        var device: UInt64
        var inode: UInt64
    }

    /// Walks the tree. `visit` is called for each file and `skip` for each
    /// entry passed over, both concurrently from worker threads.
    public func walk(
        visit: @escaping @Sendable (_ file: WalkedFile, _ worker: Int) -> Void,
        skip: @escaping @Sendable (_ path: String, _ reason: SkipReason, _ detail: String?) -> Void
    ) {
        let queue = WorkQueue<Item>()
        var rootInfo = stat()
        guard stat(root, &rootInfo) == 0 else {
            skip(root, errno == ELOOP ? .symlinkLoop : .unreadable, String(cString: strerror(errno)))
            return
        }
        if (rootInfo.st_mode & S_IFMT) != S_IFDIR {
            let name = (root as NSString).lastPathComponent
            if (rootInfo.st_mode & S_IFMT) == S_IFREG {
                visit(WalkedFile(path: name, absolutePath: root, size: Int(rootInfo.st_size)), 0)
            } else {
                skip(name, .special, nil)
            }
            return
        }
        var rootIgnores = IgnoreStack(file: nil, parent: nil)
        if options.respectIgnoreFiles,
            let exclude = try? String(contentsOfFile: root + "/.git/info/exclude", encoding: .utf8)
        {
            rootIgnores = IgnoreStack(file: IgnoreFile(base: "", text: exclude), parent: nil)
        }
        let identity = FileIdentity(device: UInt64(rootInfo.st_dev), inode: UInt64(rootInfo.st_ino))
        queue.push(.directory(relative: "", ignores: rootIgnores, ancestors: [identity]))
        let threadCount = options.threads > 0 ? options.threads : ProcessInfo.processInfo.activeProcessorCount
        DispatchQueue.concurrentPerform(iterations: threadCount) { worker in
            while let item = queue.pop() {
                switch item {
                case .file(let file):
                    visit(file, worker)
                case .directory(let relative, let ignores, let ancestors):
                    list(relative, ignores: ignores, ancestors: ancestors, queue: queue, skip: skip)
                }
                queue.done()
            }
        }
    }

    private func absolute(_ relative: String) -> String {
        relative.isEmpty ? root : root + "/" + relative
    }

    private func list(
        _ relative: String, ignores parentIgnores: IgnoreStack, ancestors: Set<FileIdentity>,
        queue: WorkQueue<Item>, skip: @Sendable (String, SkipReason, String?) -> Void
    ) {
        let path = absolute(relative)
        guard let directory = opendir(path) else {
            let code = errno
            skip(
                relative.isEmpty ? "." : relative, code == EACCES ? .permissionDenied : .unreadable,
                String(cString: strerror(code)))
            return
        }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name == "." || name == ".." || name == ".git" { continue }
            names.append(name)
        }
        var ignores = parentIgnores
        if options.respectIgnoreFiles, names.contains(".gitignore"),
            let text = try? String(contentsOfFile: path + "/.gitignore", encoding: .utf8)
        {
            ignores = IgnoreStack(file: IgnoreFile(base: relative, text: text), parent: parentIgnores)
        }
        for name in names {
            let childRelative = relative.isEmpty ? name : relative + "/" + name
            let childPath = path + "/" + name
            var info = stat()
            guard lstat(childPath, &info) == 0 else {
                skip(childRelative, errno == EACCES ? .permissionDenied : .unreadable, String(cString: strerror(errno)))
                continue
            }
            var kind = info.st_mode & S_IFMT
            if kind == S_IFLNK {
                guard options.followSymlinks else {
                    skip(childRelative, .symlink, nil)
                    continue
                }
                guard stat(childPath, &info) == 0 else {
                    let code = errno
                    skip(childRelative, code == ELOOP ? .symlinkLoop : .unreadable, String(cString: strerror(code)))
                    continue
                }
                kind = info.st_mode & S_IFMT
            }
            let isDirectory = kind == S_IFDIR
            if options.respectIgnoreFiles, ignores.isIgnored(path: childRelative, isDirectory: isDirectory) {
                skip(childRelative, .ignored, nil)
                continue
            }
            if isDirectory {
                let identity = FileIdentity(device: UInt64(info.st_dev), inode: UInt64(info.st_ino))
                guard !ancestors.contains(identity) else {
                    skip(childRelative, .symlinkLoop, "links back to one of its parent folders")
                    continue
                }
                queue.push(
                    .directory(relative: childRelative, ignores: ignores, ancestors: ancestors.union([identity])))
            } else if kind == S_IFREG {
                if Int(info.st_size) > options.maxFileSize {
                    skip(childRelative, .tooLarge, "\(info.st_size) bytes")
                    continue
                }
                queue.push(.file(WalkedFile(path: childRelative, absolutePath: childPath, size: Int(info.st_size))))
            } else {
                skip(childRelative, .special, nil)
            }
        }
    }
}
