import COpenSSL

/// X25519 key agreement (RFC 7748) through OpenSSL's EVP_PKEY interface.
public enum X25519 {
    public static let keyLength = 32

    /// The public key (u-coordinate) of the private scalar `privateKey`.
    public static func publicKey(privateKey: [UInt8]) throws -> [UInt8] {
        let key = try makePrivate(privateKey)
        defer { EVP_PKEY_free(key) }
        var out = [UInt8](repeating: 0, count: keyLength)
        var length = keyLength
        guard EVP_PKEY_get_raw_public_key(key, &out, &length) == 1, length == keyLength else {
            throw CryptoError.openSSL("X25519 public key")
        }
        return out
    }

    /// X25519(`privateKey`, `peerPublicKey`). Fails for an all-zero result (a low-order peer point).
    public static func sharedSecret(privateKey: [UInt8], peerPublicKey: [UInt8]) throws -> [UInt8] {
        guard peerPublicKey.count == keyLength else { throw CryptoError.invalidLength("X25519 public key") }
        let key = try makePrivate(privateKey)
        defer { EVP_PKEY_free(key) }
        guard let peer = EVP_PKEY_new_raw_public_key(EVP_PKEY_X25519, nil, peerPublicKey, keyLength) else {
            throw CryptoError.openSSL("X25519 peer key")
        }
        defer { EVP_PKEY_free(peer) }
        guard let ctx = EVP_PKEY_CTX_new(key, nil) else { throw CryptoError.openSSL("EVP_PKEY_CTX_new") }
        defer { EVP_PKEY_CTX_free(ctx) }
        var out = [UInt8](repeating: 0, count: keyLength)
        var length = keyLength
        guard EVP_PKEY_derive_init(ctx) == 1, EVP_PKEY_derive_set_peer(ctx, peer) == 1,
            EVP_PKEY_derive(ctx, &out, &length) == 1, length == keyLength
        else {
            ERR_clear_error()
            throw CryptoError.openSSL("X25519 derive")
        }
        guard out.contains(where: { $0 != 0 }) else { throw CryptoError.openSSL("X25519 all-zero output") }
        return out
    }

    private static func makePrivate(_ privateKey: [UInt8]) throws -> OpaquePointer {
        guard privateKey.count == keyLength else { throw CryptoError.invalidLength("X25519 private key") }
        guard let key = EVP_PKEY_new_raw_private_key(EVP_PKEY_X25519, nil, privateKey, keyLength) else {
            throw CryptoError.openSSL("X25519 private key")
        }
        return key
    }
}

/// Conversions from Ed25519 keys to X25519 keys, as used by age's ssh-ed25519 recipients.
public enum Ed25519Conversion {
    /// Maps an Ed25519 public key (compressed Edwards y) to the X25519 u-coordinate: u = (1 + y) / (1 - y) mod p.
    ///
    /// Field arithmetic mod p = 2^255 - 19 is done with OpenSSL's BIGNUM.
    public static func montgomeryPublicKey(ed25519PublicKey: [UInt8]) throws -> [UInt8] {
        guard ed25519PublicKey.count == 32 else { throw CryptoError.invalidLength("Ed25519 public key") }
        var yBytes = ed25519PublicKey
        yBytes[31] &= 0x7F  // drop the sign bit of x
        guard let ctx = BN_CTX_new() else { throw CryptoError.openSSL("BN_CTX_new") }
        defer { BN_CTX_free(ctx) }
        let p = BN_new(), y = BN_new(), one = BN_new(), numerator = BN_new(), denominator = BN_new()
        let u = BN_new()
        defer { for number in [p, y, one, numerator, denominator, u] { BN_free(number) } }
        // p = 2^255 - 19
        guard BN_set_word(one, 1) == 1, BN_lshift(p, one, 255) == 1, BN_sub_word(p, 19) == 1,
            BN_lebin2bn(yBytes, 32, y) != nil
        else { throw CryptoError.openSSL("BIGNUM setup") }
        guard BN_cmp(y, p) < 0 else { throw CryptoError.invalidLength("Ed25519 public key is not canonical") }
        guard BN_mod_add(numerator, one, y, p, ctx) == 1, BN_mod_sub(denominator, one, y, p, ctx) == 1,
            BN_is_zero(denominator) == 0,
            BN_mod_inverse(denominator, denominator, p, ctx) != nil,
            BN_mod_mul(u, numerator, denominator, p, ctx) == 1
        else { throw CryptoError.openSSL("Edwards to Montgomery conversion") }
        var out = [UInt8](repeating: 0, count: 32)
        guard BN_bn2lebinpad(u, &out, 32) == 32 else { throw CryptoError.openSSL("BN_bn2lebinpad") }
        return out
    }

    /// The X25519 private scalar for an Ed25519 seed: the first 32 bytes of SHA-512(seed), clamped.
    public static func x25519PrivateKey(ed25519Seed: [UInt8]) throws -> [UInt8] {
        guard ed25519Seed.count == 32 else { throw CryptoError.invalidLength("Ed25519 seed") }
        var hash = Digest.sha512(ed25519Seed)
        var scalar = Array(hash[0..<32])
        SecureMemory.cleanse(&hash)
        scalar[0] &= 248
        scalar[31] &= 127
        scalar[31] |= 64
        return scalar
    }
}

extension Digest {
    /// SHA-512 of `bytes`.
    public static func sha512<C: Collection>(_ bytes: C) -> [UInt8] where C.Element == UInt8 {
        let input = Array(bytes)
        var output = [UInt8](repeating: 0, count: 64)
        var length: UInt32 = 0
        let ok = input.withUnsafeBufferPointer { buffer in
            EVP_Digest(buffer.baseAddress, buffer.count, &output, &length, EVP_sha512(), nil)
        }
        precondition(ok == 1, "OpenSSL SHA-512 failed")
        return output
    }
}
