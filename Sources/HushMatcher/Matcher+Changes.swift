import HushRules

/// Scanning a buffer that is a new version of one already scanned (a blob
/// stored as a delta in git history): only hits near the changed ranges
/// can give findings the old version did not have.
///
/// A rule's finding depends on the bytes within its *reach* of the secret:
/// the confirmation window (`lookbehind` before a hit, `lookahead` after),
/// and the context words looked for `lookbehind` before that window and 256
/// bytes after it. Most rules reach under `nearReach` bytes: the prefilter
/// runs only around the changes, that far out and more. The few that reach
/// farther (private keys, multi-line tokens) are checked by their words
/// instead: when one is within its rule's reach of a change, the buffer is
/// scanned whole.
extension Matcher {
    /// Reach of the rules whose hits are looked for around changes.
    public static let nearReach = 2 * Rule.defaultLookbehind + Rule.defaultLookahead + 256 + 64

    /// How far from its secret a rule's verdict can depend on the bytes.
    static func reach(of rule: Rule) -> Int {
        2 * rule.lookbehind + rule.lookahead + 256 + 64
    }

    /// How far from its secret the rule at `index` can depend on the bytes.
    public func reach(ofRuleAt index: Int) -> Int { reach[index] }

    /// What a far-reaching rule's match or verdict cannot do without: its
    /// keywords, and its context words when it is found by them.
    static func farWords(of rule: Rule) -> [String] {
        rule.keywords + (PrefilterPatterns.isContextDriven(rule) ? rule.context : [])
    }

    /// A literal database of the far-reaching rules' words (pattern id =
    /// rule index); nil when there is no such rule or one has no words.
    static func farKeywordDatabase(rules: [Rule], reach: [Int]) -> VectorscanDatabase? {
        var patterns: [VectorscanDatabase.Pattern] = []
        for (index, rule) in rules.enumerated() where reach[index] > nearReach {
            let words = farWords(of: rule)
            guard !words.isEmpty else { return nil }
            let alternatives = words.map(PCRE2Regex.escape).joined(separator: "|")
            patterns.append(
                VectorscanDatabase.Pattern(
                    expression: "(?:\(alternatives))", id: UInt32(index), flags: VectorscanDatabase.caselessFlags))
        }
        guard !patterns.isEmpty else { return nil }
        return try? VectorscanDatabase(patterns: patterns)
    }

    /// Whether a word of a far-reaching rule lies within that rule's reach
    /// of one of `changes` (sorted): then the buffer must be scanned whole.
    /// Always true when changed buffers cannot be scanned in part.
    public func farRuleNear(_ changes: [Range<Int>], in bytes: UnsafeBufferPointer<UInt8>, scratch: Scratch) -> Bool {
        guard scansChanges else { return true }
        guard !changes.isEmpty, let farKeywords else { return false }
        if scratch.farKeywords == nil { scratch.farKeywords = farKeywords.makeScratch() }
        guard let farScratch = scratch.farKeywords else { return true }
        var near = false
        // Only words that end within reach of a change matter: look around
        // the changes (and a word's length before that), not through a whole
        // large file.
        let radius = farReach + 64 + 256
        var ranges: [Range<Int>] = []
        for change in changes {
            let range = max(0, change.lowerBound - radius)..<min(bytes.count, change.upperBound + radius)
            if let last = ranges.last, range.lowerBound <= last.upperBound {
                ranges[ranges.count - 1] = last.lowerBound..<max(last.upperBound, range.upperBound)
            } else {
                ranges.append(range)
            }
        }
        let raw = UnsafeRawBufferPointer(bytes)
        for range in ranges where !near {
            farKeywords.scan(UnsafeRawBufferPointer(rebasing: raw[range]), scratch: farScratch) { id, found in
                let end = range.lowerBound + found
                let reach = self.reach[Int(id)] + 64  // and the word itself
                let first = Self.firstChange(in: changes, endingAtOrAfter: end - reach)
                near = first < changes.count && changes[first].lowerBound <= end + reach
                return !near
            }
        }
        return near
    }

    /// The index of the first of `changes` (sorted) whose end is at or after
    /// `offset`; `changes.count` when none is.
    public static func firstChange(in changes: [Range<Int>], endingAtOrAfter offset: Int) -> Int {
        var low = 0
        var high = changes.count
        while low < high {
            let middle = (low + high) / 2
            if changes[middle].upperBound < offset { low = middle + 1 } else { high = middle }
        }
        return low
    }
}
