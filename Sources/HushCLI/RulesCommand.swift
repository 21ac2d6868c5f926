import ArgumentParser
import Foundation
import HushMatcher
import HushRules
import HushScan

/// `hush rules`: list, test and explain the detection rules.
struct RulesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rules",
        abstract: "List, test and explain detection rules.",
        subcommands: [List.self, Test.self, Explain.self, Profile.self],
        defaultSubcommand: List.self
    )

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List every rule with its description.")

        func run() throws {
            let rules = try RuleSet.builtIn().rules
            let width = rules.map(\.id.count).max() ?? 0
            for rule in rules {
                print(rule.id.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + rule.description)
            }
            print("\(rules.count) rules")
        }
    }

    struct Test: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check every rule (or the named ones) against its examples and negative examples.")

        @Argument(help: "Rule ids to test (default: all).")
        var ids: [String] = []

        func run() throws {
            let engine = try EngineLoader.engine(root: ".", withExamples: true)
            let tester = RuleTester(engine: engine)
            let rules = try selected(engine.matcher.rules)
            var failures = 0
            var samples = 0
            for rule in rules {
                samples += rule.examples.count + rule.negativeExamples.count
                for failure in tester.test(rule) {
                    print("FAIL \(failure)")
                    failures += 1
                }
            }
            print("\(rules.count) rules, \(samples) samples: \(samples - failures) passed, \(failures) failed")
            if failures > 0 { throw ExitCode(1) }
        }

        func selected(_ rules: [Rule]) throws -> [Rule] {
            guard !ids.isEmpty else { return rules }
            return try ids.map { id in
                guard let rule = rules.first(where: { $0.id == id }) else { throw CLIError.unknownRule(id) }
                return rule
            }
        }
    }

    struct Explain: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show everything about one rule.")

        @Argument(help: "The rule id.")
        var id: String

        func run() throws {
            guard let rule = try RuleSet.builtIn().rule(id: id) else { throw CLIError.unknownRule(id) }
            print("\(rule.id): \(rule.description)")
            print("provider:    \(rule.provider.isEmpty ? "-" : rule.provider) (\(rule.category))")
            print("regex:       \(rule.regex)")
            if let prefilter = rule.prefilter { print("prefilter:   \(prefilter)") }
            if !rule.keywords.isEmpty { print("keywords:    \(rule.keywords.joined(separator: ", "))") }
            if let entropy = rule.entropy { print("entropy:     at least \(entropy) bits per character") }
            if let checksum = rule.checksum { print("checksum:    \(checksum)") }
            if !rule.context.isEmpty { print("context:     one of \(rule.context.joined(separator: ", ")) nearby") }
            print("priority:    \(rule.priority)")
            if let remediation = rule.remediation { print("remediation: \(remediation)") }
            for reference in rule.references { print("reference:   \(reference)") }
            print("examples:    \(rule.examples.count), negative examples: \(rule.negativeExamples.count)")
        }
    }
}

extension RulesCommand {
    /// `hush rules profile PATH`: which rules cost the most on some input.
    struct Profile: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show, per rule, prefilter hits and confirmation time on a file (for rule authors).")

        @Argument(help: "A file to scan.")
        var file: String

        @Option(help: "How many rules to show.")
        var top: Int = 15

        func run() throws {
            let engine = try EngineLoader.engine(root: file)
            let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: file)))
            let scratch = engine.makeScratch()
            scratch.profile = RuleProfile(ruleCount: engine.matcher.rules.count)
            let started = Date()
            let findings = engine.findings(in: bytes, path: file, scratch: scratch)
            let seconds = Date().timeIntervalSince(started)
            guard let profile = scratch.profile else { return }
            print(
                String(
                    format: "%d bytes in %.3fs (%.1f MB/s), %d findings", bytes.count, seconds,
                    Double(bytes.count) / seconds / 1e6, findings.count))
            print("rule                                      hits   windows   confirm ms")
            let order = profile.nanoseconds.indices.sorted { profile.nanoseconds[$0] > profile.nanoseconds[$1] }
            for index in order.prefix(top) where profile.hits[index] > 0 {
                let id = engine.matcher.rules[index].id.padding(toLength: 38, withPad: " ", startingAt: 0)
                print(
                    String(
                        format: "%@ %9d %9d %12.1f", id, profile.hits[index], profile.confirmations[index],
                        Double(profile.nanoseconds[index]) / 1e6))
            }
        }
    }
}
