import Foundation
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

    func testParsedRulesAreCachedAndACorruptCacheIsIgnored() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hush-rules-\(UUID())")
        defer { try? FileManager.default.removeItem(at: directory) }
        let parsed = try RuleSet.builtIn().rules
        XCTAssertEqual(try RuleSet.builtIn(cacheDirectory: directory).rules, parsed)
        let files = try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
        XCTAssertEqual(files.count, 1)
        XCTAssertEqual(try RuleSet.builtIn(cacheDirectory: directory).rules, parsed, "read back from the cache")
        try Data("{not json".utf8).write(to: files[0])
        XCTAssertEqual(try RuleSet.builtIn(cacheDirectory: directory).rules, parsed, "corrupt cache ignored")
    }
}
