import Foundation
import HushCrypto

/// A sealed secret store in one committed text file (format: docs/vault-format.md).
///
/// Entry names and metadata are in clear; each value is sealed with AES-256-GCM under a key derived from a random
/// 256-bit data key, with the store id and entry name as associated data. The data key is sealed for each recipient
/// in an age-encryption.org/v1 envelope, and an HMAC-SHA-256 over the whole file detects any change made without
/// the key. Writes are atomic and made under an exclusive lock.
///
/// ```swift
/// let vault = try Vault.open(at: ".hush/vault.yaml", unlock: try .identityFile(path))
/// let password = try vault.value(for: "DB_PASSWORD")
/// ```
public final class Vault {
    /// The default location, relative to the repository root.
    public static let defaultPath = ".hush/vault.yaml"

    /// The path of the vault file.
    public let path: String
    /// Random id of this store, bound into every value's associated data.
    public private(set) var storeID: String
    /// Counter raised on every save; used to notice rollbacks.
    public private(set) var generation: UInt64
    /// How this file's generation compares with the newest seen on this machine (set by `open`).
    public private(set) var rollbackStatus: RollbackStatus = .firstSeen

    var recipientRecords: [VaultDocument.Recipient]
    var entries: [String: VaultDocument.Entry]
    private(set) var dataKey: SecretBytes
    private var valueKey: SecretBytes
    private var macKey: SecretBytes
    let unlocker: VaultUnlocker
    private var loadedBytes: [UInt8]?
    private var lockHeld = false

    private init(
        path: String, storeID: String, generation: UInt64, recipients: [VaultDocument.Recipient],
        entries: [String: VaultDocument.Entry], dataKey: SecretBytes, unlocker: VaultUnlocker
    ) throws {
        self.path = path
        self.storeID = storeID
        self.generation = generation
        self.recipientRecords = recipients
        self.entries = entries
        self.dataKey = dataKey
        self.unlocker = unlocker
        (valueKey, macKey) = try Vault.subkeys(dataKey)
    }

    static func subkeys(_ dataKey: SecretBytes) throws -> (value: SecretBytes, mac: SecretBytes) {
        let value = try KDF.hkdfSHA256(
            ikm: dataKey.bytes, salt: [], info: Array("hush-vault/v1 value".utf8), length: 32)
        let mac = try KDF.hkdfSHA256(ikm: dataKey.bytes, salt: [], info: Array("hush-vault/v1 mac".utf8), length: 32)
        return (SecretBytes(value), SecretBytes(mac))
    }

    var lockPath: String {
        let url = URL(fileURLWithPath: path)
        return url.deletingLastPathComponent().appendingPathComponent("." + url.lastPathComponent + ".lock").path
    }

    // MARK: Names

