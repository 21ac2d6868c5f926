import HushScan
import XCTest

final class ValueClassifierTests: XCTestCase {
    func isSecret(_ value: String, key: String? = "password", form: ValueClassifier.Form = .bare) -> Bool {
        if case .secret = ValueClassifier.judge(value: value, key: key, form: form) { return true }
        return false
    }

    func testKeyNamesAreSplitIntoWordsAndClassified() {
        XCTAssertEqual(KeyName("AWS_SECRET_ACCESS_KEY").words, ["aws", "secret", "access", "key"])
        XCTAssertEqual(KeyName("dbPassword").words, ["db", "password"])
        XCTAssertEqual(KeyName("HTTPProxy2Token").words, ["httpproxy2", "token"])
        XCTAssertEqual(KeyName("clé_secrète").words, ["clé", "secrète"], "non-ASCII keys")
        XCTAssertEqual(KeyName("client-secret").kind, .token)
        XCTAssertEqual(KeyName("DB_PASS").kind, .password)
        XCTAssertEqual(KeyName("api.key").kind, .token)
        XCTAssertNil(KeyName("secret_name").kind)
        XCTAssertNil(KeyName("password_length").kind)
        XCTAssertNil(KeyName("token_type").kind)
        XCTAssertNil(KeyName("max_tokens").kind)
        XCTAssertNil(KeyName("primary_key").kind)
        XCTAssertNil(KeyName("tokenizer").kind)
        XCTAssertNil(KeyName("use_ssl_password").kind)
    }

    func testRealPasswordsAndTokensAreSecrets() {
        XCTAssertTrue(isSecret("Football#2515"))
        XCTAssertTrue(isSecret("Tr0ub4dor&3"))
        XCTAssertTrue(isSecret("george-gandalf-autumn-frodo"), "a passphrase")
        XCTAssertTrue(isSecret("6fe0835bee53bd1408e13fa119d68187", key: "app_secret"))
        XCTAssertTrue(isSecret("\"q8Rz2LmK9xWv3NtP7sYb4HcJ\"", key: "api_key"))
    }

    func testNonSecretsAreRejected() {
        let rejected = [
            "${DB_PASSWORD}", "{{ .Values.password }}", "os.environ['X']", "process.env.API_KEY", "true", "12345678",
            "/etc/secrets/db.pass", "https://example.org/login", "ENC[AES256_GCM,data:abc]", "vault:v1:abcdefgh",
            "$2b$12$noeJ//R1DkYGFfHHxOtpoPtk0rAXSheHhNxfgFR7d7ATPqBCDrbAB", "sha512-FkiZ8SEmBijs89NxFgXPuNiR5ISuD==",
            "DB_PASSWORD", "postgres", "my-secret-name", "settings.SECRET_KEY", "getPassword()", "not-a-real-password",
            "pk_live_51HdT9kLmNq2Rs4Vw6Xy8Za0B", "user@example.org", "!vault", "changeme",
        ]
        for value in rejected { XCTAssertFalse(isSecret(value), value) }
        XCTAssertFalse(isSecret("aaaabbbbccccdddd", key: "api_key"), "low-entropy token")
    }

    func testBase64OfTextIsJudgedDecoded() {
        XCTAssertEqual(
            ValueClassifier.judge(value: "UGhvZW5peDIwMTUm", key: "admin-password"),
            .secret(value: "Phoenix2015&", encoding: "base64"))
        XCTAssertFalse(isSecret("PGluc2VydC1rZXk+"), "base64 of <insert-key>")
    }

    func testTokensWithBadChecksumsAreRejected() {
        XCTAssertTrue(isSecret("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", key: "token"))
        XCTAssertFalse(isSecret("ghp_oe3nflC7dNYXxIzGXSYBj2EeXqDuZM0EE8xZ", key: "token"))
    }

    func testBareValuesInSourceCodeAreExpressions() {
        XCTAssertFalse(isSecret("Vq7mT2pxR9k", form: .bareInCode))
        XCTAssertTrue(isSecret("Vq7mT2pxR9k", form: .quoted))
        XCTAssertFalse(isSecret("(LPVOID)password"))
        XCTAssertFalse(isSecret("xmlSecCryptoAppKeyLoad(key_file"))
        XCTAssertTrue(isSecret("e91cm1z(1-)bnik(%nla8090+4+fs!b9k4h", key: "webhook_secret", form: .quoted))
        XCTAssertFalse(isSecret("top secret"), "plain words")
    }
}
