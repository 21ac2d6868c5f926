import Foundation
import HushRules

/// The two-stage matching engine.
///
/// Stage one runs every rule at once through one Vectorscan database in
/// prefilter mode and reports candidate end offsets. Stage two confirms each
/// candidate with the rule's PCRE2 regex on a bounded window around it,
/// extracts the secret, and applies the rule's own checks. Overlapping matches
/// of several rules are reported once, by the rule with the highest priority.
public final class Matcher: @unchecked Sendable {
    /// The rules, indexed by `Candidate.ruleIndex`.
    public let rules: [Rule]
    let compiledRules: [CompiledRule]
    let database: VectorscanDatabase
    let maxGroups: Int
    /// How far from its secret each rule looks (see `Matcher+Changes.swift`).
    let reach: [Int]
    /// The longest reach of a rule that is not near (see `farRuleNear`).
    let farReach: Int
    /// Whether every rule that reaches farther than `nearReach` has words
    /// to look for (then changed buffers can be scanned around their changes).
    public let scansChanges: Bool
    private let farLock = NSLock()
    private var farState: (built: Bool, database: VectorscanDatabase?) = (false, nil)

    /// Builds a matcher, loading the Vectorscan database from `cache` when
    /// present and valid, and compiling (then saving) it otherwise.
    public init(rules ruleSet: RuleSet, cache: DatabaseCache? = .standard) throws {
        rules = ruleSet.rules
        compiledRules = try rules.map { try CompiledRule(rule: $0) }
        maxGroups = 16
        let reach = rules.map(Self.reach(of:))
        self.reach = reach
        farReach = reach.filter { $0 > Self.nearReach }.max() ?? 0
        scansChanges = zip(rules, reach).allSatisfy { rule, reach in
            reach <= Self.nearReach || !Self.farWords(of: rule).isEmpty
        }
        let patterns = PrefilterPatterns(rules: rules)
        if let cache, let cached = cache.load(key: patterns.cacheKey) {
            database = cached
        } else {
            // A fresh compile is also when rule regexes are validated.
            for rule in compiledRules { _ = try rule.regex() }
            database = try patterns.compile()
            try? cache?.store(database, key: patterns.cacheKey)
        }
    }

    /// The words of the far-reaching rules, compiled on first use (changed
    /// buffers only); nil when there are none.
    var farKeywords: VectorscanDatabase? {
        farLock.lock()
        defer { farLock.unlock() }
        if !farState.built { farState = (true, Self.farKeywordDatabase(rules: rules, reach: reach)) }
        return farState.database
    }

    /// Per-thread matching state.
    public final class Scratch {
        let vectorscan: VectorscanDatabase.Scratch
        let pcre: PCRE2Regex.Scratch
        /// Per-rule counters, when profiling (`hush rules profile`).
        public var profile: RuleProfile?
        /// For `farKeywords`, made on first use.
        var farKeywords: VectorscanDatabase.Scratch?
        /// Rules' confirmation regexes, by rule index, fetched on first use
        /// (the rule's own copy is behind a lock).
        var regexes: [PCRE2Regex?]
        init(vectorscan: VectorscanDatabase.Scratch, pcre: PCRE2Regex.Scratch, rules: Int) {
            self.vectorscan = vectorscan
            self.pcre = pcre
            regexes = [PCRE2Regex?](repeating: nil, count: rules)
        }
    }

    /// A new scratch space; each thread that calls `scan` needs its own.
    public func makeScratch() -> Scratch {
        Scratch(
            vectorscan: database.makeScratch(), pcre: PCRE2Regex.Scratch(groups: maxGroups), rules: compiledRules.count)
    }

