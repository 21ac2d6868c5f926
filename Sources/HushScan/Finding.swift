/// A credential found by a scan.
public struct Finding: Sendable, Codable, Equatable {
    /// The rule that found it.
    public var ruleID: String
    /// The rule's one-line description.
    public var ruleDescription: String
    /// Path relative to the scanned root, `/`-separated.
    public var path: String
    /// 1-based line of the secret's first byte.
    public var line: Int
    /// 1-based line of the secret's last byte.
    public var endLine: Int
    /// 1-based byte column of the secret on `line`.
    public var column: Int
    /// The secret itself. Reporters print it only when asked (`--no-redact`).
    public var secret: String
    /// A masked form of the secret that is safe to print.
    public var redacted: String
    /// Keyed hash of rule, path and secret (see `Fingerprinter`).
    public var fingerprint: String
    /// The line the secret is on, trimmed, with the secret masked.
    public var context: String
    /// How the secret was encoded in the file when it was not plain text
    /// (`base64`, `url`, `json-escape`), else nil.
    public var encoding: String?
    /// Git provenance for history scans; nil for working-tree scans.
    public var commit: CommitInfo?
    /// Other places where the same secret appears (history scans).
    public var otherLocations: [Location]

    public init(
        ruleID: String, ruleDescription: String, path: String, line: Int, endLine: Int,
        column: Int, secret: String, redacted: String, fingerprint: String, context: String,
        encoding: String? = nil, commit: CommitInfo? = nil, otherLocations: [Location] = []
    ) {
        self.ruleID = ruleID
        self.ruleDescription = ruleDescription
        self.path = path
        self.line = line
        self.endLine = endLine
        self.column = column
        self.secret = secret
        self.redacted = redacted
        self.fingerprint = fingerprint
        self.context = context
        self.encoding = encoding
        self.commit = commit
        self.otherLocations = otherLocations
    }
}

/// The commit that introduced a finding.
public struct CommitInfo: Sendable, Codable, Equatable {
    public var id: String
    public var author: String
    public var email: String
    /// Seconds since 1970.
    public var date: Int64
    public var summary: String
    /// Whether the secret is still in the tree at HEAD.
    public var presentAtHead: Bool

    public init(id: String, author: String, email: String, date: Int64, summary: String, presentAtHead: Bool) {
        self.id = id
        self.author = author
        self.email = email
        self.date = date
        self.summary = summary
        self.presentAtHead = presentAtHead
    }
}

/// A path (and, in history, a commit) where a finding also appears.
public struct Location: Sendable, Codable, Equatable {
    public var path: String
    public var line: Int
    public var commit: String?

    public init(path: String, line: Int, commit: String? = nil) {
        self.path = path
        self.line = line
        self.commit = commit
    }
}
