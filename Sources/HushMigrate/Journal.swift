import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The record of one migration, kept in `.hush/migrate.journal` (beside the vault, mode 0600) so that an
/// interrupted run can be resumed and a finished one undone. It holds no secret: paths, SHA-256 hashes of
/// each file before and after, and the edits (byte ranges and entry names). `--undo` rebuilds the originals
/// by resolving the references through the vault and checks them against the recorded hashes.
public struct MigrationJournal: Codable, Sendable {
    /// Where the whole migration stands.
    public enum State: String, Codable, Sendable {
        /// The vault is written; files are being rewritten.
        case started
        /// Every file was handled.
        case completed
    }

    /// Where one file stands.
    public enum FileState: String, Codable, Sendable {
        case pending
        case rewritten
        /// Changed on disk after the scan; left alone.
        case refusedChanged = "refused-changed"
        /// The rewrite did not verify and was undone.
        case rolledBack = "rolled-back"
        case restored
    }

    public struct FileRecord: Codable, Sendable {
        /// Absolute path.
        public var path: String
        /// Path as shown to the user.
        public var displayPath: String
        public var format: ConfigFormat
        public var edits: [MigrationEdit]
        public var originalSHA256: String
        public var rewrittenSHA256: String
        public var state: FileState
        public var note: String?
    }

    public var version = 1
    public var id: String
    public var started: String
    /// Absolute path of the vault the references point into.
    public var vault: String
    public var state: State
    /// Entries this migration added to the vault (removed again by `--undo`).
    public var createdEntries: [String]
    /// Every entry used, with the places its value was found.
    public var entries: [String: [String]]
    public var files: [FileRecord]

    /// The journal beside a vault: `<vault folder>/migrate.journal`.
    public static func defaultPath(vaultPath: String) -> String {
        URL(fileURLWithPath: vaultPath).deletingLastPathComponent().appendingPathComponent("migrate.journal").path
    }

    /// Reads the journal at `path`, with the file states recorded since in its progress log; nil if there is none.
    public static func load(_ path: String) throws -> MigrationJournal? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        var journal: MigrationJournal
        do {
            journal = try JSONDecoder().decode(MigrationJournal.self, from: data)
        } catch {
            throw MigrationError.journalDamaged(path: path, reason: "\(error)")
        }
        if let log = FileManager.default.contents(atPath: progressPath(path)) {
            // One JSON object per line; a torn last line (a crash mid-append) is ignored.
            for line in log.split(separator: 0x0A) {
                guard let step = try? JSONDecoder().decode(Progress.self, from: Data(line)),
                    journal.files.indices.contains(step.file)
                else { continue }
                journal.files[step.file].state = step.state
                journal.files[step.file].note = step.note
            }
        }
        return journal
    }

    /// Writes the whole journal atomically (mode 0600) and empties the progress log.
    public func save(_ path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try DurableFile.write(Array(try encoder.encode(self)) + [0x0A], to: path, mode: 0o600)
        unlink(Self.progressPath(path))
    }

    /// One step recorded in the progress log.
    struct Progress: Codable {
        var file: Int
        var state: FileState
        var note: String?
    }

    /// The append-only log of file states beside the journal: recording a step costs one small append and an
    /// fsync, not a rewrite of the whole journal.
    static func progressPath(_ path: String) -> String { path + ".progress" }

    /// Durably records the current state of file `index`.
    public func recordProgress(of index: Int, at path: String) throws {
        let step = Progress(file: index, state: files[index].state, note: files[index].note)
        let line = Array(try JSONEncoder().encode(step)) + [0x0A]
        let progress = Self.progressPath(path)
        let fd = open(progress, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw MigrationError.io(path: progress, message: String(cString: strerror(errno))) }
        defer { close(fd) }
        let written = line.withUnsafeBytes { systemWrite(fd, $0.baseAddress, $0.count) }
        guard written == line.count, fsync(fd) == 0 else {
            throw MigrationError.io(path: progress, message: "cannot record progress")
        }
    }

    /// Removes the journal and its progress log.
    public static func remove(_ path: String) throws {
        unlink(progressPath(path))
        try FileManager.default.removeItem(atPath: path)
    }
}

