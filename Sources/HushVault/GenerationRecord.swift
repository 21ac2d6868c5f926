import Foundation

/// What the local record says about a store's generation counter.
public enum RollbackStatus: Equatable {
    /// This machine has not seen this store before.
    case firstSeen
    /// The generation is the newest this machine has seen (or newer).
    case current
    /// The generation is older than one seen before: a rolled-back copy, or an older branch.
    case rolledBack(lastSeen: UInt64)
}

/// The local record of the highest generation seen per store id, used to notice whole-file rollbacks.
///
/// Kept in `$HUSH_STATE_DIR`, else `<git dir>/hush/` of the repository holding the vault, else
/// `$XDG_STATE_HOME/hush` (default `~/.local/state/hush`), in a file `generations` of `store-id generation` lines.
struct GenerationRecord {
    let directory: String

    init(vaultPath: String) {
        let env = ProcessInfo.processInfo.environment
        if let dir = env["HUSH_STATE_DIR"], !dir.isEmpty {
            directory = dir
        } else if let gitDir = GenerationRecord.gitDirectory(containing: vaultPath) {
            directory = gitDir + "/hush"
        } else if let state = env["XDG_STATE_HOME"], !state.isEmpty {
            directory = state + "/hush"
        } else {
            directory = FileManager.default.homeDirectoryForCurrentUser.path + "/.local/state/hush"
        }
    }

    /// The git directory of the repository containing `path`, if any (a `.git` folder or `gitdir:` file).
    static func gitDirectory(containing path: String) -> String? {
        var url = URL(fileURLWithPath: path).standardizedFileURL.deletingLastPathComponent()
        while true {
            let dotGit = url.appendingPathComponent(".git")
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: dotGit.path, isDirectory: &isDirectory) {
                if isDirectory.boolValue { return dotGit.path }
                if let text = try? String(contentsOf: dotGit, encoding: .utf8), text.hasPrefix("gitdir: ") {
                    let target = text.dropFirst(8).trimmingCharacters(in: .whitespacesAndNewlines)
                    return target.hasPrefix("/") ? target : url.appendingPathComponent(target).standardizedFileURL.path
                }
            }
            if url.path == "/" { return nil }
            url = url.deletingLastPathComponent()
        }
    }

    private var file: String { directory + "/generations" }

    private func load() -> [String: UInt64] {
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else { return [:] }
        var out: [String: UInt64] = [:]
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: " ")
            if parts.count == 2, let value = UInt64(parts[1]) { out[String(parts[0])] = value }
        }
        return out
    }

    /// The highest generation recorded for `storeID`.
    func lastSeen(_ storeID: String) -> UInt64? { load()[storeID] }

    /// Compares `generation` with the record.
    func status(storeID: String, generation: UInt64) -> RollbackStatus {
        guard let seen = lastSeen(storeID) else { return .firstSeen }
        return generation >= seen ? .current : .rolledBack(lastSeen: seen)
    }

    /// Records `generation` if it is higher than the recorded one. Best effort: a failure to record is ignored.
    func record(storeID: String, generation: UInt64) {
        do {
            try FileManager.default.createDirectory(
                atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            let lock = try FileLock(path: directory + "/generations.lock")
            defer { withExtendedLifetime(lock) {} }
            var all = load()
            if let seen = all[storeID], seen >= generation { return }
            all[storeID] = generation
            let text = all.keys.sorted().map { "\($0) \(all[$0]!)\n" }.joined()
            try AtomicFile.writeFile(Array(text.utf8), to: file)
        } catch {
            // The record only adds a warning; never fail a vault operation because of it.
        }
    }
}
