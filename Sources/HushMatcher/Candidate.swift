/// A confirmed match of one rule in a buffer, before the scan-level filters.
public struct Candidate: Sendable, Equatable {
    /// Index of the rule in `Matcher.rules`.
    public var ruleIndex: Int
    /// Byte range of the whole regex match.
    public var match: Range<Int>
    /// Byte range of the secret inside the buffer.
    public var secret: Range<Int>
    /// Byte range of the key the secret is assigned to (the rule's `key`
    /// group), when the rule captures one.
    public var key: Range<Int>?
    /// The secret as it should be reported when it differs from the bytes
    /// at `secret` (a decoded base64 value, say).
    public var decoded: String?
    /// How the secret was encoded in the buffer when `decoded` is set.
    public var encoding: String?

    public init(ruleIndex: Int, match: Range<Int>, secret: Range<Int>, key: Range<Int>? = nil) {
        self.ruleIndex = ruleIndex
        self.match = match
        self.secret = secret
        self.key = key
    }
}
