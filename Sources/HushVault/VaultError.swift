/// Errors from the vault, with messages a user can act on.
///
/// No case carries key material or secret values; names of entries and paths are the most they hold.
public enum VaultError: Error, Equatable, CustomStringConvertible {
    /// There is no vault at the path.
    case notFound(path: String)
    /// A vault already exists at the path (on `init`).
    case alreadyExists(path: String)
    /// The file is not a vault this version can read (truncated, garbage, or hand-edited badly).
    case malformed(path: String, line: Int, reason: String)
    /// The file is a vault of a newer format version.
    case unsupportedVersion(Int)
    /// None of the keys offered opens any recipient envelope.
    case noMatchingKey(tried: String)
    /// A passphrase is needed but none could be obtained.
    case passphraseUnavailable
    /// The store MAC does not match: entries were added, removed, reordered or altered outside hush.
    case integrityCheckFailed(path: String)
    /// One sealed value failed authentication (tampered, or moved from another name or store).
    case valueTampered(name: String)
    /// A recipient envelope is damaged.
    case envelopeDamaged(recipient: String, reason: String)
    /// No entry with this name.
    case entryNotFound(name: String)
    /// The entry name is not allowed.
    case invalidEntryName(name: String)
    /// A recipient string or file could not be used.
    case invalidRecipient(String)
    /// An identity file could not be used.
    case invalidIdentity(path: String, reason: String)
    /// The recipient is not in the vault (on removal) or already there (on add).
    case recipientNotFound(String)
    case recipientExists(String)
    /// Removing this recipient would leave nobody able to open the vault.
    case lastRecipient
    /// The store is older than one seen before on this machine.
    case rollbackDetected(path: String, found: UInt64, lastSeen: UInt64)
    /// The file changed on disk since it was opened.
    case concurrentModification(path: String)
    /// Two branches changed the same entries differently.
    case mergeConflict(names: [String])
    /// The three versions given to a merge are different stores.
    case differentStores
    /// An I/O operation failed.
    case io(path: String, operation: String, message: String)

    public var description: String {
        switch self {
        case .notFound(let path):
            return "no vault at \(path); create one with `hush vault init` or pass --vault PATH"
        case .alreadyExists(let path):
            return "a vault already exists at \(path); refusing to overwrite it"
        case .malformed(let path, let line, let reason):
            return "\(path) is not a valid vault (line \(line): \(reason)); it may be truncated or damaged. "
                + "Restore it from git (git checkout -- \(path)) or a backup"
        case .unsupportedVersion(let version):
            return "vault format version \(version) is newer than this hush supports; upgrade hush"
        case .noMatchingKey(let tried):
            return "cannot open the vault with \(tried): wrong passphrase or identity, or this key is not a "
                + "recipient (see `hush vault recipients list`)"
        case .passphraseUnavailable:
            return "a passphrase is needed: set HUSH_PASSPHRASE, pass --passphrase-file FILE, or run in a terminal"
        case .integrityCheckFailed(let path):
            return "integrity check failed for \(path): the store MAC does not match, so entries were added, "
                + "removed, reordered or altered outside hush (or the file is damaged). Nothing was changed"
        case .valueTampered(let name):
            return "the sealed value of '\(name)' failed authentication: it was altered or moved from another entry"
        case .envelopeDamaged(let recipient, let reason):
            return "the envelope for recipient \(recipient) is damaged: \(reason)"
        case .entryNotFound(let name):
            return "no entry named '\(name)' (see `hush vault list`)"
        case .invalidEntryName(let name):
            return "invalid entry name '\(name.prefix(80))': use letters, digits, '_', '.', '-' and '/', "
                + "starting with a letter, digit or '_' (at most 256 characters)"
        case .invalidRecipient(let reason):
            return "invalid recipient: \(reason)"
        case .invalidIdentity(let path, let reason):
            return "cannot use identity file \(path): \(reason)"
        case .recipientNotFound(let recipient):
            return "recipient \(recipient) is not in the vault (see `hush vault recipients list`)"
        case .recipientExists(let recipient):
            return "recipient \(recipient) is already in the vault"
        case .lastRecipient:
            return "refusing to remove the last recipient: nobody could open the vault afterwards"
        case .rollbackDetected(let path, let found, let lastSeen):
            return "\(path) has generation \(found), older than generation \(lastSeen) seen before on this machine: "
                + "the file may have been rolled back to an older copy (or you are on an older branch)"
        case .concurrentModification(let path):
            return "\(path) was changed by another process since it was opened; run the command again"
        case .mergeConflict(let names):
            return "conflicting changes to \(names.count) entr\(names.count == 1 ? "y" : "ies") on both sides: "
                + names.joined(separator: ", ")
        case .differentStores:
            return "cannot merge: the two sides are different vaults (store ids differ)"
        case .io(let path, let operation, let message):
            return "\(operation) \(path) failed: \(message)"
        }
    }

    /// A process exit code for this error: 3 wrong key, 4 integrity/rollback, 5 merge conflict, 1 otherwise.
    public var exitCode: Int32 {
        switch self {
        case .noMatchingKey, .passphraseUnavailable: return 3
        case .integrityCheckFailed, .valueTampered, .envelopeDamaged, .rollbackDetected, .malformed: return 4
        case .mergeConflict: return 5
        default: return 1
        }
    }
}
