import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Durable file replacement and advisory locking.
enum AtomicFile {
    /// Test hook: when `HUSH_TEST_CRASH_POINT` names a step ("after-temp-write", "after-rename"), the process
    /// exits abruptly there, to check that a crash leaves either the old or the new file.
    static func crashPoint(_ name: String) {
        if ProcessInfo.processInfo.environment["HUSH_TEST_CRASH_POINT"] == name { _exit(86) }
    }

    static func errorText() -> String { String(cString: strerror(errno)) }

    /// Reads a whole file. Throws `VaultError.notFound` if it does not exist.
    static func readFile(_ path: String) throws -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            if errno == ENOENT { throw VaultError.notFound(path: path) }
            throw VaultError.io(path: path, operation: "opening", message: errorText())
        }
        defer { close(fd) }
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw VaultError.io(path: path, operation: "reading", message: errorText())
            }
            if n == 0 { break }
            out += buffer[0..<n]
        }
        return out
    }

    /// Replaces `path` with `bytes`: write a 0600 temporary file in the same folder, fsync it, rename it over
    /// the target, then fsync the folder. A crash at any point leaves either the old or the new file.
    static func writeFile(_ bytes: [UInt8], to path: String, mode: mode_t = 0o600) throws {
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent().path
        var template = Array("\(directory)/.\(url.lastPathComponent).tmp-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else {
            throw VaultError.io(path: directory, operation: "creating a temporary file in", message: errorText())
        }
        let tempPath = String(cString: template)
        var renamed = false
        defer { if !renamed { unlink(tempPath) } }
        do {
            defer { close(fd) }
            guard fchmod(fd, mode) == 0 else {
                throw VaultError.io(path: tempPath, operation: "chmod", message: errorText())
            }
            var offset = 0
            while offset < bytes.count {
                let n = bytes[offset...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
                if n < 0 {
                    if errno == EINTR { continue }
                    throw VaultError.io(path: tempPath, operation: "writing", message: errorText())
                }
                offset += n
            }
            guard fsync(fd) == 0 else { throw VaultError.io(path: tempPath, operation: "fsync", message: errorText()) }
        }
        crashPoint("after-temp-write")
        guard rename(tempPath, path) == 0 else {
            throw VaultError.io(path: path, operation: "renaming onto", message: errorText())
        }
        renamed = true
        crashPoint("after-rename")
        let dirFD = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dirFD >= 0 {
            _ = fsync(dirFD)
            close(dirFD)
        }
    }
}

/// An exclusive advisory lock (flock) on a lock file beside the protected file.
final class FileLock {
    private let fd: Int32

    /// Blocks until the lock on `path` is held. The lock file is created 0600 if needed.
    init(path: String) throws {
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw VaultError.io(path: path, operation: "opening lock file", message: AtomicFile.errorText())
        }
        while flock(fd, LOCK_EX) != 0 {
            if errno == EINTR { continue }
            let message = AtomicFile.errorText()
            close(fd)
            throw VaultError.io(path: path, operation: "locking", message: message)
        }
    }

    deinit {
        flock(fd, LOCK_UN)
        close(fd)
    }
}