private func systemWrite(_ fd: Int32, _ buffer: UnsafeRawPointer?, _ count: Int) -> Int {
    write(fd, buffer, count)
}

/// Atomic, durable file replacement: temporary file in the same folder, fsync, rename, fsync the folder.
public enum DurableFile {
    /// Test hook: `HUSH_TEST_CRASH_POINT` names a step at which the process exits abruptly.
    static func crashPoint(_ name: String) {
        if ProcessInfo.processInfo.environment["HUSH_TEST_CRASH_POINT"] == name { _exit(86) }
    }

    /// The permission bits of the file at `path`, or nil.
    public static func mode(of path: String) -> mode_t? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return info.st_mode & 0o7777
    }

    /// Reads a whole file.
    public static func read(_ path: String) throws -> [UInt8] {
        do {
            return Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw MigrationError.io(path: path, message: "cannot read it (\(error.localizedDescription))")
        }
    }

    /// Replaces `path` with `bytes`, atomically; a crash leaves the old or the new file.
    public static func write(_ bytes: [UInt8], to path: String, mode: mode_t) throws {
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent().path
        var template = Array("\(directory)/.\(url.lastPathComponent).hush-tmp-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw MigrationError.io(path: directory, message: "cannot create a temporary file") }
        let tempPath = String(cString: template)
        var renamed = false
        defer { if !renamed { unlink(tempPath) } }
        do {
            defer { close(fd) }
            guard fchmod(fd, mode) == 0 else { throw MigrationError.io(path: tempPath, message: "chmod failed") }
            var offset = 0
            while offset < bytes.count {
                let written = bytes[offset...].withUnsafeBytes { systemWrite(fd, $0.baseAddress, $0.count) }
                if written < 0 {
                    if errno == EINTR { continue }
                    throw MigrationError.io(path: tempPath, message: String(cString: strerror(errno)))
                }
                offset += written
            }
            guard fsync(fd) == 0 else { throw MigrationError.io(path: tempPath, message: "fsync failed") }
        }
        guard rename(tempPath, path) == 0 else {
            throw MigrationError.io(path: path, message: "rename failed: \(String(cString: strerror(errno)))")
        }
        renamed = true
        let directoryFD = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if directoryFD >= 0 {
            _ = fsync(directoryFD)
            close(directoryFD)
        }
    }
}

/// Errors from migrate, run and render, with messages that say what to do.
public enum MigrationError: Error, CustomStringConvertible, Equatable {
    case unfinishedMigration(journal: String)
    case noJournal(path: String)
    case journalDamaged(path: String, reason: String)
    case nothingToResume(journal: String)
    case filesNotRestored([String])
    case io(path: String, message: String)
    /// A reference names an entry the vault does not have.
    case missingEntry(name: String, in: String)
    /// A vault entry the plan meant to create was set to another value meanwhile.
    case entryChanged(name: String)
    /// References were found but no vault could be opened.
    case vaultUnavailable(reason: String)

    public var description: String {
        switch self {
        case .unfinishedMigration(let journal):
            return "an interrupted migration is recorded in \(journal); finish it with `hush migrate --resume` "
                + "or revert it with `hush migrate --undo`"
        case .noJournal(let path):
            return "no migration journal at \(path); nothing to resume or undo"
        case .journalDamaged(let path, let reason):
            return "the migration journal \(path) cannot be read (\(reason)); restore it from a backup, or "
                + "restore files with `hush render FILE -o FILE`"
        case .nothingToResume(let journal):
            return "the migration in \(journal) is already complete; use `hush migrate --undo` to revert it"
        case .filesNotRestored(let paths):
            return "these files changed since the migration and were not restored: "
                + paths.joined(separator: ", ") + "; revert your edits (or restore them with `hush render`) and run "
                + "`hush migrate --undo` again"
        case .io(let path, let message):
            return "\(path): \(message)"
        case .missingEntry(let name, let place):
            return "\(place) refers to vault entry '\(name)', which the vault does not have; add it with "
                + "`hush vault set \(name)`"
        case .entryChanged(let name):
            return "vault entry '\(name)' was set by someone else during the migration; nothing was written, "
                + "run `hush migrate` again"
        case .vaultUnavailable(let reason):
            return "cannot resolve references: \(reason)"
        }
    }
}
