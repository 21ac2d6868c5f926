import Foundation
import HushMatcher

/// Judges a value assigned to a secret-looking key: is it a credential, or
/// a placeholder, reference, flag, number, path, URL, hash or ciphertext?
public enum ValueClassifier {
    /// The classifier's decision.
    public enum Verdict: Sendable, Equatable {
        /// A credential; `value` is what to report (decoded when it was
        /// base64), `encoding` how it was stored.
        case secret(value: String, encoding: String?)
        /// Not a credential, and why.
        case notSecret(String)
    }

    /// How a value was written where it was found.
    public enum Form: Sendable {
        /// Inside quotes: a literal.
        case quoted
        /// Bare, in a configuration format (`.env`, YAML, properties, ...).
        case bare
        /// Bare, in program source: an expression, never a literal secret.
        case bareInCode
    }

    /// Judges `rawValue`, assigned to `key` (nil when the rule captured no
    /// key); `kind` overrides what the key says (rules that know the value is
    /// a password, such as SQL `PASSWORD '…'`).
    public static func judge(
        value rawValue: String, key: String?, kind knownKind: KeyName.Kind? = nil, form: Form = .bare
    ) -> Verdict {
        // The key and form are judged first: they need no work on the value.
        let kind = knownKind ?? key.map { KeyName($0).kind } ?? .token
        guard let kind else { return .notSecret("key does not name a secret") }
        if form == .bareInCode { return .notSecret("unquoted value in source code: an expression") }
        let value = unquote(rawValue)
        if form != .quoted, let first = value.first, "({".contains(first) || isCall(value) {
            return .notSecret("code or structure")
        }
        if let reason = rejection(value) { return .notSecret(reason) }
        if let decoded = decodedBase64Text(value) {
            // Base64 of text: judge the text (a Kubernetes Secret's `data:`).
            if let reason = rejection(decoded) { return .notSecret("base64 of a \(reason)") }
            if looksLikeSecret(decoded, kind: kind) { return .secret(value: decoded, encoding: "base64") }
        }
        guard looksLikeSecret(value, kind: kind) else { return .notSecret("too plain to be a \(kind)") }
        return .secret(value: value, encoding: nil)
    }

    /// Reasons that hold whatever the key: returns nil when none applies.
    static func rejection(_ value: String) -> String? {
        if value.count < 6 { return "too short" }
        if value.count > 1024 { return "too long" }
        if PlaceholderFilter.isPlaceholder(value) { return "placeholder" }
        let lower = value.lowercased()
        if fixtureWordsPattern.matches(lower) { return "test fixture" }
        if referencePattern.matches(lower) { return "reference to a secret elsewhere" }
        if ciphertextPattern.matches(lower) { return "encrypted value" }
        if hashPattern.matches(lower) { return "hash" }
        if nonSecretPattern.matches(value) { return "public or test-mode key" }
        if value.first == "!", value.dropFirst().first?.isLetter == true { return "YAML tag" }
        if hasBadChecksum(value) { return "token with a bad checksum" }
        if literals.contains(lower) { return "literal" }
        if value.allSatisfy({ $0.isNumber || ".,_+-:".contains($0) }) { return "number" }
        if isCodeExpression(value) { return "code expression" }
        if isPath(value) { return "file path" }
        if let scheme = value.range(of: "://"), !value[scheme.upperBound...].contains("@") { return "URL" }
        if isEmail(value) { return "email address" }
        if value.first == "$" || value.first == "%" || value.hasPrefix("#{") || value.hasPrefix("@") {
            return "variable"
        }
        if value.contains(" "), value.split(separator: " ").count > 3 { return "prose" }
        return nil
    }

