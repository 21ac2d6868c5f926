/// One detection rule: how to find a kind of credential and how to tell it
/// from look-alikes.
///
/// Rules are written in `patterns/*.yaml` (see `CONTRIBUTING.md`) and embedded
/// into the binary; users add their own in `.hush.yaml`.
public struct Rule: Sendable, Hashable, Codable {
    /// Stable identifier, e.g. `github-pat-classic`. Used in reports, baselines
    /// and `hush:ignore[...]` comments.
    public var id: String
    /// One line saying what the rule finds.
    public var description: String
    /// PCRE2 pattern. The secret is the named group `secret` when present,
    /// otherwise group 1, otherwise the whole match.
    public var regex: String
    /// Literal words one of which every match contains (case-insensitive).
    /// Documentation for `hush rules explain`, and the anchor of the prefilter
    /// when `prefilter` is not given.
    public var keywords: [String]
    /// Optional Vectorscan pattern used instead of `regex` to find candidate
    /// positions; useful when `regex` is too costly to prefilter (multi-line keys).
    public var prefilter: String?
    /// Bytes before a prefilter hit that the confirming regex may look at.
    public var lookbehind: Int
    /// Bytes after a prefilter hit that the confirming regex may look at.
    public var lookahead: Int
    /// Minimum Shannon entropy (bits per character) of the secret.
    public var entropy: Double?
    /// Name of a checksum the secret must satisfy (see `ChecksumKind`).
    public var checksum: String?
    /// Words of which one must appear on the secret's line or within
    /// `lookbehind` bytes before it (case-insensitive); empty means none needed.
    public var context: [String]
    /// Patterns; a secret that matches any of them is not reported.
    public var allow: [String]
    /// Name of a value classifier the secret must pass: `config-value` for
    /// generic `key = value` rules (the named group `key` holds the key, which
    /// says whether a password or a token is expected), `password` when the
    /// rule's own syntax says the value is a password.
    public var classifier: String?
    /// Higher wins when matches of several rules overlap.
    public var priority: Int
    /// Family, e.g. `cloud`, `vcs`, `generic`, `private-key`.
    public var category: String
    /// The provider whose credential this is, e.g. `GitHub`.
    public var provider: String
    /// What to do when this is found.
    public var remediation: String?
    /// Documentation of the token format.
    public var references: [String]
    /// Texts in which the rule must report a finding.
    public var examples: [String]
    /// Texts in which the rule must report nothing.
    public var negativeExamples: [String]

    public init(
        id: String, description: String, regex: String, keywords: [String] = [],
        prefilter: String? = nil, lookbehind: Int = Rule.defaultLookbehind,
        lookahead: Int = Rule.defaultLookahead, entropy: Double? = nil,
        checksum: String? = nil, context: [String] = [], allow: [String] = [],
        classifier: String? = nil, priority: Int = Rule.defaultPriority, category: String = "custom",
        provider: String = "", remediation: String? = nil, references: [String] = [],
        examples: [String] = [], negativeExamples: [String] = []
    ) {
        self.id = id
        self.description = description
        self.regex = regex
        self.keywords = keywords
        self.prefilter = prefilter
        self.lookbehind = lookbehind
        self.lookahead = lookahead
        self.entropy = entropy
        self.checksum = checksum
        self.context = context
        self.allow = allow
        self.classifier = classifier
        self.priority = priority
        self.category = category
        self.provider = provider
        self.remediation = remediation
        self.references = references
        self.examples = examples
        self.negativeExamples = negativeExamples
    }

    public static let defaultLookbehind = 512
    public static let defaultLookahead = 256
    public static let defaultPriority = 50

    enum CodingKeys: String, CodingKey {
        case id, description, regex, keywords, prefilter, lookbehind, lookahead, entropy
        case checksum, context, allow, classifier, priority, category, provider, remediation, references
        case examples
        case negativeExamples = "negative_examples"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        description = try c.decodeIfPresent(String.self, forKey: .description) ?? id
        regex = try c.decode(String.self, forKey: .regex)
        keywords = try c.decodeIfPresent([String].self, forKey: .keywords) ?? []
        prefilter = try c.decodeIfPresent(String.self, forKey: .prefilter)
        lookbehind = try c.decodeIfPresent(Int.self, forKey: .lookbehind) ?? Rule.defaultLookbehind
        lookahead = try c.decodeIfPresent(Int.self, forKey: .lookahead) ?? Rule.defaultLookahead
        entropy = try c.decodeIfPresent(Double.self, forKey: .entropy)
        checksum = try c.decodeIfPresent(String.self, forKey: .checksum)
        context = try c.decodeIfPresent([String].self, forKey: .context) ?? []
        allow = try c.decodeIfPresent([String].self, forKey: .allow) ?? []
        classifier = try c.decodeIfPresent(String.self, forKey: .classifier)
        priority = try c.decodeIfPresent(Int.self, forKey: .priority) ?? Rule.defaultPriority
        category = try c.decodeIfPresent(String.self, forKey: .category) ?? "custom"
        provider = try c.decodeIfPresent(String.self, forKey: .provider) ?? ""
        remediation = try c.decodeIfPresent(String.self, forKey: .remediation)
        references = try c.decodeIfPresent([String].self, forKey: .references) ?? []
        examples = try c.decodeIfPresent([String].self, forKey: .examples) ?? []
        negativeExamples = try c.decodeIfPresent([String].self, forKey: .negativeExamples) ?? []
    }
}
