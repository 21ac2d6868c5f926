import COpenSSL

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Key derivation through OpenSSL's EVP_KDF interface (HKDF) and EVP_PBE_scrypt.
public enum KDF {
    /// HKDF-SHA-256 (RFC 5869): extract with `salt` (empty means the RFC's zero salt), expand with `info`.
    public static func hkdfSHA256(ikm: [UInt8], salt: [UInt8], info: [UInt8], length: Int) throws -> [UInt8] {
        guard let kdf = EVP_KDF_fetch(nil, "HKDF", nil) else { throw CryptoError.openSSL("EVP_KDF_fetch HKDF") }
        defer { EVP_KDF_free(kdf) }
        guard let ctx = EVP_KDF_CTX_new(kdf) else { throw CryptoError.openSSL("EVP_KDF_CTX_new") }
        defer { EVP_KDF_CTX_free(ctx) }
        // OpenSSL wants non-null buffers; a one-byte scratch stands in for empty inputs.
        var key = ikm.isEmpty ? [0] : ikm
        var saltBytes = salt.isEmpty ? [0] : salt
        var infoBytes = info.isEmpty ? [0] : info
        defer { SecureMemory.cleanse(&key) }
        var out = [UInt8](repeating: 0, count: length)
        let result = key.withUnsafeMutableBytes { keyBuffer in
            saltBytes.withUnsafeMutableBytes { saltBuffer in
                infoBytes.withUnsafeMutableBytes { infoBuffer -> Int32 in
                    // OSSL_PARAM keeps pointers to its names and values, so every C string must outlive the call.
                    let names: [UnsafeMutablePointer<CChar>] = ["digest", "key", "salt", "info"].map { (name: String) in
                        strdup(name)!
                    }
                    let digestName = strdup("SHA256")!
                    defer {
                        for name in names { free(name) }
                        free(digestName)
                    }
                    var params: [OSSL_PARAM] = []
                    params.append(OSSL_PARAM_construct_utf8_string(names[0], digestName, 0))
                    params.append(OSSL_PARAM_construct_octet_string(names[1], keyBuffer.baseAddress, ikm.count))
                    if !salt.isEmpty {
                        params.append(OSSL_PARAM_construct_octet_string(names[2], saltBuffer.baseAddress, salt.count))
                    }
                    if !info.isEmpty {
                        params.append(OSSL_PARAM_construct_octet_string(names[3], infoBuffer.baseAddress, info.count))
                    }
                    params.append(OSSL_PARAM_construct_end())
                    return EVP_KDF_derive(ctx, &out, length, &params)
                }
            }
        }
        guard result == 1 else { throw CryptoError.openSSL("HKDF derive") }
        return out
    }

    /// The largest scrypt work factor (log2 N) Hush will compute: 2^22 needs 4 GiB of memory.
    public static let maxScryptLogN = 22

    /// scrypt (RFC 7914) with N = 2^`logN`, the given `r` and `p`, producing `length` bytes.
    public static func scrypt(
        password: [UInt8], salt: [UInt8], logN: Int, r: UInt64 = 8, p: UInt64 = 1, length: Int
    ) throws -> [UInt8] {
        guard logN >= 1, logN <= maxScryptLogN else { throw CryptoError.invalidLength("scrypt work factor") }
        let n = UInt64(1) << UInt64(logN)
        let maxMemory = 128 * r * (n + p + 2) + (1 << 20)
        var out = [UInt8](repeating: 0, count: length)
        let pass = password.isEmpty ? [0] : password
        let result = pass.withUnsafeBufferPointer { passBuffer in
            salt.withUnsafeBufferPointer { saltBuffer in
                passBuffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: max(password.count, 1)) {
                    EVP_PBE_scrypt(
                        $0, password.count, saltBuffer.baseAddress, salt.count, n, r, p, maxMemory, &out, length)
                }
            }
        }
        guard result == 1 else { throw CryptoError.openSSL("scrypt") }
        return out
    }
}
