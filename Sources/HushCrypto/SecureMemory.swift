import COpenSSL

/// Wiping of key material with `OPENSSL_cleanse`.
///
/// Swift arrays are values and may have been copied before they are wiped, so this is best effort:
/// it clears the buffer that is passed in, which is the one that held the key longest.
public enum SecureMemory {
    /// Overwrites every byte of `bytes` with zeros in a way the compiler does not remove.
    public static func cleanse(_ bytes: inout [UInt8]) {
        bytes.withUnsafeMutableBytes { buffer in
            if let base = buffer.baseAddress, buffer.count > 0 { OPENSSL_cleanse(base, buffer.count) }
        }
    }

    /// Constant-time comparison of two byte strings of equal length.
    public static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        if a.isEmpty { return true }
        return CRYPTO_memcmp(a, b, a.count) == 0
    }
}

/// A byte buffer holding key material, wiped when the last reference goes away.
public final class SecretBytes {
    /// The secret bytes. Avoid keeping copies of this array.
    public private(set) var bytes: [UInt8]

    public init(_ bytes: [UInt8]) { self.bytes = bytes }

    /// `count` fresh random bytes.
    public static func random(_ count: Int) -> SecretBytes { SecretBytes(SecureRandom.bytes(count)) }

    deinit { SecureMemory.cleanse(&bytes) }
}
