import Foundation
import HushCrypto

/// An on-disk cache of compiled Vectorscan databases, keyed by the rules'
/// content, the library version and the CPU.
///
/// Each file holds a magic line, the SHA-256 of the payload and the payload.
/// A missing, truncated or corrupt file is ignored (and later overwritten).
public struct DatabaseCache: Sendable {
    /// The folder that holds cached databases.
    public var directory: URL

    public init(directory: URL) { self.directory = directory }

    /// `$HUSH_CACHE_DIR`, else `$XDG_CACHE_HOME/hush`, else `~/.cache/hush`.
    public static var standard: DatabaseCache? {
        let environment = ProcessInfo.processInfo.environment
        if let explicit = environment["HUSH_CACHE_DIR"], !explicit.isEmpty {
            return DatabaseCache(directory: URL(fileURLWithPath: explicit))
        }
        if let xdg = environment["XDG_CACHE_HOME"], !xdg.isEmpty {
            return DatabaseCache(directory: URL(fileURLWithPath: xdg).appendingPathComponent("hush"))
        }
        guard let home = environment["HOME"], !home.isEmpty else { return nil }
        return DatabaseCache(directory: URL(fileURLWithPath: home).appendingPathComponent(".cache/hush"))
    }

    static let magic = Array("HUSHDB1\n".utf8)

    func url(for key: String) -> URL { directory.appendingPathComponent("rules-\(key).hsdb") }

    /// The cached database for `key`, or nil when absent or unusable.
    func load(key: String) -> VectorscanDatabase? {
        guard let data = FileManager.default.contents(atPath: url(for: key).path) else { return nil }
        let bytes = [UInt8](data)
        let header = Self.magic.count + 32
        guard bytes.count > header, Array(bytes[0..<Self.magic.count]) == Self.magic else { return nil }
        let payload = Array(bytes[header...])
        guard Digest.sha256(payload) == Array(bytes[Self.magic.count..<header]) else { return nil }
        return try? VectorscanDatabase(serialized: payload)
    }

    /// Writes the database for `key` atomically.
    func store(_ database: VectorscanDatabase, key: String) throws {
        let payload = try database.serialized()
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let data = Data(Self.magic + Digest.sha256(payload) + payload)
        try data.write(to: url(for: key), options: .atomic)
    }
}
