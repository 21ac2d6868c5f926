/// The words of a configuration key, and what they say about its value.
///
/// `AWS_SECRET_ACCESS_KEY`, `dbPassword`, `client-secret` and `api.key` are
/// split into lower-case words; the key names a secret when one of its words
/// is a secret word and its last word does not qualify it into something else
/// (`secret_name`, `password_length`, `token_type`).
public struct KeyName: Sendable, Equatable {
    /// Lower-case words of the key.
    public let words: [String]

    public init(_ key: String) {
        var bytes = key
        let ascii = bytes.withUTF8 { buffer in buffer.allSatisfy { $0 < 0x80 } ? Self.asciiWords(buffer) : nil }
        words = ascii ?? Self.unicodeWords(key)
    }

    /// Words of an ASCII key, byte by byte (keys are almost always ASCII).
    private static func asciiWords(_ bytes: UnsafeBufferPointer<UInt8>) -> [String] {
        func isLower(_ byte: UInt8) -> Bool { byte >= 97 && byte <= 122 }
        func isUpper(_ byte: UInt8) -> Bool { byte >= 65 && byte <= 90 }
        func isDigit(_ byte: UInt8) -> Bool { byte >= 48 && byte <= 57 }
        var words: [String] = []
        var current: [UInt8] = []
        var previous: UInt8 = 0
        for byte in bytes {
            if isLower(byte) || isUpper(byte) || isDigit(byte) {
                if isUpper(byte), isLower(previous) || isDigit(previous), !current.isEmpty {
                    words.append(String(decoding: current, as: UTF8.self))
                    current.removeAll(keepingCapacity: true)
                }
                current.append(isUpper(byte) ? byte | 0x20 : byte)
            } else if !current.isEmpty {
                words.append(String(decoding: current, as: UTF8.self))
                current.removeAll(keepingCapacity: true)
            }
            previous = byte
        }
        if !current.isEmpty { words.append(String(decoding: current, as: UTF8.self)) }
        return words
    }

    /// Words of any key, character by character.
    private static func unicodeWords(_ key: String) -> [String] {
        var words: [String] = []
        var current = ""
        var previous: Character?
        for character in key {
            if character.isLetter || character.isNumber {
                let startsWord =
                    character.isUppercase && previous.map { $0.isLowercase || $0.isNumber } == true
                if startsWord, !current.isEmpty {
                    words.append(current)
                    current = ""
                }
                current.append(contentsOf: character.lowercased())
            } else if !current.isEmpty {
                words.append(current)
                current = ""
            }
            previous = character
        }
        if !current.isEmpty { words.append(current) }
        return words
    }

    /// What kind of secret the key names, if any.
    public enum Kind: Sendable, Equatable {
        /// A password or passphrase chosen by a person.
        case password
        /// A generated secret: token, API key, client secret, signing key.
        case token
    }

    /// The kind of secret this key holds, or nil when it holds none.
    public var kind: Kind? {
        guard let last = words.last else { return nil }
        if Self.qualifiers.contains(last) { return nil }
        if let first = words.first, Self.flagPrefixes.contains(first), words.count > 1 { return nil }
        var kind: Kind?
        for (index, word) in words.enumerated() {
            if Self.passwordWords.contains(word) { return .password }
            if Self.tokenWords.contains(word) { kind = .token }
            if word == "key" || word == "keys", index > 0, Self.keyQualifiers.contains(words[index - 1]) {
                kind = .token
            }
            if Self.compoundKeys.contains(word) { kind = .token }
        }
        return kind
    }

    static let passwordWords: Set<String> = ["password", "passwd", "pwd", "pass", "passphrase", "passcode", "pw"]
    static let tokenWords: Set<String> = [
        "secret", "secrets", "token", "apikey", "credential", "credentials", "creds", "privatekey",
        "accesskey", "secretkey", "authtoken", "bearer", "clientsecret", "sharedsecret",
    ]
    /// Words that make a following `key` a secret key (`api_key`, `signing.key`).
    static let keyQualifiers: Set<String> = [
        "api", "access", "secret", "private", "auth", "signing", "encryption", "master", "app", "client",
        "license", "service", "account", "admin", "session", "jwt", "hmac", "aes", "crypto", "cipher", "fernet",
        "deploy", "ssh", "rsa", "webhook", "consumer", "shared", "storage", "subscription", "write", "read",
        "ingest", "management", "server", "encrypt", "decrypt", "sign", "mac", "root", "user",
    ]
    static let compoundKeys: Set<String> = ["apikey", "secretkey", "accesskey", "privatekey", "appkey", "authkey"]
    /// Last words that turn a secret-looking key into metadata about a secret.
    static let qualifiers: Set<String> = [
        "name", "names", "file", "filename", "path", "dir", "directory", "url", "uri", "endpoint", "host",
        "length", "len", "size", "count", "type", "id", "ids", "env", "var", "variable", "ref", "reference",
        "field", "header", "prefix", "suffix", "policy", "rotation", "ttl", "timeout", "expiry", "expires",
        "expiration", "expire", "enabled", "enable", "required", "format", "algorithm", "alg", "version",
        "regex", "pattern", "hint", "label", "placeholder", "template", "provider", "manager", "store",
        "arn", "location", "source", "mode", "hash", "hashed", "digest", "checksum", "reset", "min", "max",
        "strength", "rule", "rules", "validator", "validation", "param", "parameter", "key_name", "lifetime",
        "age", "interval", "date", "time", "at", "created", "updated", "mount", "volume", "ref_name", "class",
        "scope", "scopes", "audience", "issuer", "kind", "method", "backend", "engine", "version_id", "index",
        "encoding", "owner", "user", "username", "login", "email", "policy_arn", "secret_ref",
    ]
    /// First words of boolean or numeric settings (`use_token`, `max_token`).
    static let flagPrefixes: Set<String> = [
        "is", "has", "use", "enable", "enabled", "disable", "show", "allow", "require", "requires", "max",
        "min", "num", "no", "skip", "should", "can", "must", "validate", "verify", "generate", "rotate",
        "forgot", "reset", "change", "confirm",
    ]
}
