import CPCRE2
import Foundation

/// A compiled PCRE2 pattern (JIT when available), matched over raw bytes.
///
/// The compiled code is immutable and shared between threads; each thread
/// matches with its own `PCRE2Regex.Scratch`.
public final class PCRE2Regex: @unchecked Sendable {
    let code: OpaquePointer
    /// Index of the capture group that holds the secret (0 = whole match).
    public let secretGroup: Int
    /// Index of the group named `key` (0 = none).
    public let keyGroup: Int
    /// Number of capture groups in the pattern.
    public let groupCount: Int

    /// Compiles `pattern`; throws a message with the offset of the error.
    public init(_ pattern: String, caseless: Bool = false) throws {
        var errorCode: Int32 = 0
        var errorOffset = 0
        // Lets a search stop at a last start position (`firstMatch(startingBy:)`).
        var options = UInt32(PCRE2_USE_OFFSET_LIMIT)
        if caseless { options |= UInt32(PCRE2_CASELESS) }
        let compiled = pattern.withCString { pointer in
            pointer.withMemoryRebound(to: UInt8.self, capacity: pattern.utf8.count) {
                pcre2_compile_8($0, pattern.utf8.count, options, &errorCode, &errorOffset, nil)
            }
        }
        guard let compiled else {
            throw PCRE2Error(message: PCRE2Regex.message(for: errorCode), offset: errorOffset)
        }
        code = compiled
        // JIT is an optimisation: a failure leaves the interpreter in place.
        _ = pcre2_jit_compile_8(compiled, UInt32(PCRE2_JIT_COMPLETE))
        var captures: UInt32 = 0
        pcre2_pattern_info_8(compiled, UInt32(PCRE2_INFO_CAPTURECOUNT), &captures)
        groupCount = Int(captures)
        let key = pcre2_substring_number_from_name_8(compiled, "key")
        keyGroup = key > 0 ? Int(key) : 0
        let named = pcre2_substring_number_from_name_8(compiled, "secret")
        if named > 0 {
            secretGroup = Int(named)
        } else {
            // The first group that is not the key.
            let first = keyGroup == 1 ? 2 : 1
            secretGroup = Int(captures) >= first ? first : 0
        }
    }

    deinit { pcre2_code_free_8(code) }

    /// Per-thread match state.
    public final class Scratch {
        let matchData: OpaquePointer
        let context: OpaquePointer?

        /// Match state for `regex`.
        public convenience init(for regex: PCRE2Regex) { self.init(groups: max(regex.groupCount, 1)) }

        /// Match state sized for any pattern with up to `groups` groups.
        public init(groups: Int) {
            matchData = pcre2_match_data_create_8(UInt32(groups + 1), nil)
            context = pcre2_match_context_create_8(nil)
            if let context {
                pcre2_set_match_limit_8(context, 200_000)
                pcre2_set_depth_limit_8(context, 10_000)
            }
        }

        deinit {
            pcre2_match_data_free_8(matchData)
            if let context { pcre2_match_context_free_8(context) }
        }
    }

    /// A match: the whole match and the secret group, as byte offsets.
    public struct Match: Equatable, Sendable {
        public var whole: Range<Int>
        public var secret: Range<Int>
        /// The `key` group, when the pattern has one and it took part.
        public var key: Range<Int>? = nil
    }

    /// Finds the first match in `base[0..<end]` that starts at or after
    /// `start` (and, with `limit`, at or before `limit`: the search gives up
    /// there instead of trying every later start).
    ///
    /// Text before `start` stays visible to look-behind assertions.
    public func firstMatch(
        in base: UnsafePointer<UInt8>, end: Int, from start: Int, startingBy limit: Int? = nil, scratch: Scratch
    ) -> Match? {
        if let context = scratch.context {
            pcre2_set_offset_limit_8(context, limit.map { max($0, start) } ?? PCRE2Regex.unset)
        }
        let rc = pcre2_match_8(code, base, end, start, 0, scratch.matchData, scratch.context)
        guard rc > 0 else { return nil }
        let ovector = pcre2_get_ovector_pointer_8(scratch.matchData)!
        let whole = Int(ovector[0])..<Int(ovector[1])
        var secret = whole
        if secretGroup > 0, Int(rc) > secretGroup, ovector[2 * secretGroup] != PCRE2Regex.unset {
            let lower = ovector[2 * secretGroup]
            let upper = ovector[2 * secretGroup + 1]
            if lower != PCRE2Regex.unset, upper != PCRE2Regex.unset {
                secret = Int(lower)..<Int(upper)
            }
        } else if secretGroup > 0 {
            // The secret group took no part in the match: fall back to the
            // last group that did (alternative spellings of one value).
            for group in stride(from: Int(rc) - 1, to: 0, by: -1) where group != keyGroup {
                let lower = ovector[2 * group]
                let upper = ovector[2 * group + 1]
                if lower != PCRE2Regex.unset, upper != PCRE2Regex.unset, lower < upper {
                    secret = Int(lower)..<Int(upper)
                    break
                }
            }
        }
        var key: Range<Int>?
        if keyGroup > 0, Int(rc) > keyGroup, ovector[2 * keyGroup] != PCRE2Regex.unset {
            key = Int(ovector[2 * keyGroup])..<Int(ovector[2 * keyGroup + 1])
        }
        return Match(whole: whole, secret: secret, key: key)
    }

    /// Every non-overlapping match in `base[0..<end]` starting at or after `start`.
    public func allMatches(
        in base: UnsafePointer<UInt8>, end: Int, from start: Int, scratch: Scratch
    ) -> [Match] {
        var results: [Match] = []
        var position = start
        while position <= end,
            let match = firstMatch(in: base, end: end, from: position, scratch: scratch)
        {
            results.append(match)
            position =
                match.whole.upperBound > match.whole.lowerBound
                ? match.whole.upperBound : match.whole.upperBound + 1
        }
        return results
    }

    /// Convenience for tests and small inputs.
    public func matches(in text: String) -> [String] {
        let bytes = Array(text.utf8)
        let scratch = Scratch(for: self)
        return bytes.withUnsafeBufferPointer { buffer -> [String] in
            guard let base = buffer.baseAddress else { return [] }
            return allMatches(in: base, end: buffer.count, from: 0, scratch: scratch).map {
                String(decoding: buffer[$0.secret], as: UTF8.self)
            }
        }
    }

    static let unset = Int(bitPattern: UInt.max)

    /// `text` with regex metacharacters escaped, to match it literally (in
    /// PCRE2 and Vectorscan alike).
    public static func escape(_ text: String) -> String {
        var out = ""
        for character in text {
            if "\\^$.|?*+()[]{}/-#".contains(character) { out.append("\\") }
            out.append(character)
        }
        return out
    }

    static func message(for code: Int32) -> String {
        var buffer = [UInt8](repeating: 0, count: 256)
        let length = pcre2_get_error_message_8(code, &buffer, buffer.count)
        return length > 0 ? String(decoding: buffer.prefix(Int(length)), as: UTF8.self) : "error \(code)"
    }
}

/// A pattern that PCRE2 cannot compile.
public struct PCRE2Error: Error, CustomStringConvertible {
    public var message: String
    public var offset: Int
    public var description: String { "\(message) at offset \(offset)" }
}
