import Foundation
import HushCrypto

/// Computes stable, non-reversible finding fingerprints.
///
/// A fingerprint is HMAC-SHA-256 over rule id, path and secret under a key
/// that is not part of any report, so a leaked report or baseline cannot be
/// brute-forced back into the secret. It does not depend on the line, so it
/// survives edits above the finding.
public struct Fingerprinter: Sendable {
    let key: [UInt8]

    public init(key: [UInt8]) { self.key = key }

    /// The fingerprint: 32 hex digits (128 bits).
    public func fingerprint(rule: String, path: String, secret: String) -> String {
        var message = Array("hush-fp-v1".utf8)
        for part in [rule, path, secret] {
            message.append(0)
            message.append(contentsOf: part.utf8)
        }
        return Digest.hex(Digest.hmacSHA256(key: key, message: message).prefix(16))
    }

    /// A path-independent identity of a rule's secret: HMAC over rule id and
    /// secret under the same key, in another domain than `fingerprint`, so a
    /// secret that moves to another file keeps its identity. 32 hex digits.
    public func secretIdentity(rule: String, secret: String) -> String {
        var message = Array("hush-secret-v1".utf8)
        for part in [rule, secret] {
            message.append(0)
            message.append(contentsOf: part.utf8)
        }
        return Digest.hex(Digest.hmacSHA256(key: key, message: message).prefix(16))
    }
}

/// Finds or creates the fingerprint key.
///
/// Looked up in order: `$HUSH_FINGERPRINT_KEY`; a `.hush/fingerprint.key`
/// file in the scanned folder or one of its parents (commit it so a team and
/// its CI share baselines); the user's key in `$XDG_CONFIG_HOME/hush` (or
/// `~/.config/hush`), created with mode 0600 on first use.
public enum FingerprintKey {
    /// The file name looked for inside `.hush/`.
    public static let fileName = "fingerprint.key"

    /// The key for scans rooted at `root`.
    public static func resolve(root: String) -> [UInt8] {
        let environment = ProcessInfo.processInfo.environment
        if let explicit = environment["HUSH_FINGERPRINT_KEY"], !explicit.isEmpty { return Array(explicit.utf8) }
        if let project = projectKeyFile(from: root), let key = readKey(project) { return key }
        if let user = userKeyPath() {
            if let key = readKey(user) { return key }
            if let key = try? create(at: user) { return key }
        }
        return Array("hush-unkeyed-fingerprint".utf8)
    }

    /// The nearest `.hush/fingerprint.key` at or above `root`.
    public static func projectKeyFile(from root: String) -> String? {
        var directory = URL(fileURLWithPath: root).standardizedFileURL
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory), !isDirectory.boolValue {
            directory.deleteLastPathComponent()
        }
        while true {
            let candidate = directory.appendingPathComponent(".hush/\(fileName)").path
            if FileManager.default.fileExists(atPath: candidate) { return candidate }
            let parent = directory.deletingLastPathComponent()
            if parent.path == directory.path { return nil }
            directory = parent
        }
    }

    /// Writes a new random key to `path` (mode 0600) and returns it.
    @discardableResult
    public static func create(at path: String) throws -> [UInt8] {
        let folder = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let key = Digest.hex(SecureRandom.bytes(32))
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard descriptor >= 0 else { throw CocoaError(.fileWriteFileExists) }
        defer { close(descriptor) }
        let text = key + "\n"
        _ = text.withCString { write(descriptor, $0, strlen($0)) }
        return Array(key.utf8)
    }

    static func userKeyPath() -> String? {
        let environment = ProcessInfo.processInfo.environment
        if let xdg = environment["XDG_CONFIG_HOME"], !xdg.isEmpty { return xdg + "/hush/" + fileName }
        guard let home = environment["HOME"], !home.isEmpty else { return nil }
        return home + "/.config/hush/" + fileName
    }

    static func readKey(_ path: String) -> [UInt8]? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        let key = text.trimmingCharacters(in: .whitespacesAndNewlines)
        return key.isEmpty ? nil : Array(key.utf8)
    }
}
