import Foundation
import HushCrypto

/// Errors reading or writing age-encryption.org/v1 files.
public enum AgeError: Error, Equatable, CustomStringConvertible {
    /// The file does not follow the age format.
    case malformed(String)
    /// No identity could unwrap the file key (wrong passphrase, wrong identity, or not a recipient).
    case noIdentityMatched
    /// The header MAC did not verify: the header was changed.
    case headerMACMismatch
    /// The payload failed authentication: it was changed or truncated.
    case payloadAuthenticationFailed
    /// An scrypt stanza asks for more work than allowed.
    case workFactorTooHigh(Int)
    /// A recipient or identity string could not be parsed.
    case invalidKey(String)

    public var description: String {
        switch self {
        case .malformed(let why): return "malformed age envelope: \(why)"
        case .noIdentityMatched: return "no identity matched (wrong passphrase or identity, or not a recipient)"
        case .headerMACMismatch: return "age header MAC mismatch (the envelope was altered)"
        case .payloadAuthenticationFailed: return "age payload failed authentication (altered or truncated)"
        case .workFactorTooHigh(let logN): return "scrypt work factor 2^\(logN) is above the allowed maximum"
        case .invalidKey(let why): return "invalid key: \(why)"
        }
    }
}

/// One recipient stanza of an age header: `-> type args…` followed by a Base64 body.
public struct AgeStanza: Equatable {
    public var type: String
    public var args: [String]
    public var body: [UInt8]

    public init(type: String, args: [String], body: [UInt8]) {
        self.type = type
        self.args = args
        self.body = body
    }
}

/// Something a file key can be wrapped for (an age recipient).
public protocol AgeRecipient {
    /// Wraps the 16-byte file key into one or more stanzas.
    func wrap(fileKey: [UInt8]) throws -> [AgeStanza]
}

/// Something that can unwrap a file key (an age identity).
public protocol AgeIdentity {
    /// Returns the file key if one of `stanzas` is for this identity, nil if none is.
    func unwrap(stanzas: [AgeStanza]) throws -> [UInt8]?
}

/// Reading and writing age-encryption.org/v1 files (binary and ASCII-armored).
public enum AgeFile {
    static let intro = "age-encryption.org/v1"
    static let fileKeyLength = 16
    static let chunkSize = 64 * 1024

    // MARK: Encrypt

    /// Encrypts `plaintext` to `recipients`, returning the binary age file.
    public static func encrypt(_ plaintext: [UInt8], to recipients: [AgeRecipient]) throws -> [UInt8] {
        guard !recipients.isEmpty else { throw AgeError.malformed("no recipients") }
        var fileKey = SecureRandom.bytes(fileKeyLength)
        defer { SecureMemory.cleanse(&fileKey) }
        var stanzas: [AgeStanza] = []
        for recipient in recipients { stanzas += try recipient.wrap(fileKey: fileKey) }
        if stanzas.contains(where: { $0.type == "scrypt" }) && stanzas.count > 1 {
            throw AgeError.malformed("an scrypt stanza must be the only stanza")
        }
        var header = Array((intro + "\n").utf8)
        for stanza in stanzas { header += encodeStanza(stanza) }
        header += Array("---".utf8)
        let mac = try headerMAC(fileKey: fileKey, header: header)
        header += Array((" " + Base64.encodeRaw(mac) + "\n").utf8)
        let nonce = SecureRandom.bytes(16)
        var payloadKey = try KDF.hkdfSHA256(ikm: fileKey, salt: nonce, info: Array("payload".utf8), length: 32)
        defer { SecureMemory.cleanse(&payloadKey) }
        return header + nonce + (try streamSeal(key: payloadKey, plaintext: plaintext))
    }

