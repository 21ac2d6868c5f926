import Foundation
import HushRules
import XCTest

@testable import HushMatcher

/// A rule judged single-line has its confirmation start on its hit's line;
/// the judgement must never call a pattern single-line when it can match `\n`.
final class LineBreaksTests: XCTestCase {
    func testPatternsThatCanMatchALineBreakAreJudgedSo() {
        let multiLine = [
            #"-----BEGIN[\s\S]{10,}-----END"#,  // \s, and a class holding it
            #"key\s*=\s*(\w+)"#,
            #"a\nb"#,
            #"a\x0ab"#,
            #"a\x{a}b"#,
            #"(?s)begin.*end"#,  // . matches \n under s
            #"(?x) a b "#,  // extended: whitespace means nothing
            #"(?is:a.b)"#,
            #"[^"]{8,}"#,  // a negated class without \n
            #"[\x00-\x7f]+"#,  // a range over \n
            #"[\D]"#,
            #"\W+"#,
            #"\Hx"#,
            #"a\Rb"#,
            #"\p{Any}+"#,  // properties are not judged
            #"[[:space:]]"#,
            #"(*CRLF)a"#,
            #"\012"#,  // octal
            #"\Qa\E"#,
            "a\nb",  // a literal line break in the pattern
            #"[abc"#,  // unterminated
            #"a\"#,
        ]
        for pattern in multiLine {
            XCTAssertTrue(LineBreaks.mayMatch(pattern), pattern)
        }
    }

    func testPatternsThatCannotMatchALineBreakAreSingleLine() {
        let singleLine = [
            #"ghp_[A-Za-z0-9]{36}"#,
            #"(?i)(?:api|secret)[_-]?key["']?[ \t]?"#,
            #"[^"\\\r\n]{1,512}"#,  // negated, excluding \n
            #"[^\s"'`,;<>]{1,512}"#,  // negated, excluding \s
            #"(?<![A-Za-z0-9_.\-${])key\b"#,
            #"\d{4}-\d{2}"#,
            #"[ -~]+"#,  // a range that stops short of \n
            #"[\x20-\x7e]"#,
            #"[]a-]+"#,  // a leading ] and a trailing - are literal
            #"(?i:token)\.\w+"#,
            #"(?<key>[A-Za-z_]+)=(?<value>.+)"#,  // . without s stops at \n
            #"\x41\x{42}\t"#,
        ]
        for pattern in singleLine {
            XCTAssertFalse(LineBreaks.mayMatch(pattern), pattern)
        }
    }

    /// What the built-in rules rely on: the generic assignment rule (by far
    /// the most confirmed) is single-line, the PEM and PuTTY private-key
    /// blocks are not (a base64-encoded key is one line, and judged so).
    func testBuiltInRulesAreJudgedByWhatTheyMatch() throws {
        let rules = try RuleSet.builtIn(examples: false).rules
        let assignment = try XCTUnwrap(rules.first { $0.id == "generic-assignment" })
        XCTAssertFalse(LineBreaks.mayMatch(assignment.regex))
        let blocks = rules.filter { $0.id.hasPrefix("private-key-") && $0.id != "private-key-base64" }
        XCTAssertGreaterThanOrEqual(blocks.count, 8)
        for rule in blocks {
            XCTAssertTrue(LineBreaks.mayMatch(rule.regex), rule.id)
        }
        let encoded = try XCTUnwrap(rules.first { $0.id == "private-key-base64" })
        XCTAssertFalse(LineBreaks.mayMatch(encoded.regex))
    }

    /// Every built-in rule judged single-line finds no match across a line
    /// break in its own examples joined by one: each example's match still
    /// ends on the line it starts.
    func testSingleLineRulesMatchWithinLinesOfTheirExamples() throws {
        let rules = try RuleSet.builtIn(examples: true).rules
        var checked = 0
        for rule in rules where !LineBreaks.mayMatch(rule.regex) {
            let regex = try PCRE2Regex(rule.regex)
            let text = rule.examples.joined(separator: "\n")
            for match in regex.matches(in: text) {
                XCTAssertFalse(match.contains("\n"), "\(rule.id) matched across lines: \(match)")
            }
            checked += 1
        }
        XCTAssertGreaterThan(checked, rules.count / 2)
    }

    /// Assignments on consecutive lines are each found once: the search for a
    /// hit's match starts on its own line, and the line before is found from
    /// its own hit.
    func testAssignmentsOnConsecutiveLinesAreAllFound() throws {
        let assignment = try RuleSet.builtIn(examples: false).rules.filter { $0.id == "generic-assignment" }
        let matcher = try Matcher(rules: RuleSet(assignment), cache: nil)
        let text = """
            db_password=Vq7mT2pxR9kLw3
            api_token=Zt8pQ2mW9xLr4K
            x_secret="Hn3vB8qT2wLz9P"
            """
        let found = matcher.scan(Array(text.utf8))
        let secrets = found.map { String(decoding: Array(text.utf8)[$0.secret], as: UTF8.self) }
        XCTAssertEqual(secrets, ["Vq7mT2pxR9kLw3", "Zt8pQ2mW9xLr4K", "Hn3vB8qT2wLz9P"])
    }
}
