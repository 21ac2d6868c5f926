import Yams

/// The contents of one `patterns/*.yaml` file: shared defaults and its rules.
///
/// ```yaml
/// provider: GitHub
/// category: vcs
/// rules:
///   - id: github-pat-classic
///     ...
/// ```
struct RuleFile: Decodable {
    var provider: String?
    var category: String?
    var remediation: String?
    var rules: [Rule]

    private enum CodingKeys: String, CodingKey { case provider, category, remediation, rules }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        provider = try c.decodeIfPresent(String.self, forKey: .provider)
        category = try c.decodeIfPresent(String.self, forKey: .category)
        remediation = try c.decodeIfPresent(String.self, forKey: .remediation)
        rules = try c.decode([RawRule].self, forKey: .rules).map(\.rule)
    }

    /// Rules with the file's defaults applied where a rule leaves them out.
    var resolvedRules: [Rule] {
        rules.map { rule in
            var rule = rule
            if rule.provider.isEmpty, let provider { rule.provider = provider }
            if rule.category == "custom", let category { rule.category = category }
            if rule.remediation == nil { rule.remediation = remediation }
            return rule
        }
    }
}

/// Decodes a rule while remembering which fields the YAML left out.
private struct RawRule: Decodable {
    var rule: Rule
    init(from decoder: any Decoder) throws { rule = try Rule(from: decoder) }
}