    static func encodeStanza(_ stanza: AgeStanza) -> [UInt8] {
        var text = "-> " + ([stanza.type] + stanza.args).joined(separator: " ") + "\n"
        let body = Base64.encodeRaw(stanza.body)
        var index = body.startIndex
        while true {
            let end = body.index(index, offsetBy: 64, limitedBy: body.endIndex) ?? body.endIndex
            let line = body[index..<end]
            text += line + "\n"
            if line.count < 64 { break }
            index = end
        }
        return Array(text.utf8)
    }

    static func headerMAC(fileKey: [UInt8], header: [UInt8]) throws -> [UInt8] {
        var key = try KDF.hkdfSHA256(ikm: fileKey, salt: [], info: Array("header".utf8), length: 32)
        defer { SecureMemory.cleanse(&key) }
        return Digest.hmacSHA256(key: key, message: header)
    }

    static func streamNonce(counter: UInt64, last: Bool) -> [UInt8] {
        var nonce = [UInt8](repeating: 0, count: 12)
        for i in 0..<8 { nonce[10 - i] = UInt8((counter >> UInt64(8 * i)) & 0xff) }
        nonce[11] = last ? 1 : 0
        return nonce
    }

    static func streamSeal(key: [UInt8], plaintext: [UInt8]) throws -> [UInt8] {
        var out: [UInt8] = []
        var counter: UInt64 = 0
        var offset = 0
        repeat {
            let end = min(offset + chunkSize, plaintext.count)
            let last = end == plaintext.count
            out += try AEAD.seal(
                .chacha20Poly1305, key: key, nonce: streamNonce(counter: counter, last: last),
                plaintext: Array(plaintext[offset..<end]))
            offset = end
            counter += 1
        } while offset < plaintext.count
        return out
    }

    // MARK: Decrypt

    /// A parsed header: its stanzas, its MAC, and the bytes the MAC covers.
    struct Header {
        var stanzas: [AgeStanza]
        var mac: [UInt8]
        var macInput: [UInt8]
        var payloadOffset: Int
    }

    static func parseHeader(_ file: [UInt8]) throws -> Header {
        var position = 0
        func nextLine() throws -> ArraySlice<UInt8> {
            guard let newline = file[position...].firstIndex(of: 0x0A) else {
                throw AgeError.malformed("header ends early")
            }
            let line = file[position..<newline]
            position = newline + 1
            return line
        }
        guard String(decoding: try nextLine(), as: UTF8.self) == intro else {
            throw AgeError.malformed("not an age-encryption.org/v1 file")
        }
        var stanzas: [AgeStanza] = []
        while true {
            let lineStart = position
            let line = String(decoding: try nextLine(), as: UTF8.self)
            if line.hasPrefix("--- ") {
                guard let mac = Base64.decodeRaw(line.dropFirst(4)), mac.count == 32 else {
                    throw AgeError.malformed("bad header MAC encoding")
                }
                let macInput = Array(file[0..<(lineStart + 3)])
                return Header(stanzas: stanzas, mac: mac, macInput: macInput, payloadOffset: position)
            }
            guard line.hasPrefix("-> ") else { throw AgeError.malformed("unexpected header line") }
            let fields = line.dropFirst(3).split(separator: " ", omittingEmptySubsequences: false).map(String.init)
            guard let type = fields.first, fields.allSatisfy({ !$0.isEmpty && isVisibleASCII($0) }) else {
                throw AgeError.malformed("bad stanza arguments")
            }
            var body: [UInt8] = []
            while true {
                let bodyLine = try nextLine()
                guard bodyLine.count <= 64, let decoded = Base64.decodeRaw(String(decoding: bodyLine, as: UTF8.self))
                else { throw AgeError.malformed("bad stanza body") }
                body += decoded
                if bodyLine.count < 64 { break }
            }
            stanzas.append(AgeStanza(type: type, args: Array(fields.dropFirst()), body: body))
        }
    }

    private static func isVisibleASCII(_ text: String) -> Bool {
        text.utf8.allSatisfy { $0 >= 33 && $0 <= 126 }
    }

