import Foundation
import HushCrypto

/// The keys offered to open a vault: age identities and/or a passphrase (asked for lazily).
///
/// Identities are tried first; the passphrase is requested only when the vault has a passphrase recipient and no
/// identity matched, or when a passphrase envelope has to be (re)written.
public final class VaultUnlocker {
    /// age identities (X25519 `AGE-SECRET-KEY-1…` or OpenSSH Ed25519 keys).
    public var identities: [AgeIdentity]
    /// A description of where the keys came from, for error messages (never the keys).
    public var sourceDescription: String
    /// scrypt work factor (log2 N) for new passphrase envelopes. Defaults to `HUSH_SCRYPT_LOG_N` or 18.
    public var scryptLogN: Int
    private let passphraseProvider: (() throws -> [UInt8])?
    private var cachedPassphrase: SecretBytes?

    /// - Parameters:
    ///   - identities: identities to try.
    ///   - passphrase: called at most once, when a passphrase is needed; return nil if none is available.
    ///   - sourceDescription: how to describe these keys in an error ("identity file ~/.config/hush/identity.txt").
    public init(
        identities: [AgeIdentity] = [], passphrase: (() throws -> [UInt8]?)? = nil,
        sourceDescription: String = "the given keys", scryptLogN: Int? = nil
    ) {
        self.identities = identities
        self.sourceDescription = sourceDescription
        self.scryptLogN = scryptLogN ?? VaultUnlocker.defaultScryptLogN
        if let passphrase {
            self.passphraseProvider = {
                guard let value = try passphrase() else { throw VaultError.passphraseUnavailable }
                return value
            }
        } else {
            self.passphraseProvider = nil
        }
    }

    /// An unlocker with a fixed passphrase.
    public static func passphrase(_ passphrase: String, scryptLogN: Int? = nil) -> VaultUnlocker {
        VaultUnlocker(
            passphrase: { Array(passphrase.utf8) }, sourceDescription: "the passphrase", scryptLogN: scryptLogN)
    }

    /// An unlocker with the identities in an identity file (age format or OpenSSH Ed25519).
    public static func identityFile(_ path: String) throws -> VaultUnlocker {
        VaultUnlocker(identities: try loadIdentities(path), sourceDescription: "identity file \(path)")
    }

    /// Reads an identity file.
    public static func loadIdentities(_ path: String) throws -> [AgeIdentity] {
        var bytes: [UInt8]
        do { bytes = try AtomicFile.readFile(path) } catch VaultError.notFound {
            throw VaultError.invalidIdentity(path: path, reason: "no such file")
        }
        defer { SecureMemory.cleanse(&bytes) }
        do {
            return try AgeKeys.identities(fromFileText: String(decoding: bytes, as: UTF8.self))
        } catch let error as AgeError {
            throw VaultError.invalidIdentity(path: path, reason: error.description)
        }
    }

    /// `HUSH_SCRYPT_LOG_N` if set to 1…22, else 18 (age's default).
    public static var defaultScryptLogN: Int {
        if let text = ProcessInfo.processInfo.environment["HUSH_SCRYPT_LOG_N"], let value = Int(text),
            (1...KDF.maxScryptLogN).contains(value)
        {
            return value
        }
        return AgeScryptRecipient.defaultLogN
    }

    /// Whether a passphrase can be asked for.
    public var canProvidePassphrase: Bool { passphraseProvider != nil }

    /// The passphrase, asking the provider once.
    func passphrase() throws -> [UInt8] {
        if let cachedPassphrase { return cachedPassphrase.bytes }
        guard let passphraseProvider else { throw VaultError.passphraseUnavailable }
        let value = try passphraseProvider()
        cachedPassphrase = SecretBytes(value)
        return value
    }
}
