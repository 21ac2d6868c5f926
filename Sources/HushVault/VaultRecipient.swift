import Foundation

/// Who can open a vault: an age X25519 key, an SSH Ed25519 key, or a passphrase.
public enum VaultRecipient: Equatable, CustomStringConvertible {
    case x25519(AgeX25519Recipient)
    case sshEd25519(AgeSSHEd25519Recipient)
    case passphrase

    /// The recipient string used for a passphrase recipient.
    public static let passphraseString = "passphrase"

    /// Parses `age1…`, `ssh-ed25519 AAAA… [comment]` or the word `passphrase`.
    public init(parsing text: String) throws {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed == VaultRecipient.passphraseString {
            self = .passphrase
            return
        }
        do {
            switch try AgeKeys.recipient(from: trimmed) {
            case let recipient as AgeX25519Recipient: self = .x25519(recipient)
            case let recipient as AgeSSHEd25519Recipient: self = .sshEd25519(recipient)
            default: throw VaultError.invalidRecipient("unsupported recipient type")
            }
        } catch let error as AgeError {
            throw VaultError.invalidRecipient(error.description)
        }
    }

    /// The canonical string stored in the vault (an SSH key without its comment).
    public var description: String {
        switch self {
        case .x25519(let recipient): return recipient.string
        case .sshEd25519(let recipient): return recipient.string
        case .passphrase: return VaultRecipient.passphraseString
        }
    }

    /// A default label: the SSH key's comment, if any.
    var defaultLabel: String {
        if case .sshEd25519(let recipient) = self { return recipient.comment }
        return ""
    }

    func ageRecipient(unlocker: VaultUnlocker) throws -> AgeRecipient {
        switch self {
        case .x25519(let recipient): return recipient
        case .sshEd25519(let recipient): return recipient
        case .passphrase: return AgeScryptRecipient(passphrase: try unlocker.passphrase(), logN: unlocker.scryptLogN)
        }
    }
}

/// A recipient as listed in a vault.
public struct VaultRecipientInfo: Equatable {
    /// `age1…`, `ssh-ed25519 AAAA…` or `passphrase`.
    public let recipient: String
    /// A free-form label (e.g. whose key this is).
    public let label: String
}

/// The clear-text metadata of an entry.
public struct VaultEntryMetadata: Equatable {
    /// When the entry was first set (RFC 3339, UTC).
    public var created: String
    /// When the value last changed (RFC 3339, UTC).
    public var updated: String
    /// Where the secret came from (e.g. `config/db.yml:12`), or empty.
    public var source: String

    public init(created: String, updated: String, source: String) {
        self.created = created
        self.updated = updated
        self.source = source
    }
}
