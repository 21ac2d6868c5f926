/// Recognises values that only look like secrets: placeholders, templating,
/// environment lookups and documentation examples.
public enum PlaceholderFilter {
    /// Whether `value` is a placeholder rather than a credential.
    public static func isPlaceholder(_ value: String) -> Bool {
        let lower = value.lowercased()
        if templateMarkers.contains(where: { lower.contains($0) }) { return true }
        if lower.hasPrefix("<") && lower.hasSuffix(">") { return true }
        if lower.hasPrefix("$") && lower.dropFirst().allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) {
            return true
        }
        if placeholderWords.contains(where: { lower.contains($0) }) { return true }
        if hasLongRun(lower) { return true }
        return false
    }

    /// Templating and variable syntaxes of common tools.
    static let templateMarkers = ["${", "{{", "}}", "%(", "$(", "#{", "<%", "%>", "[[", "]]"]

    /// Words that mark a value as a stand-in. Random tokens contain none of
    /// these by chance (each has odds below one in a million per position).
    static let placeholderWords = [
        "changeme", "change_me", "change-me", "changeit", "replace_me", "replaceme", "your_", "your-",
        "yourkey", "yoursecret", "yourtoken", "placeholder", "example", "sample", "dummy", "redacted",
        "insert", "xxxxxx", "******", "••••", "todo", "fixme", "notreal", "not_real", "not-real",
        "<secret", "<token", "<password", "secret_here", "token_here", "key_here", "password_here",
        "enter_", "fill_in", "fillme", "put_your", "my_secret", "mysecret", "mypassword", "my_password",
    ]

    /// Eight or more repeats of one character (`aaaaaaaa`, `00000000`).
    static func hasLongRun(_ text: String) -> Bool {
        var run = 0
        var previous: Character?
        for character in text {
            run = character == previous ? run + 1 : 1
            previous = character
            if run >= 8 { return true }
        }
        return false
    }
}
