import HushCrypto

private let x25519Label = Array("age-encryption.org/v1/X25519".utf8)
private let sshEd25519Label = Array("age-encryption.org/v1/ssh-ed25519".utf8)
private let scryptLabel = Array("age-encryption.org/v1/scrypt".utf8)
private let zeroNonce = [UInt8](repeating: 0, count: 12)

/// Wraps a file key: ChaCha20-Poly1305 under `wrapKey` with a zero nonce.
private func sealFileKey(_ fileKey: [UInt8], wrapKey: [UInt8]) throws -> [UInt8] {
    try AEAD.seal(.chacha20Poly1305, key: wrapKey, nonce: zeroNonce, plaintext: fileKey)
}

/// Unwraps a file key; nil if the body does not authenticate under `wrapKey`.
private func openFileKey(_ body: [UInt8], wrapKey: [UInt8]) -> [UInt8]? {
    guard body.count == 32 else { return nil }
    return try? AEAD.open(.chacha20Poly1305, key: wrapKey, nonce: zeroNonce, sealed: body)
}

// MARK: X25519

/// An `age1…` recipient: an X25519 public key.
public struct AgeX25519Recipient: AgeRecipient, Equatable {
    public let publicKey: [UInt8]

    public init(publicKey: [UInt8]) throws {
        guard publicKey.count == 32 else { throw AgeError.invalidKey("X25519 public key must be 32 bytes") }
        self.publicKey = publicKey
    }

    /// Parses an `age1…` Bech32 string.
    public init(string: String) throws {
        guard let (hrp, data) = Bech32.decode(string), hrp == "age", data.count == 32, string == string.lowercased()
        else { throw AgeError.invalidKey("not an age1… X25519 recipient") }
        try self.init(publicKey: data)
    }

    /// The `age1…` encoding.
    public var string: String { Bech32.encode(hrp: "age", data: publicKey) }

    public func wrap(fileKey: [UInt8]) throws -> [AgeStanza] {
        var ephemeral = SecureRandom.bytes(32)
        defer { SecureMemory.cleanse(&ephemeral) }
        let share = try X25519.publicKey(privateKey: ephemeral)
        var shared = try X25519.sharedSecret(privateKey: ephemeral, peerPublicKey: publicKey)
        defer { SecureMemory.cleanse(&shared) }
        var wrapKey = try KDF.hkdfSHA256(ikm: shared, salt: share + publicKey, info: x25519Label, length: 32)
        defer { SecureMemory.cleanse(&wrapKey) }
        return [
            AgeStanza(type: "X25519", args: [Base64.encodeRaw(share)], body: try sealFileKey(fileKey, wrapKey: wrapKey))
        ]
    }
}

/// An `AGE-SECRET-KEY-1…` identity: an X25519 private key.
public final class AgeX25519Identity: AgeIdentity {
    private let secret: SecretBytes
    /// The matching recipient.
    public let recipient: AgeX25519Recipient

    public init(privateKey: [UInt8]) throws {
        guard privateKey.count == 32 else { throw AgeError.invalidKey("X25519 private key must be 32 bytes") }
        secret = SecretBytes(privateKey)
        recipient = try AgeX25519Recipient(publicKey: X25519.publicKey(privateKey: privateKey))
    }

    /// A fresh random identity.
    public static func generate() throws -> AgeX25519Identity {
        try AgeX25519Identity(privateKey: SecureRandom.bytes(32))
    }

    /// Parses an `AGE-SECRET-KEY-1…` Bech32 string.
    public convenience init(string: String) throws {
        guard let (hrp, data) = Bech32.decode(string), hrp == "age-secret-key-", data.count == 32,
            string == string.uppercased()
        else { throw AgeError.invalidKey("not an AGE-SECRET-KEY-1… identity") }
        var key = data
        defer { SecureMemory.cleanse(&key) }
        try self.init(privateKey: key)
    }

    /// The `AGE-SECRET-KEY-1…` encoding. Handle with care: this is the secret key.
    public var string: String { Bech32.encode(hrp: "age-secret-key-", data: secret.bytes).uppercased() }

