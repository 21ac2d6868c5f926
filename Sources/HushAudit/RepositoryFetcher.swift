import CGit2
import Foundation
import HushCrypto

/// Turns what the user listed (a path or a clone URL) into a local repository:
/// URLs are cloned (bare, branches and tags) into a cache folder on first use
/// and fetched on later runs; `file://` URLs work offline.
public struct RepositoryFetcher: Sendable {
    /// Where clones are kept (`~/.cache/hush/repos` by default).
    public var cacheDirectory: String

    public init(cacheDirectory: String? = nil) {
        if let cacheDirectory {
            self.cacheDirectory = cacheDirectory
        } else {
            let environment = ProcessInfo.processInfo.environment
            let base =
                environment["XDG_CACHE_HOME"].flatMap { $0.isEmpty ? nil : $0 }
                ?? ((environment["HOME"] ?? NSTemporaryDirectory()) + "/.cache")
            self.cacheDirectory = base + "/hush/repos"
        }
    }

    /// A repository ready to scan.
    public struct Resolved: Sendable, Equatable {
        /// The store's key: a clone URL as given, or a local path made absolute.
        public var location: String
        /// A short name for displays.
        public var name: String
        /// The folder to open.
        public var localPath: String
        /// The repository's web page on GitHub or GitLab, for commit links.
        public var webURL: String?
    }

    /// Whether `location` is a clone URL rather than a path.
    public static func isURL(_ location: String) -> Bool {
        location.contains("://") || (location.contains("@") && location.contains(":") && !location.hasPrefix("/"))
    }

    /// Clones or fetches URLs; checks local paths exist.
    public func resolve(_ location: String) throws(AuditError) -> Resolved {
        git_libgit2_init()
        if Self.isURL(location) {
            let folder = cacheDirectory + "/" + Digest.hex(Digest.sha256(Array(location.utf8)).prefix(8))
            try fetch(url: location, into: folder)
            return Resolved(
                location: location, name: Self.name(of: location), localPath: folder, webURL: Self.webURL(location))
        }
        let absolute = URL(fileURLWithPath: location).standardizedFileURL.path
        var repository: OpaquePointer?
        guard git_repository_open_ext(&repository, absolute, UInt32(GIT_REPOSITORY_OPEN_NO_SEARCH.rawValue), nil) == 0
        else {
            git_error_clear()
            throw .repositoryNotFound(location)
        }
        defer { git_repository_free(repository) }
        return Resolved(
            location: absolute, name: Self.name(of: absolute), localPath: absolute,
            webURL: Self.originURL(repository).flatMap(Self.webURL))
    }

    private func fetch(url: String, into folder: String) throws(AuditError) {
        var repository: OpaquePointer?
        var remote: OpaquePointer?
        defer {
            if let remote { git_remote_free(remote) }
            if let repository { git_repository_free(repository) }
        }
        let exists = FileManager.default.fileExists(atPath: folder + "/HEAD")
        if exists {
            guard git_repository_open_bare(&repository, folder) == 0,
                git_remote_lookup(&remote, repository, "origin") == 0
            else { throw .cloneFailed(url: url, reason: "the cached clone \(folder) is damaged (\(Self.lastError()))") }
        } else {
            try? FileManager.default.createDirectory(atPath: cacheDirectory, withIntermediateDirectories: true)
            let partial = folder + ".partial-\(getpid())"
            guard git_repository_init(&repository, partial, 1) == 0,
                git_remote_create_with_fetchspec(&remote, repository, "origin", url, "+refs/heads/*:refs/heads/*") == 0,
                git_remote_add_fetch(repository, "origin", "+refs/tags/*:refs/tags/*") == 0
            else { throw .cloneFailed(url: url, reason: Self.lastError()) }
            git_remote_free(remote)
            remote = nil
            guard git_remote_lookup(&remote, repository, "origin") == 0 else {
                throw .cloneFailed(url: url, reason: Self.lastError())
            }
            try download(remote, url: url, repository: repository)
            git_remote_free(remote)
            remote = nil
            git_repository_free(repository)
            repository = nil
            if rename(partial, folder) != 0 {
                // Another process cloned it meanwhile: use theirs.
                try? FileManager.default.removeItem(atPath: partial)
            }
            return
        }
        try download(remote, url: url, repository: repository)
    }