    /// Every confirmed candidate in `bytes`, ordered by position, with
    /// overlaps between rules resolved.
    ///
    /// `refine` sees each candidate before overlaps are resolved and may drop
    /// it (return nil) or rewrite what it reports; a dropped candidate never
    /// hides another rule's match.
    ///
    /// With `regions`, only prefilter hits inside those ranges (sorted,
    /// disjoint) are confirmed; confirmation still sees the whole buffer.
    public func scan(
        _ bytes: UnsafeBufferPointer<UInt8>, scratch: Scratch, regions: [Range<Int>]? = nil,
        refine: ((Candidate) -> Candidate?)? = nil
    ) -> [Candidate] {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return [] }
        var coveredUntil = [Int](repeating: -1, count: rules.count)
        var found: [Candidate] = []
        var seen = Set<CandidateKey>()
        var context = ContextIndex(bytes)
        /// Confirms the rule's matches in `start..<end`; with `anchoredAt`,
        /// only a match starting at or before that hit.
        func confirmWindow(
            _ index: Int, compiled: CompiledRule, regex: PCRE2Regex, start: Int, end: Int, anchoredAt: Int?
        ) {
            var position = start
            while position <= end,
                let match = regex.firstMatch(
                    in: base, end: end, from: position, startingBy: anchoredAt, scratch: scratch.pcre),
                anchoredAt.map({ match.whole.lowerBound <= $0 }) ?? true
            {
                // After a rejected match, look again from its secret: the
                // text taken as a value may start the real match.
                var accepted = false
                defer {
                    let resume =
                        accepted || match.secret.lowerBound <= match.whole.lowerBound
                        ? match.whole.upperBound : match.secret.lowerBound
                    position = max(resume, position + 1)
                }
                if seen.isEmpty { seen.reserveCapacity(64) }
                guard match.whole.upperBound < end || end == bytes.count, !match.secret.isEmpty,
                    seen.insert(CandidateKey(rule: index, start: match.whole.lowerBound, end: match.whole.upperBound))
                        .inserted,
                    compiled.accepts(match.secret, in: bytes)
                else { continue }
                let candidate = Candidate(ruleIndex: index, match: match.whole, secret: match.secret, key: match.key)
                guard let refined = refine.map({ $0(candidate) }) ?? candidate else { continue }
                accepted = true
                found.append(refined)
                if anchoredAt != nil { coveredUntil[index] = max(coveredUntil[index], match.whole.upperBound) }
            }
        }
        func confirm(_ id: UInt32, _ end: Int) -> Bool {
            let index = Int(id)
            scratch.profile?.hits[index] += 1
            guard end > coveredUntil[index] || compiledRules[index].isContextDriven else { return true }
            let started = scratch.profile == nil ? 0 : DispatchTime.now().uptimeNanoseconds
            defer {
                if scratch.profile != nil {
                    scratch.profile!.confirmations[index] += 1
                    scratch.profile!.nanoseconds[index] += DispatchTime.now().uptimeNanoseconds - started
                }
            }
            let compiled = compiledRules[index]
            if scratch.regexes[index] == nil { scratch.regexes[index] = try? compiled.regex() }
            guard let regex = scratch.regexes[index] else { return true }
            if compiled.isContextDriven {
                // `end` is the end of a context word. Every secret this word
                // can vouch for (it lies `lookbehind` before the secret to 256
                // after) is in this window, with its whole match (at most
                // lookbehind + lookahead long). Windows of nearby words
                // overlap by a match length, so one cut by a window's end is
                // found whole in the next.
                let matchLength = compiled.rule.lookbehind + compiled.rule.lookahead
                let wordStart = end - compiled.longestContextWord
                var windowStart = max(0, wordStart - 256 - matchLength)
                if coveredUntil[index] >= 0 { windowStart = max(windowStart, coveredUntil[index] - matchLength) }
                let windowEnd = min(bytes.count, end + compiled.rule.lookbehind + matchLength + 1)
                coveredUntil[index] = windowEnd
                confirmWindow(
                    index, compiled: compiled, regex: regex, start: windowStart, end: windowEnd, anchoredAt: nil)
                return true
            }
            let windowStart = max(0, end - compiled.rule.lookbehind)
            let windowEnd = min(bytes.count, end + compiled.rule.lookahead)
            // A rule with its own `prefilter` has anchors: each hit belongs to
            // the match that starts at or before it, and is confirmed alone.
            // Otherwise hits may be dense (every position of a long run), and
            // one window covers all hits up to its end. A match that ends
            // exactly at the window's end may be cut short; the later hit at
            // its real end will find it whole.
            let anchored = compiled.rule.prefilter != nil
            coveredUntil[index] = anchored ? end : (windowEnd == bytes.count ? Int.max : windowEnd - 1)
            // A rule that needs a context word accepts nothing in this window
            // when no such word is near it (the check in `accepts` looks
            // `lookbehind` bytes before a secret and 256 after): skip the
            // regex, the common case for 40-character runs such as hashes.
            if !compiled.contextWords.isEmpty,
                !context.contains(
                    compiled, rule: index,
                    in: max(0, windowStart - compiled.rule.lookbehind)..<min(bytes.count, windowEnd + 256))
            {
                return true
            }
            // The match of an anchored hit holds the hit's last byte; for a
            // single-line rule it starts on that byte's line. The search
            // begins there, not on the lines before (their matches are found
            // from their own hits).
            var searchStart = windowStart
            if anchored, compiled.isSingleLine {
                searchStart = max(end - 1, windowStart)
                while searchStart > windowStart, base[searchStart - 1] != 10 { searchStart -= 1 }
            }
            confirmWindow(
                index, compiled: compiled, regex: regex, start: searchStart, end: windowEnd,
                anchoredAt: anchored ? end : nil)
            return true
        }
        let raw = UnsafeRawBufferPointer(bytes)
        if let regions {
            for region in regions where !region.isEmpty {
                let start = region.lowerBound
                database.scan(UnsafeRawBufferPointer(rebasing: raw[region]), scratch: scratch.vectorscan) { id, end in
                    confirm(id, start + end)
                }
            }
        } else {
            database.scan(raw, scratch: scratch.vectorscan, onMatch: confirm)
        }
        return resolveOverlaps(found)
    }

    /// Scans a byte array (convenience for tests and small inputs).
    public func scan(_ bytes: [UInt8]) -> [Candidate] {
        let scratch = makeScratch()
        return bytes.withUnsafeBufferPointer { scan($0, scratch: scratch) }
    }

    /// Keeps, among candidates whose secrets overlap, the most specific one:
    /// highest priority, then longest secret, then earliest rule.
    func resolveOverlaps(_ candidates: [Candidate]) -> [Candidate] {
        guard candidates.count > 1 else { return candidates }
        let ranked = candidates.sorted { a, b in
            let ra = rules[a.ruleIndex], rb = rules[b.ruleIndex]
            if ra.priority != rb.priority { return ra.priority > rb.priority }
            if a.secret.count != b.secret.count { return a.secret.count > b.secret.count }
            if a.ruleIndex != b.ruleIndex { return a.ruleIndex < b.ruleIndex }
            return a.secret.lowerBound < b.secret.lowerBound
        }
        var kept: [Candidate] = []
        for candidate in ranked where !kept.contains(where: { $0.secret.overlaps(candidate.secret) }) {
            kept.append(candidate)
        }
        return kept.sorted { ($0.secret.lowerBound, $0.ruleIndex) < ($1.secret.lowerBound, $1.ruleIndex) }
    }
}