    public func unwrap(stanzas: [AgeStanza]) throws -> [UInt8]? {
        for stanza in stanzas where stanza.type == "X25519" {
            guard stanza.args.count == 1, let share = Base64.decodeRaw(stanza.args[0]), share.count == 32,
                stanza.body.count == 32
            else { throw AgeError.malformed("bad X25519 stanza") }
            guard var shared = try? X25519.sharedSecret(privateKey: secret.bytes, peerPublicKey: share) else {
                throw AgeError.malformed("X25519 stanza has a low-order share")
            }
            defer { SecureMemory.cleanse(&shared) }
            var wrapKey = try KDF.hkdfSHA256(
                ikm: shared, salt: share + recipient.publicKey, info: x25519Label, length: 32)
            defer { SecureMemory.cleanse(&wrapKey) }
            if let fileKey = openFileKey(stanza.body, wrapKey: wrapKey) { return fileKey }
        }
        return nil
    }
}

// MARK: ssh-ed25519

/// SSH wire encoding of a string: 32-bit big-endian length, then the bytes.
func sshString(_ bytes: [UInt8]) -> [UInt8] {
    let n = UInt32(bytes.count)
    return [UInt8(n >> 24), UInt8((n >> 16) & 0xff), UInt8((n >> 8) & 0xff), UInt8(n & 0xff)] + bytes
}

/// An `ssh-ed25519 AAAA…` recipient, as in an OpenSSH `authorized_keys` line.
public struct AgeSSHEd25519Recipient: AgeRecipient, Equatable {
    /// The raw 32-byte Ed25519 public key.
    public let publicKey: [UInt8]
    /// The comment after the key, if any (often user@host).
    public let comment: String

    public init(publicKey: [UInt8], comment: String = "") throws {
        guard publicKey.count == 32 else { throw AgeError.invalidKey("Ed25519 public key must be 32 bytes") }
        self.publicKey = publicKey
        self.comment = comment
    }

    /// Parses `ssh-ed25519 <base64> [comment]`.
    public init(string: String) throws {
        let parts = string.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: true)
        guard parts.count >= 2, parts[0] == "ssh-ed25519", let wire = Base64.decode(parts[1]) else {
            throw AgeError.invalidKey("not an ssh-ed25519 public key line")
        }
        var reader = SSHReader(wire)
        guard let type = reader.string(), type == Array("ssh-ed25519".utf8), let key = reader.string(),
            key.count == 32, reader.atEnd
        else { throw AgeError.invalidKey("bad ssh-ed25519 key encoding") }
        try self.init(publicKey: key, comment: parts.count > 2 ? String(parts[2]) : "")
    }

    /// The SSH wire encoding of the public key.
    public var wire: [UInt8] { sshString(Array("ssh-ed25519".utf8)) + sshString(publicKey) }

    /// `ssh-ed25519 <base64>` without the comment.
    public var string: String { "ssh-ed25519 " + Base64.encode(wire) }

    var tag: String { Base64.encodeRaw(Array(Digest.sha256(wire).prefix(4))) }

    func tweak() throws -> [UInt8] { try KDF.hkdfSHA256(ikm: [], salt: wire, info: sshEd25519Label, length: 32) }

    public func wrap(fileKey: [UInt8]) throws -> [AgeStanza] {
        let converted = try Ed25519Conversion.montgomeryPublicKey(ed25519PublicKey: publicKey)
        var ephemeral = SecureRandom.bytes(32)
        defer { SecureMemory.cleanse(&ephemeral) }
        let share = try X25519.publicKey(privateKey: ephemeral)
        var shared = try X25519.sharedSecret(privateKey: ephemeral, peerPublicKey: converted)
        defer { SecureMemory.cleanse(&shared) }
        var tweaked = try X25519.sharedSecret(privateKey: tweak(), peerPublicKey: shared)
        defer { SecureMemory.cleanse(&tweaked) }
        var wrapKey = try KDF.hkdfSHA256(ikm: tweaked, salt: share + converted, info: sshEd25519Label, length: 32)
        defer { SecureMemory.cleanse(&wrapKey) }
        return [
            AgeStanza(
                type: "ssh-ed25519", args: [tag, Base64.encodeRaw(share)],
                body: try sealFileKey(fileKey, wrapKey: wrapKey))
        ]
    }
}

