import HushRules
import XCTest

final class RuleSetTests: XCTestCase {
    func testFileDefaultsApplyToRules() throws {
        let rules = try RuleSet.parse(
            yaml: """
                provider: Acme
                category: saas
                rules:
                  - id: acme-key
                    description: Acme key
                    regex: 'acme_[a-z]{8}'
                  - id: acme-other
                    description: Other
                    regex: 'x'
                    provider: Other
                """, name: "acme.yaml")
        XCTAssertEqual(rules.map(\.provider), ["Acme", "Other"])
        XCTAssertEqual(rules.map(\.category), ["saas", "saas"])
        XCTAssertEqual(rules[0].lookbehind, Rule.defaultLookbehind)
    }

    func testMissingFieldNamesTheFileAndField() {
        XCTAssertThrowsError(
            try RuleSet.parse(yaml: "rules:\n  - id: a\n    description: b\n", name: "bad.yaml")
        ) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("bad.yaml") && text.contains("regex"), text)
        }
    }

    func testDuplicateIDsAreRejected() {
        let rule = Rule(id: "same", description: "d", regex: "r")
        XCTAssertThrowsError(try RuleSet([rule, rule])) { error in
            XCTAssertEqual(error as? RuleError, .duplicateID("same"))
        }
    }

    func testBuiltInRulesLoad() throws {
        let rules = try RuleSet.builtIn()
        XCTAssertNotNil(rules.rule(id: "github-pat-classic"))
    }
}
