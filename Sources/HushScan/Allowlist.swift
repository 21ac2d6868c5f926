import HushMatcher

/// What a team has declared not to be a finding: paths, secret patterns,
/// stopwords and whole-line patterns (from `.hush.yaml`).
public struct Allowlist: Sendable {
    /// Path patterns (PCRE2) matched against the scan-relative path.
    public var paths: [PCRE2Regex]
    /// Patterns (PCRE2); a secret matching one is not reported.
    public var secrets: [PCRE2Regex]
    /// Patterns (PCRE2); a finding on a matching line is not reported.
    public var lines: [PCRE2Regex]
    /// Lower-case words; a secret containing one is not reported.
    public var stopwords: [String]

    public init(
        paths: [PCRE2Regex] = [], secrets: [PCRE2Regex] = [], lines: [PCRE2Regex] = [], stopwords: [String] = []
    ) {
        self.paths = paths
        self.secrets = secrets
        self.lines = lines
        self.stopwords = stopwords.map { $0.lowercased() }
    }

    func allowsPath(_ path: String) -> Bool { paths.contains { !$0.matches(in: path).isEmpty } }

    func allowsSecret(_ secret: String) -> Bool {
        if secrets.contains(where: { !$0.matches(in: secret).isEmpty }) { return true }
        guard !stopwords.isEmpty else { return false }
        let lower = secret.lowercased()
        return stopwords.contains { lower.contains($0) }
    }

    func allowsLine(_ line: Substring) -> Bool {
        guard !lines.isEmpty else { return false }
        let text = String(line)
        return lines.contains { !$0.matches(in: text).isEmpty }
    }
}
