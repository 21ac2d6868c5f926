import Foundation
import HushMatcher
import HushRules
import XCTest

final class MatcherTests: XCTestCase {
    func makeMatcher(_ rules: [Rule]) throws -> Matcher {
        try Matcher(rules: RuleSet(rules), cache: nil)
    }

    func secrets(_ matcher: Matcher, _ text: String) -> [String] {
        let bytes = Array(text.utf8)
        return matcher.scan(bytes).map { String(decoding: bytes[$0.secret], as: UTF8.self) }
    }

    func testFindsEveryMatchAndExtractsTheCaptureGroup() throws {
        let matcher = try makeMatcher([Rule(id: "t", description: "t", regex: #"key=(K[0-9]{6})\b"#)])
        XCTAssertEqual(secrets(matcher, "a key=K123456 b key=K654321\nkey=K111111"), ["K123456", "K654321", "K111111"])
        XCTAssertEqual(secrets(matcher, "key=K12345 key=K1234567"), [])
    }

    func testNamedSecretGroupWinsOverGroupOne() throws {
        let matcher = try makeMatcher([
            Rule(id: "t", description: "t", regex: #"(user)=\w+ pass=(?<secret>[a-z]{5})"#)
        ])
        XCTAssertEqual(secrets(matcher, "user=bob pass=abcde"), ["abcde"])
    }

    func testOverlappingRulesReportOnceByHighestPriority() throws {
        let generic = Rule(id: "generic", description: "g", regex: #"token=([A-Za-z0-9_]{10,})"#, priority: 10)
        let specific = Rule(id: "specific", description: "s", regex: #"(tok_[A-Za-z0-9]{12})"#, priority: 90)
        let matcher = try makeMatcher([generic, specific])
        let found = matcher.scan(Array("token=tok_abcdefghijkl".utf8))
        XCTAssertEqual(found.count, 1)
        XCTAssertEqual(matcher.rules[found[0].ruleIndex].id, "specific")
    }

    func testMatchesFarApartInLargeInputAreAllFound() throws {
        let matcher = try makeMatcher([Rule(id: "t", description: "t", regex: #"\b(tok_[a-z]{8})\b"#)])
        var text = ""
        for index in 0..<200 {
            text += String(repeating: "filler text ", count: index % 7 * 40) + " tok_abcdefgh\n"
        }
        XCTAssertEqual(secrets(matcher, text).count, 200)
    }

    func testDenseCandidateRegionIsConfirmedWithoutLosingTheRealMatch() throws {
        // Every position in a long base64 run is a prefilter candidate.
        let matcher = try makeMatcher([
            Rule(id: "t", description: "t", regex: #"secret: ([A-Za-z0-9+/]{40})(?![A-Za-z0-9+/])"#)
        ])
        let blob = String(repeating: "QUJDREVGR0hJSktMTU5PUFFSU1RVVldY", count: 20_000)
        let text = blob + "\nsecret: " + String(repeating: "Ab3", count: 13) + "Z\n" + blob
        XCTAssertEqual(secrets(matcher, text), [String(repeating: "Ab3", count: 13) + "Z"])
    }

    func testEntropyFloorAndAllowPatternsDropCandidates() throws {
        let rule = Rule(
            id: "t", description: "t", regex: #"k=([A-Za-z0-9]{16})"#, entropy: 3.0, allow: ["^AAAA"])
        let matcher = try makeMatcher([rule])
        XCTAssertEqual(secrets(matcher, "k=aaaaaaaabbbbbbbb"), [])
        XCTAssertEqual(secrets(matcher, "k=AAAAq8Zr2Lm5Xw9T"), [])
        XCTAssertEqual(secrets(matcher, "k=Zq8Zr2Lm5Xw9TpK3"), ["Zq8Zr2Lm5Xw9TpK3"])
    }

    func testContextWordsAreRequiredNearTheSecret() throws {
        let rule = Rule(
            id: "t", description: "t", regex: #"\b([A-Z0-9]{20})\b"#, context: ["aws"], priority: 50)
        let matcher = try makeMatcher([rule])
        XCTAssertEqual(secrets(matcher, "AWS_KEY = Q1W2E3R4T5Y6U7I8O9P0"), ["Q1W2E3R4T5Y6U7I8O9P0"])
        XCTAssertEqual(secrets(matcher, "ORDER_ID = Q1W2E3R4T5Y6U7I8O9P0"), [])
    }

    func testChecksumVerification() throws {
        XCTAssertEqual(CRC32.checksum(Array("123456789".utf8)), 0xCBF4_3926)
        XCTAssertTrue(Checksum.crc32Base62Suffix.verify("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"))
        XCTAssertFalse(Checksum.crc32Base62Suffix.verify("ghp_oe3nflC7dNYXxIzGXSYBj2EeXqDuZM0EE8xZ"))
        XCTAssertFalse(Checksum.crc32Base62Suffix.verify("ghp_short"))
    }

    func testEntropy() {
        XCTAssertEqual(Entropy.shannon("aaaa"), 0, accuracy: 1e-9)
        XCTAssertEqual(Entropy.shannon("abcd"), 2, accuracy: 1e-9)
        XCTAssertEqual(Entropy.characterClassCount("aB3_"), 4)
    }

    func testInvalidRegexIsReportedWithTheRuleID() {
        XCTAssertThrowsError(try makeMatcher([Rule(id: "broken", description: "b", regex: "(unclosed")])) { error in
            XCTAssertTrue("\(error)".contains("broken"), "\(error)")
        }
    }
}

/// Rules that need a context word near their secret are found around their
/// context words; they must find exactly what a scan by their regex finds.
final class ContextRuleTests: XCTestCase {
    let rule = Rule(
        id: "ctx", description: "40 characters near an acme word", regex: #"["'=]([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+])"#,
        keywords: ["acme"], lookbehind: 512, context: ["acme_key", "acmesecret"])
    let secret = "Zq8Lm3Np0Rt7Vx2Bc5Df9Gh1Jk4Mn6Pq8Rs0Tu3W"

    func found(_ text: String) throws -> [String] {
        let matcher = try Matcher(rules: RuleSet([rule]), cache: nil)
        let bytes = Array(text.utf8)
        return matcher.scan(bytes).map { String(decoding: bytes[$0.secret], as: UTF8.self) }
    }

    func testSecretIsFoundWithItsContextWordBeforeOrAfterIt() throws {
        XCTAssertEqual(try found("ACME_KEY=AKIDEXAMPLE\nsecret='\(secret)'\n"), [secret])
        XCTAssertEqual(try found("value = '\(secret)'  # the acmesecret for staging\n"), [secret])
    }

    func testSecretIsNotFoundWithoutAContextWordNearIt() throws {
        XCTAssertEqual(try found("value = '\(secret)'\n"), [])
        let far = "acme_key = x\n" + String(repeating: "filler line of text\n", count: 60) + "v='\(secret)'\n"
        XCTAssertEqual(try found(far), [], "the word is more than `lookbehind` bytes before")
    }

    func testEverySecretIsFoundInALargeBufferFullOfLookalikes() throws {
        // Hashes are 40 characters of the secret's alphabet; three real ones,
        // each with its word, sit among 30,000 of them.
        var text = ""
        var expected: [String] = []
        for index in 0..<30_000 {
            text += "commit \(String(repeating: "0123456789abcdef", count: 3).prefix(40 - 5))\(10_000 + index)\n"
            if index % 10_000 == 5_000 {
                let real = String(secret.dropLast(5)) + String(10_000 + index)
                text += "acme_key: id\naccess = '\(real)'\n"
                expected.append(real)
            }
        }
        XCTAssertEqual(try found(text), expected)
    }

    func testLongestLiteralMeasuresWhatAPrefilterCanAnchorOn() {
        XCTAssertEqual(Matcher.longestLiteral(in: #"["'=]([A-Za-z0-9/+]{40})"#), 0)
        XCTAssertEqual(Matcher.longestLiteral(in: #"(?i)aws_?session_?token\s*="#), 7)
        XCTAssertEqual(Matcher.longestLiteral(in: #"\bsl\.(?:[uB]\.)?[A-Za-z0-9_-]{120}"#), 3)
        XCTAssertEqual(Matcher.longestLiteral(in: #""private_key_id"\s*:"#), 16)
    }
}