    /// Whether the value has the shape of a secret of `kind`.
    static func looksLikeSecret(_ value: String, kind: KeyName.Kind) -> Bool {
        let classes = Entropy.characterClassCount(value)
        let entropy = Entropy.shannon(value)
        if isEnvironmentName(value) { return false }
        switch kind {
        case .password:
            if isPassphrase(value) { return true }
            if classes == 1 && value.allSatisfy(\.isLetter) { return false }
            if isIdentifier(value) { return false }
            return classes >= 2 && entropy >= 1.5
        case .token:
            if isIdentifier(value) { return false }
            if value.count >= 16 { return entropy >= 3.0 && classes >= 2 }
            return value.count >= 8 && entropy >= 2.5 && classes >= 3
        }
    }

    static func unquote(_ value: String) -> String {
        // Fast path: nothing to trim, strip or unquote at either end.
        if let first = value.utf8.first, let last = value.utf8.last,
            !unquoteEdges.contains(first), !unquoteEdges.contains(last), first < 0x80, last < 0x80
        {
            return value
        }
        var text = value.trimmingCharacters(in: .whitespaces)
        while let last = text.last, ";,".contains(last) { text.removeLast() }
        // An unquoted value may have swallowed the bracket that closes its context.
        for (open, close) in [("(", ")"), ("[", "]"), ("{", "}")] {
            while text.hasSuffix(close),
                text.filter({ String($0) == close }).count > text.filter({ String($0) == open }).count
            {
                text.removeLast()
            }
        }
        for quote in ["\"", "'", "`"] where text.count >= 2 && text.hasPrefix(quote) && text.hasSuffix(quote) {
            text = String(text.dropFirst().dropLast())
        }
        return text
    }

    /// First or last bytes that make `unquote` do work: white space, `;`,
    /// `,`, closing brackets and quotes.
    private static let unquoteEdges: Set<UInt8> = Set(" \t;,)]}\"'`".utf8)

    /// `lower_snake`, `kebab-case`, `dotted.names` or `CamelCase` made only of
    /// letters: names of things, not secrets.
    static func isIdentifier(_ value: String) -> Bool {
        let parts = value.split(whereSeparator: { "-_./: ".contains($0) })
        guard parts.allSatisfy({ $0.allSatisfy(\.isLetter) }) else { return false }
        if parts.count > 1 { return true }
        // One word: camel case like `DatabasePassword` or `myAppSecret`.
        let uppercase = value.filter(\.isUppercase).count
        return uppercase <= value.count / 3
    }

    /// Several lower-case words joined by `-`, `_`, `.` or spaces, 16+ long: a passphrase.
    static func isPassphrase(_ value: String) -> Bool {
        let words = value.split(whereSeparator: { "-_. ".contains($0) })
        return value.count >= 16 && words.count >= 3 && words.allSatisfy { $0.count >= 3 && $0.allSatisfy(\.isLetter) }
    }

    /// `DB_PASSWORD`, `API_TOKEN`: the name of an environment variable.
    static func isEnvironmentName(_ value: String) -> Bool {
        value.contains("_") && value.allSatisfy { $0.isUppercase || $0.isNumber || $0 == "_" }
    }

    /// `getPassword()`, `os.getenv("X")` (or its prefix `os.getenv(` when a
    /// rule stopped at the quote), `Configuration["Key"]`, `settings.SECRET_KEY`.
    static func isCodeExpression(_ value: String) -> Bool {
        if codeExpression.matches(in: value).first == value { return true }
        // `settings.SECRET_KEY`, `self.token`, `var.db_password`.
        let parts = value.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count >= 2
            && parts.allSatisfy { part in
                guard let first = part.first, first.isLetter || first == "_" else { return false }
                return part.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" }
            } && value.contains(where: { $0.isLowercase })
    }

    /// `name(` with no white space: a call (only judged for bare values, since
    /// quoted random secrets may contain it).
    static func isCall(_ value: String) -> Bool {
        !value.contains(where: \.isWhitespace) && !callPrefix.matches(in: value).isEmpty
    }

