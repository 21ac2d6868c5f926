import HushMatcher

/// Recognises values that only look like secrets: placeholders, templating,
/// environment lookups and documentation examples.
public enum PlaceholderFilter {
    /// Whether `value` is a placeholder rather than a credential.
    public static func isPlaceholder(_ value: String) -> Bool {
        let lower = value.lowercased()
        if isTemplate(value) { return true }
        // A hush vault reference left by `hush migrate` (docs/references.md).
        if lower.contains("hush:vault") { return true }
        if lower.hasPrefix("<") && lower.hasSuffix(">") { return true }
        if placeholderPattern.matches(lower) { return true }
        if value.count <= 200, hasLongRun(lower) { return true }
        return false
    }

    /// Well-formed templating and variable syntaxes of common tools:
    /// `${NAME}`, `{{ x }}`, `%(name)s`, `$(cmd …)`, `#{x}`, `<%= x %>`, `[[x]]`.
    /// Only well-formed ones count: random secrets often contain `$(` or `%(`.
    static func isTemplate(_ value: String) -> Bool { templatePattern.matches(value) }

    static let templatePattern = LiteralSet(patterns: templatePatterns)

    static let placeholderPattern = LiteralSet(placeholderWords)

    static let templatePatterns: [String] = [
        #"\$\{[A-Za-z_][^}\s]{0,120}\}"#, #"\{\{.{0,200}\}\}"#, #"%\([A-Za-z_][A-Za-z0-9_]{0,60}\)[sdr]"#,
        #"^\$\([a-z][a-z0-9_-]{1,40}[ )]"#, #"#\{[A-Za-z_][^}]{0,120}\}"#, #"<%.{0,200}%>"#,
        #"\[\[[A-Za-z_ .]{1,120}\]\]"#,
        #"^\$\{?[A-Za-z_][A-Za-z0-9_]*\}?$"#, #"^%[A-Za-z_][A-Za-z0-9_]*%$"#, #"^@@[A-Za-z_]+@@$"#,
    ]

    /// Words that mark a value as a stand-in. Random tokens contain none of
    /// these by chance (each has odds below one in a million per position).
    static let placeholderWords = [
        "changeme", "change_me", "change-me", "changeit", "replace_me", "replaceme", "your_", "your-",
        "yourkey", "yoursecret", "yourtoken", "placeholder", "example", "sample", "dummy", "redacted",
        "insert", "xxxxxx", "******", "••••", "todo", "fixme", "notreal", "not_real", "not-real",
        "<secret", "<token", "<password", "secret_here", "token_here", "key_here", "password_here",
        "enter_", "fill_in", "fillme", "put_your", "my_secret", "mysecret", "mypassword", "my_password",
    ]

    /// Eight or more repeats of one character (`aaaaaaaa`, `00000000`),
    /// white space aside. Long values (key blocks) are not judged by this:
    /// their encodings contain such runs legitimately.
    static func hasLongRun(_ text: String) -> Bool {
        var run = 0
        var previous: Character?
        for character in text where !character.isWhitespace {
            run = character == previous ? run + 1 : 1
            previous = character
            if run >= 8 { return true }
        }
        return false
    }
}
