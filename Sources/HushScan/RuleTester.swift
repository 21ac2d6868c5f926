import HushMatcher
import HushRules

/// Checks rules against their own `examples` and `negative_examples`.
public struct RuleTester {
    public let engine: ScanEngine

    public init(engine: ScanEngine) { self.engine = engine }

    /// A failed expectation.
    public struct Failure: Sendable, CustomStringConvertible {
        public var ruleID: String
        public var sample: String
        public var expectedFinding: Bool
        /// Rules that did fire on the sample.
        public var firedRules: [String]
        public var description: String {
            let what = expectedFinding ? "example not found" : "negative example reported"
            let fired = firedRules.isEmpty ? "nothing" : firedRules.joined(separator: ", ")
            return "\(ruleID): \(what): \(Redaction.maskedLine(sample, secret: "", limit: 100)) (fired: \(fired))"
        }
    }

    /// Every failure for `rule`; empty when all its samples behave.
    public func test(_ rule: Rule) -> [Failure] {
        let scratch = engine.makeScratch()
        var failures: [Failure] = []
        for sample in rule.examples {
            let fired = engine.findings(in: Array(sample.utf8), path: "example.txt", scratch: scratch).map(\.ruleID)
            if !fired.contains(rule.id) {
                failures.append(Failure(ruleID: rule.id, sample: sample, expectedFinding: true, firedRules: fired))
            }
        }
        for sample in rule.negativeExamples {
            let fired = engine.findings(in: Array(sample.utf8), path: "example.txt", scratch: scratch).map(\.ruleID)
            if fired.contains(rule.id) {
                failures.append(Failure(ruleID: rule.id, sample: sample, expectedFinding: false, firedRules: fired))
            }
        }
        return failures
    }
}