    private func download(_ remote: OpaquePointer?, url: String, repository: OpaquePointer?) throws(AuditError) {
        var options = git_fetch_options()
        git_fetch_options_init(&options, UInt32(GIT_FETCH_OPTIONS_VERSION))
        options.prune = GIT_FETCH_PRUNE
        options.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_ALL
        guard git_remote_fetch(remote, nil, &options, nil) == 0 else {
            throw .cloneFailed(url: url, reason: Self.lastError())
        }
        // Point HEAD at the remote's default branch (or main/master).
        var buffer = git_buf()
        var head: String?
        if git_remote_default_branch(&buffer, remote) == 0, let pointer = buffer.ptr {
            head = String(cString: pointer)
            git_buf_dispose(&buffer)
        } else {
            git_error_clear()
        }
        for candidate in [head, "refs/heads/main", "refs/heads/master"].compactMap({ $0 }) {
            var reference: OpaquePointer?
            if git_reference_lookup(&reference, repository, candidate) == 0 {
                git_reference_free(reference)
                git_repository_set_head(repository, candidate)
                break
            }
            git_error_clear()
        }
    }

    static func lastError() -> String {
        guard let error = git_error_last(), let message = error.pointee.message else { return "unknown libgit2 error" }
        return String(cString: message)
    }

    static func originURL(_ repository: OpaquePointer?) -> String? {
        var remote: OpaquePointer?
        guard git_remote_lookup(&remote, repository, "origin") == 0, let remote else {
            git_error_clear()
            return nil
        }
        defer { git_remote_free(remote) }
        return git_remote_url(remote).map { String(cString: $0) }
    }

    /// The last path component without `.git`.
    static func name(of location: String) -> String {
        var trimmed = location
        while trimmed.hasSuffix("/") { trimmed.removeLast() }
        if trimmed.hasSuffix(".git") { trimmed.removeLast(4) }
        if trimmed.hasSuffix("/") { trimmed.removeLast() }
        let separators: Set<Character> = ["/", ":"]
        if let last = trimmed.lastIndex(where: { separators.contains($0) }) {
            return String(trimmed[trimmed.index(after: last)...])
        }
        return trimmed
    }

    /// `https://github.com/OWNER/REPO` for GitHub and GitLab remotes (https,
    /// ssh and scp-like forms); nil for other hosts.
    public static func webURL(_ remote: String) -> String? {
        var rest: Substring
        var host: Substring
        if let scheme = remote.range(of: "://") {
            rest = remote[scheme.upperBound...]
            if let at = rest.firstIndex(of: "@"), rest[..<at].firstIndex(of: "/") == nil {
                rest = rest[rest.index(after: at)...]
            }
            guard let slash = rest.firstIndex(of: "/") else { return nil }
            host = rest[..<slash]
            if let colon = host.firstIndex(of: ":") { host = host[..<colon] }
            rest = rest[rest.index(after: slash)...]
        } else if let at = remote.firstIndex(of: "@"), let colon = remote[at...].firstIndex(of: ":") {
            host = remote[remote.index(after: at)..<colon]
            rest = remote[remote.index(after: colon)...]
        } else {
            return nil
        }
        guard host == "github.com" || host == "gitlab.com" else { return nil }
        var path = String(rest)
        while path.hasSuffix("/") { path.removeLast() }
        if path.hasSuffix(".git") { path.removeLast(4) }
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-_./"))
        guard path.split(separator: "/").count >= 2, path.unicodeScalars.allSatisfy(allowed.contains) else {
            return nil
        }
        return "https://\(host)/\(path)"
    }
}