    /// Decrypts a binary age file with the first of `identities` that matches.
    public static func decrypt(_ file: [UInt8], identities: [AgeIdentity]) throws -> [UInt8] {
        let header = try parseHeader(file)
        let scryptCount = header.stanzas.filter { $0.type == "scrypt" }.count
        if scryptCount > 0 && header.stanzas.count != 1 {
            throw AgeError.malformed("an scrypt stanza must be the only stanza")
        }
        var fileKey: [UInt8]? = nil
        for identity in identities {
            if let key = try identity.unwrap(stanzas: header.stanzas) {
                fileKey = key
                break
            }
        }
        guard var key = fileKey, key.count == fileKeyLength else { throw AgeError.noIdentityMatched }
        defer { SecureMemory.cleanse(&key) }
        let expected = try headerMAC(fileKey: key, header: header.macInput)
        guard SecureMemory.constantTimeEqual(expected, header.mac) else { throw AgeError.headerMACMismatch }
        let rest = file[header.payloadOffset...]
        guard rest.count >= 16 + AEAD.tagLength else { throw AgeError.payloadAuthenticationFailed }
        let nonce = Array(rest.prefix(16))
        var payloadKey = try KDF.hkdfSHA256(ikm: key, salt: nonce, info: Array("payload".utf8), length: 32)
        defer { SecureMemory.cleanse(&payloadKey) }
        return try streamOpen(key: payloadKey, ciphertext: Array(rest.dropFirst(16)))
    }

    static func streamOpen(key: [UInt8], ciphertext: [UInt8]) throws -> [UInt8] {
        let sealedChunk = chunkSize + AEAD.tagLength
        var out: [UInt8] = []
        var offset = 0
        var counter: UInt64 = 0
        while offset < ciphertext.count {
            let end = min(offset + sealedChunk, ciphertext.count)
            let last = end == ciphertext.count
            do {
                let chunk = try AEAD.open(
                    .chacha20Poly1305, key: key, nonce: streamNonce(counter: counter, last: last),
                    sealed: Array(ciphertext[offset..<end]))
                if last && chunk.isEmpty && counter > 0 { throw AgeError.payloadAuthenticationFailed }
                out += chunk
            } catch {
                SecureMemory.cleanse(&out)
                throw AgeError.payloadAuthenticationFailed
            }
            offset = end
            counter += 1
        }
        return out
    }

    // MARK: ASCII armor

    static let armorBegin = "-----BEGIN AGE ENCRYPTED FILE-----"
    static let armorEnd = "-----END AGE ENCRYPTED FILE-----"

    /// The ASCII-armored (PEM-like) form of a binary age file, as `age --armor` writes it.
    public static func armor(_ file: [UInt8]) -> String {
        let encoded = Base64.encode(file)
        var lines = [armorBegin]
        var index = encoded.startIndex
        while index < encoded.endIndex {
            let end = encoded.index(index, offsetBy: 64, limitedBy: encoded.endIndex) ?? encoded.endIndex
            lines.append(String(encoded[index..<end]))
            index = end
        }
        lines.append(armorEnd)
        return lines.joined(separator: "\n") + "\n"
    }

    /// The binary age file inside an ASCII-armored one.
    public static func dearmor(_ text: String) throws -> [UInt8] {
        let lines = text.trimmingCharacters(in: .whitespacesAndNewlines)
            .split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.hasSuffix("\r") ? String($0.dropLast()) : String($0) }
        guard lines.count >= 3, lines.first == armorBegin, lines.last == armorEnd else {
            throw AgeError.malformed("not an ASCII-armored age file")
        }
        let body = lines.dropFirst().dropLast()
        for (index, line) in body.enumerated() {
            let isLast = index == body.count - 1
            guard isLast ? (line.count >= 1 && line.count <= 64) : line.count == 64 else {
                throw AgeError.malformed("armor lines must be 64 columns")
            }
        }
        guard let bytes = Base64.decode(body.joined()) else { throw AgeError.malformed("bad armor Base64") }
        return bytes
    }
}
