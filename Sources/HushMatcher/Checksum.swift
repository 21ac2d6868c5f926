/// Checksums that some providers embed in their tokens. A rule names one with
/// `checksum:`; a candidate whose checksum does not verify is dropped.
public enum Checksum: String, CaseIterable, Sendable {
    /// `PREFIX_` + payload + 6 base62 digits of the CRC32 of the payload
    /// (GitHub's token format, also used by npm). GitHub does not publish
    /// the order of its base62 digits and implementations differ (`0-9A-Za-z`
    /// and `A-Za-z0-9`), so either is accepted: a made-up or corrupted token
    /// still passes with odds of 2 in 62^6.
    case crc32Base62Suffix = "crc32-base62"

    /// Whether `token` carries a valid checksum of this kind.
    public func verify(_ token: Substring) -> Bool {
        switch self {
        case .crc32Base62Suffix: return Self.verifyCRC32Base62(token)
        }
    }

    private static func verifyCRC32Base62(_ token: Substring) -> Bool {
        let bytes = Array(token.utf8)
        guard let underscore = bytes.lastIndex(of: UInt8(ascii: "_")) else { return false }
        let body = bytes[(underscore + 1)...]
        guard body.count > 6 else { return false }
        let payload = body.dropLast(6)
        let crc = CRC32.checksum(payload)
        let found = Array(body.suffix(6))
        return alphabets.contains { base62(crc, width: 6, alphabet: $0) == found }
    }

    static let alphabets = [
        Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".utf8),
        Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789".utf8),
    ]

    /// `value` in base 62 over `alphabet`, left-padded with `0` to `width` digits.
    static func base62(_ value: UInt32, width: Int, alphabet: [UInt8]) -> [UInt8] {
        var digits: [UInt8] = []
        var remaining = value
        repeat {
            digits.append(alphabet[Int(remaining % 62)])
            remaining /= 62
        } while remaining > 0
        while digits.count < width { digits.append(UInt8(ascii: "0")) }
        return digits.reversed()
    }
}

/// CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320), as zlib computes it.
///
/// A table-driven implementation of a few lines; tokens are short, so linking
/// zlib for this alone would buy nothing.
public enum CRC32 {
    private static let table: [UInt32] = (0..<256).map { index in
        var value = UInt32(index)
        for _ in 0..<8 { value = value & 1 == 1 ? 0xEDB8_8320 ^ (value >> 1) : value >> 1 }
        return value
    }

    /// The CRC-32 of `bytes`.
    public static func checksum<C: Collection>(_ bytes: C) -> UInt32 where C.Element == UInt8 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
        return crc ^ 0xFFFF_FFFF
    }
}
