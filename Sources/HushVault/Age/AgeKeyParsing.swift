import Foundation
import HushCrypto

/// Reads SSH wire-format fields.
struct SSHReader {
    private let bytes: [UInt8]
    private var offset = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var atEnd: Bool { offset == bytes.count }

    mutating func uint32() -> UInt32? {
        guard offset + 4 <= bytes.count else { return nil }
        let value = bytes[offset..<(offset + 4)].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        offset += 4
        return value
    }

    mutating func string() -> [UInt8]? {
        guard let length = uint32(), Int(length) <= bytes.count - offset else { return nil }
        let value = Array(bytes[offset..<(offset + Int(length))])
        offset += Int(length)
        return value
    }
}

/// Parsing of recipient strings and identity files in the formats age accepts.
public enum AgeKeys {
    /// Parses a recipient: `age1…` or `ssh-ed25519 AAAA… [comment]`.
    public static func recipient(from text: String) throws -> AgeRecipient {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.hasPrefix("age1") { return try AgeX25519Recipient(string: trimmed) }
        if trimmed.hasPrefix("ssh-ed25519 ") { return try AgeSSHEd25519Recipient(string: trimmed) }
        if trimmed.hasPrefix("ssh-rsa ") {
            throw AgeError.invalidKey("ssh-rsa recipients are not supported; use ssh-ed25519")
        }
        throw AgeError.invalidKey("expected an age1… or ssh-ed25519 recipient")
    }

    /// Parses identities from the text of an identity file: an age identity file (`AGE-SECRET-KEY-1…` lines,
    /// `#` comments) or an unencrypted OpenSSH Ed25519 private key.
    public static func identities(fromFileText text: String) throws -> [AgeIdentity] {
        if text.contains("-----BEGIN OPENSSH PRIVATE KEY-----") { return [try openSSHIdentity(pem: text)] }
        var identities: [AgeIdentity] = []
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            guard line.hasPrefix("AGE-SECRET-KEY-1") else {
                throw AgeError.invalidKey("line \(index + 1) of the identity file is not an AGE-SECRET-KEY-1… key")
            }
            identities.append(try AgeX25519Identity(string: line))
        }
        guard !identities.isEmpty else { throw AgeError.invalidKey("the identity file holds no keys") }
        return identities
    }

    /// Parses an unencrypted `openssh-key-v1` Ed25519 private key.
    static func openSSHIdentity(pem: String) throws -> AgeSSHEd25519Identity {
        let lines = pem.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
        guard let begin = lines.firstIndex(of: "-----BEGIN OPENSSH PRIVATE KEY-----"),
            let end = lines.firstIndex(of: "-----END OPENSSH PRIVATE KEY-----"), begin < end,
            let data = Data(base64Encoded: lines[(begin + 1)..<end].joined())
        else { throw AgeError.invalidKey("bad OpenSSH private key armor") }
        var blob = [UInt8](data)
        defer { SecureMemory.cleanse(&blob) }
        let magic = Array("openssh-key-v1\0".utf8)
        guard blob.starts(with: magic) else { throw AgeError.invalidKey("not an openssh-key-v1 private key") }
        var reader = SSHReader(Array(blob[magic.count...]))
        guard let cipher = reader.string(), let kdf = reader.string(), reader.string() != nil,
            let count = reader.uint32(), count == 1, reader.string() != nil, var secret = reader.string()
        else { throw AgeError.invalidKey("bad OpenSSH private key structure") }
        defer { SecureMemory.cleanse(&secret) }
        guard cipher == Array("none".utf8), kdf == Array("none".utf8) else {
            throw AgeError.invalidKey(
                "passphrase-protected SSH keys are not supported; decrypt a copy with ssh-keygen -p, "
                    + "or use an age identity"
            )
        }
        var inner = SSHReader(secret)
        guard let check1 = inner.uint32(), let check2 = inner.uint32(), check1 == check2,
            let type = inner.string()
        else { throw AgeError.invalidKey("bad OpenSSH private key section") }
        guard type == Array("ssh-ed25519".utf8) else {
            throw AgeError.invalidKey("only ssh-ed25519 SSH keys are supported")
        }
        guard let publicKey = inner.string(), publicKey.count == 32, var privateKey = inner.string(),
            privateKey.count == 64
        else { throw AgeError.invalidKey("bad ssh-ed25519 private key") }
        defer { SecureMemory.cleanse(&privateKey) }
        return try AgeSSHEd25519Identity(seed: Array(privateKey[0..<32]), publicKey: publicKey)
    }
}
