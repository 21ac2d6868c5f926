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
