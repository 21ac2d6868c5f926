import COpenSSL

/// Errors from the symmetric primitives.
public enum CryptoError: Error, Equatable, CustomStringConvertible {
    /// Authentication of a sealed message failed: wrong key, or the data was changed.
    case authenticationFailed
    /// An input had the wrong size (a key, nonce or tag).
    case invalidLength(String)
    /// OpenSSL reported an internal failure.
    case openSSL(String)

    public var description: String {
        switch self {
        case .authenticationFailed: return "authentication failed (wrong key or altered data)"
        case .invalidLength(let what): return "invalid length: \(what)"
        case .openSSL(let what): return "OpenSSL failure in \(what)"
        }
    }
}

/// Authenticated encryption (AEAD) through OpenSSL's EVP_CIPHER interface.
///
/// Both ciphers use a 256-bit key, a 96-bit nonce and a 128-bit tag appended to the ciphertext.
public enum AEAD {
    /// The AEAD algorithms Hush uses.
    public enum Algorithm {
        case aes256GCM
        case chacha20Poly1305

        fileprivate var cipher: OpaquePointer? {
            switch self {
            case .aes256GCM: return EVP_aes_256_gcm()
            case .chacha20Poly1305: return EVP_chacha20_poly1305()
            }
        }
    }

    public static let keyLength = 32
    public static let nonceLength = 12
    public static let tagLength = 16

    /// Encrypts `plaintext`, returning ciphertext followed by the 16-byte tag.
    public static func seal(
        _ algorithm: Algorithm, key: [UInt8], nonce: [UInt8], plaintext: [UInt8], aad: [UInt8] = []
    ) throws -> [UInt8] {
        guard key.count == keyLength else { throw CryptoError.invalidLength("AEAD key") }
        guard nonce.count == nonceLength else { throw CryptoError.invalidLength("AEAD nonce") }
        guard let ctx = EVP_CIPHER_CTX_new() else { throw CryptoError.openSSL("EVP_CIPHER_CTX_new") }
        defer { EVP_CIPHER_CTX_free(ctx) }
        var out = [UInt8](repeating: 0, count: plaintext.count + tagLength + 16)
        var length: Int32 = 0
        var total = 0
        guard EVP_EncryptInit_ex(ctx, algorithm.cipher, nil, nil, nil) == 1,
            EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_IVLEN, Int32(nonceLength), nil) == 1,
            EVP_EncryptInit_ex(ctx, nil, nil, key, nonce) == 1
        else { throw CryptoError.openSSL("AEAD encrypt init") }
        if !aad.isEmpty {
            guard EVP_EncryptUpdate(ctx, nil, &length, aad, Int32(aad.count)) == 1 else {
                throw CryptoError.openSSL("AEAD aad")
            }
        }
        let ok = out.withUnsafeMutableBufferPointer { buffer -> Bool in
            let base = buffer.baseAddress!
            if !plaintext.isEmpty {
                guard EVP_EncryptUpdate(ctx, base, &length, plaintext, Int32(plaintext.count)) == 1 else {
                    return false
                }
                total = Int(length)
            }
            guard EVP_EncryptFinal_ex(ctx, base + total, &length) == 1 else { return false }
            total += Int(length)
            return EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG, Int32(tagLength), base + total) == 1
        }
        guard ok else { throw CryptoError.openSSL("AEAD encrypt") }
        out.removeSubrange((total + tagLength)...)
        return out
    }

    /// Decrypts and authenticates `sealed` (ciphertext followed by tag).
    ///
    /// Throws ``CryptoError/authenticationFailed`` without returning any plaintext if the tag does not match.
    public static func open(
        _ algorithm: Algorithm, key: [UInt8], nonce: [UInt8], sealed: [UInt8], aad: [UInt8] = []
    ) throws -> [UInt8] {
        guard key.count == keyLength else { throw CryptoError.invalidLength("AEAD key") }
        guard nonce.count == nonceLength else { throw CryptoError.invalidLength("AEAD nonce") }
        guard sealed.count >= tagLength else { throw CryptoError.authenticationFailed }
        guard let ctx = EVP_CIPHER_CTX_new() else { throw CryptoError.openSSL("EVP_CIPHER_CTX_new") }
        defer { EVP_CIPHER_CTX_free(ctx) }
        let cipherLength = sealed.count - tagLength
        var tag = Array(sealed[cipherLength...])
        var out = [UInt8](repeating: 0, count: cipherLength + 16)
        var length: Int32 = 0
        var total = 0
        guard EVP_DecryptInit_ex(ctx, algorithm.cipher, nil, nil, nil) == 1,
            EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_IVLEN, Int32(nonceLength), nil) == 1,
            EVP_DecryptInit_ex(ctx, nil, nil, key, nonce) == 1
        else { throw CryptoError.openSSL("AEAD decrypt init") }
        if !aad.isEmpty {
            guard EVP_DecryptUpdate(ctx, nil, &length, aad, Int32(aad.count)) == 1 else {
                throw CryptoError.openSSL("AEAD aad")
            }
        }
        let ok = out.withUnsafeMutableBufferPointer { buffer -> Bool in
            let base = buffer.baseAddress!
            if cipherLength > 0 {
                let updated = sealed.withUnsafeBufferPointer { input in
                    EVP_DecryptUpdate(ctx, base, &length, input.baseAddress, Int32(cipherLength))
                }
                guard updated == 1 else { return false }
                total = Int(length)
            }
            guard EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG, Int32(tagLength), &tag) == 1 else { return false }
            guard EVP_DecryptFinal_ex(ctx, base + total, &length) == 1 else { return false }
            total += Int(length)
            return true
        }
        guard ok else {
            SecureMemory.cleanse(&out)
            throw CryptoError.authenticationFailed
        }
        out.removeSubrange(total...)
        return out
    }
}