/// Where a buffer's context words are, found once per buffer and rule on
/// the rule's first hit, so each window's check is a binary search.
private struct ContextIndex {
    let bytes: UnsafeBufferPointer<UInt8>
    /// Sorted start offsets of any of the rule's words, per rule index.
    private var starts: [Int: [Int]] = [:]
    /// The last rule looked up, and its offsets.
    private var lastRule = -1
    private var lastOffsets: [Int] = []

    init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    /// Whether one of the rule's context words lies wholly inside `range`.
    mutating func contains(_ compiled: CompiledRule, rule: Int, in range: Range<Int>) -> Bool {
        if rule != lastRule {
            lastOffsets = starts[rule] ?? find(compiled.contextWords, rule: rule)
            lastRule = rule
        }
        let offsets = lastOffsets
        // First offset at or after the range's start.
        var low = 0
        var high = offsets.count
        while low < high {
            let middle = (low + high) / 2
            if offsets[middle] < range.lowerBound { low = middle + 1 } else { high = middle }
        }
        return low < offsets.count && offsets[low] + compiled.shortestContextWord <= range.upperBound
    }

    /// Offsets of every word (lower case; matched ignoring ASCII case).
    /// Each word is looked for by memchr of its rarest byte (both cases),
    /// then compared whole: the first letter of `aws` or `api` is a
    /// hexadecimal digit, found thousands of times in a file of hashes.
    private mutating func find(_ words: [[UInt8]], rule: Int) -> [Int] {
        var offsets: [Int] = []
        guard let base = bytes.baseAddress else { return offsets }
        let count = bytes.count
        var byAnchor: [UInt8: [(word: [UInt8], at: Int)]] = [:]
        for word in words where !word.isEmpty {
            let at = word.indices.min { Self.commonness(word[$0]) < Self.commonness(word[$1]) } ?? 0
            byAnchor[word[at], default: []].append((word, at))
        }
        for (anchor, group) in byAnchor {
            let cases = anchor >= 97 && anchor <= 122 ? [anchor, anchor - 32] : [anchor]
            for variant in cases {
                var from = 0
                while from < count, let hit = memchr(base + from, Int32(variant), count - from) {
                    let position = UnsafeRawPointer(base).distance(to: UnsafeRawPointer(hit))
                    for (word, at) in group where position >= at && matches(word, at: position - at) {
                        offsets.append(position - at)
                    }
                    from = position + 1
                }
            }
        }
        offsets.sort()
        starts[rule] = offsets
        return offsets
    }

    /// How common a (lower-case) byte is in source and configuration text:
    /// hexadecimal digits (hashes, ids) first, then English letter
    /// frequency; anything else is rare.
    private static func commonness(_ byte: UInt8) -> Int {
        if (byte >= 48 && byte <= 57) || (byte >= 97 && byte <= 102) { return 100 }
        let order = Array("etaoinsrhldcumfpgwybvkxjqz".utf8)
        if let rank = order.firstIndex(of: byte) { return 50 - rank }
        return byte == 32 || byte == 95 || byte == 45 || byte == 46 ? 60 : 0
    }

    private func matches(_ word: [UInt8], at offset: Int) -> Bool {
        guard offset + word.count <= bytes.count else { return false }
        for index in 0..<word.count {
            let byte = bytes[offset + index]
            if (byte >= 65 && byte <= 90 ? byte | 0x20 : byte) != word[index] { return false }
        }
        return true
    }
}

private struct CandidateKey: Hashable {
    var rule: Int
    var start: Int
    var end: Int
}

/// Where a matcher spends its time, rule by rule.
public struct RuleProfile: Sendable {
    /// Prefilter hits reported by Vectorscan.
    public var hits: [Int]
    /// Windows confirmed with PCRE2 (hits not already covered).
    public var confirmations: [Int]
    /// Time spent confirming, in nanoseconds.
    public var nanoseconds: [UInt64]

    public init(ruleCount: Int) {
        hits = Array(repeating: 0, count: ruleCount)
        confirmations = Array(repeating: 0, count: ruleCount)
        nanoseconds = Array(repeating: 0, count: ruleCount)
    }
}