/// An OpenSSH Ed25519 private key used as an age identity.
public final class AgeSSHEd25519Identity: AgeIdentity {
    private let scalar: SecretBytes
    /// The matching recipient.
    public let recipient: AgeSSHEd25519Recipient

    /// From the 32-byte Ed25519 seed and the public key.
    public init(seed: [UInt8], publicKey: [UInt8]) throws {
        scalar = SecretBytes(try Ed25519Conversion.x25519PrivateKey(ed25519Seed: seed))
        recipient = try AgeSSHEd25519Recipient(publicKey: publicKey)
    }

    public func unwrap(stanzas: [AgeStanza]) throws -> [UInt8]? {
        let converted = try Ed25519Conversion.montgomeryPublicKey(ed25519PublicKey: recipient.publicKey)
        for stanza in stanzas where stanza.type == "ssh-ed25519" {
            guard stanza.args.count == 2, let share = Base64.decodeRaw(stanza.args[1]), share.count == 32,
                stanza.body.count == 32
            else { throw AgeError.malformed("bad ssh-ed25519 stanza") }
            guard stanza.args[0] == recipient.tag else { continue }
            guard var shared = try? X25519.sharedSecret(privateKey: scalar.bytes, peerPublicKey: share) else {
                throw AgeError.malformed("ssh-ed25519 stanza has a low-order share")
            }
            defer { SecureMemory.cleanse(&shared) }
            var tweaked = try X25519.sharedSecret(privateKey: recipient.tweak(), peerPublicKey: shared)
            defer { SecureMemory.cleanse(&tweaked) }
            var wrapKey = try KDF.hkdfSHA256(
                ikm: tweaked, salt: share + converted, info: sshEd25519Label, length: 32)
            defer { SecureMemory.cleanse(&wrapKey) }
            if let fileKey = openFileKey(stanza.body, wrapKey: wrapKey) { return fileKey }
        }
        return nil
    }
}

// MARK: scrypt

/// A passphrase recipient: the file key wrapped under scrypt(passphrase).
public struct AgeScryptRecipient: AgeRecipient {
    /// age's default work factor, 2^18.
    public static let defaultLogN = 18
    let passphrase: [UInt8]
    let logN: Int

    public init(passphrase: [UInt8], logN: Int = AgeScryptRecipient.defaultLogN) {
        self.passphrase = passphrase
        self.logN = logN
    }

    public func wrap(fileKey: [UInt8]) throws -> [AgeStanza] {
        let salt = SecureRandom.bytes(16)
        var key = try KDF.scrypt(password: passphrase, salt: scryptLabel + salt, logN: logN, length: 32)
        defer { SecureMemory.cleanse(&key) }
        return [
            AgeStanza(
                type: "scrypt", args: [Base64.encodeRaw(salt), String(logN)],
                body: try sealFileKey(fileKey, wrapKey: key))
        ]
    }
}

/// A passphrase identity for scrypt stanzas.
public final class AgeScryptIdentity: AgeIdentity {
    private let passphrase: SecretBytes
    let maxLogN: Int

    public init(passphrase: [UInt8], maxLogN: Int = KDF.maxScryptLogN) {
        self.passphrase = SecretBytes(passphrase)
        self.maxLogN = maxLogN
    }

    public func unwrap(stanzas: [AgeStanza]) throws -> [UInt8]? {
        for stanza in stanzas where stanza.type == "scrypt" {
            guard stanza.args.count == 2, let salt = Base64.decodeRaw(stanza.args[0]), salt.count == 16,
                let logN = Int(stanza.args[1]), String(logN) == stanza.args[1], logN > 0, stanza.body.count == 32
            else { throw AgeError.malformed("bad scrypt stanza") }
            guard logN <= maxLogN else { throw AgeError.workFactorTooHigh(logN) }
            var key = try KDF.scrypt(password: passphrase.bytes, salt: scryptLabel + salt, logN: logN, length: 32)
            defer { SecureMemory.cleanse(&key) }
            if let fileKey = openFileKey(stanza.body, wrapKey: key) { return fileKey }
        }
        return nil
    }
}
