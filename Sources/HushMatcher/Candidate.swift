/// A confirmed match of one rule in a buffer, before the scan-level filters.
public struct Candidate: Sendable, Equatable {
    /// Index of the rule in `Matcher.rules`.
    public var ruleIndex: Int
    /// Byte range of the whole regex match.
    public var match: Range<Int>
    /// Byte range of the secret inside the buffer.
    public var secret: Range<Int>

    public init(ruleIndex: Int, match: Range<Int>, secret: Range<Int>) {
        self.ruleIndex = ruleIndex
        self.match = match
        self.secret = secret
    }
}
