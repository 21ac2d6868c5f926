import HushMatcher
import HushRules
import HushScan
import XCTest

/// Runs every built-in rule against its own examples and negative examples.
final class RuleExamplesTests: XCTestCase {
    static let engine: ScanEngine = {
        let matcher = try! Matcher(rules: RuleSet.builtIn(), cache: nil)
        return ScanEngine(matcher: matcher, fingerprinter: Fingerprinter(key: Array("test".utf8)))
    }()

    func testEveryRuleFindsItsExamplesAndIgnoresItsNegativeExamples() {
        let tester = RuleTester(engine: Self.engine)
        var failures: [String] = []
        for rule in Self.engine.matcher.rules {
            failures += tester.test(rule).map(\.description)
        }
        XCTAssertEqual(failures, [], failures.joined(separator: "\n"))
    }

    func testEveryRuleHasAtLeastTwoExamplesOfEachKind() {
        for rule in Self.engine.matcher.rules {
            XCTAssertGreaterThanOrEqual(rule.examples.count, 2, "\(rule.id) needs two examples")
            XCTAssertGreaterThanOrEqual(rule.negativeExamples.count, 2, "\(rule.id) needs two negative examples")
        }
    }

    func testEveryRuleIsDocumented() {
        for rule in Self.engine.matcher.rules {
            XCTAssertFalse(rule.description.isEmpty || rule.description == rule.id, "\(rule.id) has no description")
            XCTAssertFalse(rule.provider.isEmpty, "\(rule.id) has no provider")
        }
    }
}