    /// Whether `name` is a valid entry name: `[A-Za-z0-9_][A-Za-z0-9_./-]*`, at most 256 bytes.
    public static func isValidName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard !bytes.isEmpty, bytes.count <= 256 else { return false }
        func ok(_ b: UInt8, first: Bool) -> Bool {
            (b >= 65 && b <= 90) || (b >= 97 && b <= 122) || (b >= 48 && b <= 57) || b == 95
                || (!first && (b == 46 || b == 45 || b == 47))
        }
        return bytes.enumerated().allSatisfy { ok($0.element, first: $0.offset == 0) }
    }

    static func now() -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: Date())
    }

    // MARK: Create and open

    /// Creates a new empty vault at `path` sealed for `recipients`, and writes it (0600).
    ///
    /// - Parameter labels: optional labels, parallel to `recipients` (empty strings allowed).
    /// - Throws: `VaultError.alreadyExists` if the file exists.
    @discardableResult
    public static func create(
        at path: String, recipients: [VaultRecipient], labels: [String] = [], unlock: VaultUnlocker
    ) throws -> Vault {
        guard !recipients.isEmpty else { throw VaultError.invalidRecipient("a vault needs at least one recipient") }
        if FileManager.default.fileExists(atPath: path) { throw VaultError.alreadyExists(path: path) }
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let vault = try Vault(
            path: path, storeID: Digest.hex(SecureRandom.bytes(16)), generation: 0, recipients: [], entries: [:],
            dataKey: SecretBytes.random(32), unlocker: unlock)
        for (index, recipient) in recipients.enumerated() {
            try vault.addRecipient(recipient, label: index < labels.count ? labels[index] : recipient.defaultLabel)
        }
        try vault.save()
        return vault
    }

    /// Opens and verifies the vault at `path`: unlocks the data key with `unlock`, checks the store MAC, and
    /// compares the generation with the local record (see `rollbackStatus`). Values are decrypted on demand.
    public static func open(at path: String, unlock: VaultUnlocker) throws -> Vault {
        let bytes = try AtomicFile.readFile(path)
        let vault = try load(bytes: bytes, path: path, unlock: unlock)
        let record = GenerationRecord(vaultPath: path)
        vault.rollbackStatus = record.status(storeID: vault.storeID, generation: vault.generation)
        record.record(storeID: vault.storeID, generation: vault.generation)
        return vault
    }

    /// Opens the vault under its exclusive lock, runs `body`, and saves the result before releasing the lock, so
    /// concurrent writers never lose each other's changes. Nothing is written if `body` throws.
    @discardableResult
    public static func modify<T>(at path: String, unlock: VaultUnlocker, _ body: (Vault) throws -> T) throws -> T {
        guard FileManager.default.fileExists(atPath: path) else { throw VaultError.notFound(path: path) }
        let url = URL(fileURLWithPath: path)
        let lock = try FileLock(
            path: url.deletingLastPathComponent().appendingPathComponent("." + url.lastPathComponent + ".lock").path)
        defer { withExtendedLifetime(lock) {} }
        let vault = try open(at: path, unlock: unlock)
        vault.lockHeld = true
        defer { vault.lockHeld = false }
        let result = try body(vault)
        try vault.save()
        return result
    }

    /// Parses and unlocks vault bytes, trying `candidateKeys` (cheap MAC checks) before any envelope.
    static func load(bytes: [UInt8], path: String, unlock: VaultUnlocker, candidateKeys: [SecretBytes] = []) throws
        -> Vault
    {
        let (document, mac, macInput) = try VaultDocument.parse(bytes, path: path)
        guard let expectedMAC = hexBytes(mac) else { throw VaultError.integrityCheckFailed(path: path) }
        func macMatches(_ key: SecretBytes) throws -> Bool {
            let (_, macKey) = try subkeys(key)
            return SecureMemory.constantTimeEqual(Digest.hmacSHA256(key: macKey.bytes, message: macInput), expectedMAC)
        }
        var dataKey: SecretBytes? = nil
        for candidate in candidateKeys where try macMatches(candidate) {
            dataKey = candidate
            break
        }
        if dataKey == nil {
            let key = try unlockDataKey(document.recipients, unlock: unlock)
            guard try macMatches(key) else { throw VaultError.integrityCheckFailed(path: path) }
            dataKey = key
        }
        var entries: [String: VaultDocument.Entry] = [:]
        entries.reserveCapacity(document.entries.count)
        for entry in document.entries { entries[entry.name] = entry }
        let vault = try Vault(
            path: path, storeID: document.storeID, generation: document.generation, recipients: document.recipients,
            entries: entries, dataKey: dataKey!, unlocker: unlock)
        vault.loadedBytes = bytes
        return vault
    }

    private static func unlockDataKey(_ recipients: [VaultDocument.Recipient], unlock: VaultUnlocker) throws
        -> SecretBytes
    {
        func tryOpen(_ record: VaultDocument.Recipient, _ identities: [AgeIdentity]) throws -> SecretBytes? {
            let file: [UInt8]
            do { file = try AgeFile.dearmor(record.envelope) } catch let error as AgeError {
                throw VaultError.envelopeDamaged(recipient: record.recipient, reason: error.description)
            }
            do {
                let key = try AgeFile.decrypt(file, identities: identities)
                guard key.count == 32 else {
                    throw VaultError.envelopeDamaged(
                        recipient: record.recipient, reason: "the data key has the wrong size")
                }
                return SecretBytes(key)
            } catch AgeError.noIdentityMatched {
                return nil
            } catch let error as AgeError {
                throw VaultError.envelopeDamaged(recipient: record.recipient, reason: error.description)
            }
        }
        if !unlock.identities.isEmpty {
            for record in recipients where record.recipient != VaultRecipient.passphraseString {
                if let key = try tryOpen(record, unlock.identities) { return key }
            }
        }
        let passphraseRecords = recipients.filter { $0.recipient == VaultRecipient.passphraseString }
        if !passphraseRecords.isEmpty && unlock.canProvidePassphrase {
            let identity = AgeScryptIdentity(passphrase: try unlock.passphrase())
            for record in passphraseRecords {
                if let key = try tryOpen(record, [identity]) { return key }
            }
            throw VaultError.noMatchingKey(tried: "the passphrase")
        }
        if passphraseRecords.isEmpty && unlock.identities.isEmpty {
            throw VaultError.noMatchingKey(tried: "no identity (this vault has no passphrase recipient)")
        }
        throw VaultError.noMatchingKey(tried: unlock.sourceDescription)
    }

    // MARK: Entries

    /// Entry names in order.
    public var entryNames: [String] { entries.keys.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) } }

    /// The clear-text metadata of an entry, or nil if there is none.
    public func metadata(for name: String) -> VaultEntryMetadata? {
        guard let entry = entries[name] else { return nil }
        return VaultEntryMetadata(created: entry.created, updated: entry.updated, source: entry.source)
    }

    func associatedData(_ name: String) -> [UInt8] {
        Array("hush-vault/v1".utf8) + [0] + Array(storeID.utf8) + [0] + Array(name.utf8)
    }

    /// The decrypted value of `name`.
    ///
    /// - Throws: `VaultError.entryNotFound`, or `VaultError.valueTampered` if it fails authentication.
    public func value(for name: String) throws -> [UInt8] {
        guard let entry = entries[name] else { throw VaultError.entryNotFound(name: name) }
        guard let data = Data(base64Encoded: entry.value), data.count >= AEAD.nonceLength + AEAD.tagLength else {
            throw VaultError.valueTampered(name: name)
        }
        let sealed = [UInt8](data)
        do {
            return try AEAD.open(
                .aes256GCM, key: valueKey.bytes, nonce: Array(sealed[0..<AEAD.nonceLength]),
                sealed: Array(sealed[AEAD.nonceLength...]), aad: associatedData(name))
        } catch {
            throw VaultError.valueTampered(name: name)
        }
    }

    /// The decrypted value of `name` as UTF-8 text (invalid sequences replaced).
    public func string(for name: String) throws -> String {
        var bytes = try value(for: name)
        defer { SecureMemory.cleanse(&bytes) }
        return String(decoding: bytes, as: UTF8.self)
    }

    private func seal(_ value: [UInt8], name: String) throws -> String {
        let nonce = SecureRandom.bytes(AEAD.nonceLength)
        let sealed = try AEAD.seal(
            .aes256GCM, key: valueKey.bytes, nonce: nonce, plaintext: value, aad: associatedData(name))
        return Data(nonce + sealed).base64EncodedString()
    }

    /// Sets (adds or replaces) an entry. `source` says where the secret came from; nil keeps the old one.
    /// `created`/`updated` override the timestamps (used by merges); by default they are set from the clock.
    public func set(_ name: String, value: [UInt8], source: String? = nil, metadata: VaultEntryMetadata? = nil) throws {
        guard Vault.isValidName(name) else { throw VaultError.invalidEntryName(name: name) }
        let now = Vault.now()
        let old = entries[name]
        entries[name] = VaultDocument.Entry(
            name: name, created: metadata?.created ?? old?.created ?? now, updated: metadata?.updated ?? now,
            source: metadata?.source ?? source ?? old?.source ?? "", value: try seal(value, name: name))
    }

    /// Removes an entry. - Throws: `VaultError.entryNotFound`.
    public func remove(_ name: String) throws {
        guard entries.removeValue(forKey: name) != nil else { throw VaultError.entryNotFound(name: name) }
    }

    /// Decrypts every value, returning the number of entries. - Throws: `VaultError.valueTampered`.
    @discardableResult
    public func verifyAllValues() throws -> Int {
        for name in entryNames {
            var value = try value(for: name)
            SecureMemory.cleanse(&value)
        }
        return entries.count
    }

    // MARK: Recipients and keys

    /// The recipients, in file order.
    public var recipients: [VaultRecipientInfo] {
        recipientRecords.map { VaultRecipientInfo(recipient: $0.recipient, label: $0.label) }
    }

    private func envelope(for recipient: VaultRecipient) throws -> String {
        AgeFile.armor(try AgeFile.encrypt(dataKey.bytes, to: [recipient.ageRecipient(unlocker: unlocker)]))
    }

    /// Seals the current data key for one more recipient.
    public func addRecipient(_ recipient: VaultRecipient, label: String = "") throws {
        let text = recipient.description
        guard !recipientRecords.contains(where: { $0.recipient == text }) else {
            throw VaultError.recipientExists(text)
        }
        let cleanLabel = String(
            label.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7F }.map(Character.init))
        recipientRecords.append(.init(recipient: text, label: cleanLabel, envelope: try envelope(for: recipient)))
    }

    /// Removes the recipient whose recipient string or label is `match`, then rotates the data key so the removed
    /// key opens nothing written from now on. Rewrapping a passphrase recipient needs the passphrase.
    public func removeRecipient(matching match: String) throws {
        let trimmed = match.trimmingCharacters(in: .whitespacesAndNewlines)
        let canonical = (try? VaultRecipient(parsing: trimmed))?.description ?? trimmed
        let remaining = recipientRecords.filter { $0.recipient != canonical && $0.label != trimmed }
        guard remaining.count < recipientRecords.count else { throw VaultError.recipientNotFound(trimmed) }
        guard !remaining.isEmpty else { throw VaultError.lastRecipient }
        recipientRecords = remaining
        try rotateDataKey()
    }

    /// Replaces the data key with a fresh random one, re-seals every value and every recipient envelope.
    public func rotateDataKey() throws {
        var plain: [(String, [UInt8])] = []
        defer { for index in plain.indices { SecureMemory.cleanse(&plain[index].1) } }
        for name in entryNames { plain.append((name, try value(for: name))) }
        let recipientsNow = try recipientRecords.map { (try VaultRecipient(parsing: $0.recipient), $0.label) }
        dataKey = SecretBytes.random(32)
        (valueKey, macKey) = try Vault.subkeys(dataKey)
        for (name, value) in plain { entries[name]!.value = try seal(value, name: name) }
        recipientRecords = try recipientsNow.map {
            VaultDocument.Recipient(recipient: $0.0.description, label: $0.1, envelope: try envelope(for: $0.0))
        }
    }

    // MARK: Saving

    func document() -> VaultDocument {
        VaultDocument(
            storeID: storeID, generation: generation, recipients: recipientRecords,
            entries: entryNames.map { entries[$0]! })
    }

    func serialized() -> [UInt8] {
        let macInput = document().macInput()
        let mac = Digest.hex(Digest.hmacSHA256(key: macKey.bytes, message: macInput))
        return VaultDocument.file(macInput: macInput, mac: mac)
    }

    /// Writes the vault atomically (0600) under its lock, with the generation raised past any seen before.
    ///
    /// - Throws: `VaultError.concurrentModification` if the file changed on disk since it was opened.
    public func save() throws {
        let lock = lockHeld ? nil : try FileLock(path: lockPath)
        defer { withExtendedLifetime(lock) {} }
        if let loadedBytes {
            let current = try? AtomicFile.readFile(path)
            guard current == loadedBytes else { throw VaultError.concurrentModification(path: path) }
        } else if FileManager.default.fileExists(atPath: path) {
            throw VaultError.alreadyExists(path: path)
        }
        let record = GenerationRecord(vaultPath: path)
        generation = max(generation, record.lastSeen(storeID) ?? 0) + 1
        let bytes = serialized()
        try AtomicFile.writeFile(bytes, to: path)
        loadedBytes = bytes
        record.record(storeID: storeID, generation: generation)
    }

    /// Writes to another path without locking or rollback bookkeeping (used for merge results).
    func write(to otherPath: String, generation newGeneration: UInt64) throws {
        generation = newGeneration
        try AtomicFile.writeFile(serialized(), to: otherPath)
    }
}

func hexBytes(_ text: String) -> [UInt8]? {
    let chars = Array(text.utf8)
    guard chars.count % 2 == 0 else { return nil }
    var out: [UInt8] = []
    out.reserveCapacity(chars.count / 2)
    var index = 0
    while index < chars.count {
        guard let byte = UInt8(String(decoding: chars[index..<(index + 2)], as: UTF8.self), radix: 16) else {
            return nil
        }
        out.append(byte)
        index += 2
    }
    return out
}
