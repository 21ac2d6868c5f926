import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Writes files so that a reader sees either the old or the new content.
enum AtomicFile {
    /// Writes `data` to a temporary file beside `path` with `mode`, syncs it,
    /// and renames it over `path`.
    static func write(_ data: Data, to path: String, mode: mode_t) throws {
        let folder = (path as NSString).deletingLastPathComponent
        let template = (folder.isEmpty ? "." : folder) + "/.hush-tmp-XXXXXX"
        var name = Array(template.utf8CString)
        let descriptor = mkstemp(&name)
        guard descriptor >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        let temporary = String(cString: name)
        var ok = fchmod(descriptor, mode) == 0
        ok =
            ok
            && data.withUnsafeBytes { buffer -> Bool in
                var offset = 0
                while offset < buffer.count {
                    let written = Glibc.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                    if written < 0 && errno == EINTR { continue }
                    if written <= 0 { return false }
                    offset += written
                }
                return true
            }
        ok = ok && fsync(descriptor) == 0
        let code = errno
        close(descriptor)
        guard ok, rename(temporary, path) == 0 else {
            let failure = ok ? errno : code
            unlink(temporary)
            throw POSIXError(POSIXErrorCode(rawValue: failure) ?? .EIO)
        }
    }
}