    static let callPrefix = try! PCRE2Regex(#"^[A-Za-z_][A-Za-z0-9_.:>-]{2,80}\("#)

    static let codeExpression = try! PCRE2Regex(
        #"^([A-Za-z_$][A-Za-z0-9_.:$>-]{0,120}(?:\((?:.*\))?|\[(?:.*\])?))$"#)

    static func isPath(_ value: String) -> Bool {
        if ["/", "./", "../", "~/", "file:", "\\\\"].contains(where: { value.hasPrefix($0) }) { return true }
        if value.count > 2, value.dropFirst().hasPrefix(":\\") { return true }
        let lower = value.lowercased()
        return value.contains("/")
            && fileExtensions.contains(where: { lower.hasSuffix($0) })
    }

    static func isEmail(_ value: String) -> Bool {
        let parts = value.split(separator: "@")
        return parts.count == 2 && parts[1].contains(".") && !value.contains(":") && !value.contains("/")
    }

    /// The text a base64 value decodes to, when it is printable text.
    static func decodedBase64Text(_ value: String) -> String? {
        guard value.count >= 4, value.count % 4 == 0,
            value.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "+/=".contains($0)) }),
            let data = Data(base64Encoded: value), !data.isEmpty
        else { return nil }
        guard data.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    /// Tokens in a checksummed format (GitHub, npm) whose checksum fails are
    /// corrupted or made up, not credentials.
    static func hasBadChecksum(_ value: String) -> Bool {
        let prefixes = ["ghp_", "gho_", "ghu_", "ghs_", "ghr_", "npm_"]
        guard value.count == 40, prefixes.contains(where: { value.hasPrefix($0) }),
            value.dropFirst(4).allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) })
        else { return false }
        return !Checksum.crc32Base62Suffix.verify(value[...])
    }

    static let literals: Set<String> = [
        "true", "false", "yes", "no", "on", "off", "null", "none", "nil", "undefined", "empty", "default",
        "required", "optional", "disabled", "enabled", "string", "secret", "password", "token", "bearer",
    ]
    static let fixtureWords = ["fake", "not-a-real", "notreal", "not_real", "do-not-use", "donotuse", "dont-use"]
    static let referenceMarkers = [
        "process.env", "os.environ", "getenv(", "system.getenv", "env[", "env.fetch", "env(", "${", "$env{",
        "environment.getenvironmentvariable", "secrets.", "vault(", "ssm:", "secretsmanager", "!ref", "!sub",
        "fn::", "random_password.", "getproperty(", "@value(", "lookup(", "ref+", "keyvault", "valuefrom",
        "secretkeyref", "from_secret", "op://", "doppler://", "awssecret", "gcp-secret", "sm://",
        "hush:vault",
    ]
    static let ciphertextPrefixes = [
        "enc[", "enc:", "encrypted:", "vault:v", "$ansible_vault", "{cipher}", "-----begin pgp message", "kms:",
        "ciphertext:", "age1", "-----begin age encrypted",
    ]
    static let hashPrefixes = [
        "sha1-", "sha256-", "sha384-", "sha512-", "sha1:", "sha256:", "sha512:", "md5:", "md5-", "$2a$", "$2b$",
        "$2y$", "$argon2", "$6$", "$5$", "$1$", "pbkdf2", "{ssha}", "{sha}", "{bcrypt}", "scrypt:",
    ]
    static let fixtureWordsPattern = LiteralSet(fixtureWords)
    static let referencePattern = LiteralSet(referenceMarkers)
    static let ciphertextPattern = LiteralSet(ciphertextPrefixes, anchored: true)
    static let hashPattern = LiteralSet(hashPrefixes, anchored: true)
    static let nonSecretPattern = LiteralSet(nonSecretPrefixes, anchored: true)

    static let nonSecretPrefixes = [
        "pk_live_", "pk_test_", "sk_test_", "rk_test_", "pk.eyJ", "ssh-rsa ", "ssh-ed25519 ", "ecdsa-sha2-",
        "-----BEGIN PUBLIC", "-----BEGIN CERTIFICATE", "-----BEGIN PGP PUBLIC",
    ]
    static let fileExtensions = [
        ".pem", ".key", ".crt", ".json", ".txt", ".yaml", ".yml", ".p12", ".jks", ".cer", ".der", ".env", ".pfx",
    ]
}
