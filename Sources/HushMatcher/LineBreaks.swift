/// Whether a rule's regex can match a line break, judged from its text.
///
/// A rule whose matches never hold a `\n` lies on one line, so its
/// confirmation need not start on an earlier line (see `Matcher.scan`).
/// The judgement is conservative: anything it does not understand (flags
/// that change what `.` or whitespace mean, Unicode properties, octal or
/// control escapes, POSIX classes, verbs) counts as "may".
enum LineBreaks {
    /// Whether `pattern` (PCRE2 syntax, compiled without `DOTALL` or
    /// `EXTENDED`) may match a `\n`.
    static func mayMatch(_ pattern: String) -> Bool {
        let bytes = Array(pattern.utf8)
        var index = 0
        while index < bytes.count {
            switch bytes[index] {
            case 10:
                return true
            case UInt8(ascii: "\\"):
                guard let escape = Escape(bytes, at: index) else { return true }
                switch escape.meaning {
                case .newline, .setWithNewline, .unknown: return true
                case .character, .setWithoutNewline, .anchor: index = escape.end
                }
            case UInt8(ascii: "["):
                guard let end = classEnd(bytes, from: index) else { return true }
                index = end
            case UInt8(ascii: "("):
                if index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "*") { return true }  // (*VERB)
                if changesLineMeaning(bytes, groupAt: index) { return true }
                index += 1
            default:
                index += 1
            }
        }
        return false
    }

    /// Whether the group at `start` sets flags under which `.` matches a
    /// line break (`s`) or whitespace in the pattern is ignored (`x`).
    private static func changesLineMeaning(_ bytes: [UInt8], groupAt start: Int) -> Bool {
        guard start + 1 < bytes.count, bytes[start + 1] == UInt8(ascii: "?") else { return false }
        var index = start + 2
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "s") || byte == UInt8(ascii: "x") { return true }
            let isFlag = (byte >= 97 && byte <= 122) || (byte >= 65 && byte <= 90) || byte == 45 || byte == 94
            guard isFlag else { return false }
            index += 1
        }
        return false
    }

    /// The offset just past the class that starts at `start`; nil when the
    /// class may match a line break (or is not understood).
    private static func classEnd(_ bytes: [UInt8], from start: Int) -> Int? {
        var index = start + 1
        let negated = index < bytes.count && bytes[index] == UInt8(ascii: "^")
        if negated { index += 1 }
        /// Whether some member matches `\n` for sure (what a negated class needs).
        var excludesNewline = false
        var first = true
        var previous: UInt32?
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "]"), !first {
                return negated && !excludesNewline ? nil : index + 1
            }
            first = false
            var value: UInt32?
            switch byte {
            case 10:
                if !negated { return nil }
                excludesNewline = true
                value = 10
                index += 1
            case UInt8(ascii: "["):
                // A POSIX class ([:alpha:]) or a nested bracket: not judged.
                if index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: ":") { return nil }
                value = UInt32(byte)
                index += 1
            case UInt8(ascii: "\\"):
                guard let escape = Escape(bytes, at: index) else { return nil }
                switch escape.meaning {
                case .newline:
                    if !negated { return nil }
                    excludesNewline = true
                    value = 10
                case .character(let character):
                    value = character
                case .setWithoutNewline:
                    value = nil
                case .setWithNewline:
                    if !negated { return nil }
                    excludesNewline = true
                case .anchor, .unknown:
                    return nil
                }
                index = escape.end
            case UInt8(ascii: "-"):
                // A range `previous-next` (a `-` first or last is literal).
                if let low = previous, index + 1 < bytes.count, bytes[index + 1] != UInt8(ascii: "]") {
                    var high: UInt32
                    var next = index + 1
                    if bytes[next] == UInt8(ascii: "\\") {
                        guard let escape = Escape(bytes, at: next), case .character(let character) = escape.meaning
                        else { return nil }
                        high = character
                        next = escape.end
                    } else {
                        high = UInt32(bytes[next])
                        next += 1
                    }
                    if low <= 10 && 10 <= high {
                        if !negated { return nil }
                        excludesNewline = true
                    }
                    index = next
                    previous = nil
                    continue
                }
                value = UInt32(byte)
                index += 1
            default:
                value = UInt32(byte)
                index += 1
            }
            previous = value
        }
        return nil  // unterminated
    }

    /// One backslash escape and what it stands for.
    private struct Escape {
        enum Meaning {
            /// `\n` (or `\x0a`).
            case newline
            /// One other character, by its code point.
            case character(UInt32)
            /// A set of characters without `\n` (`\d`, `\w`, `\h`).
            case setWithoutNewline
            /// A set that holds `\n` (`\s`, `\v`, `\D`, `\W`, `\H`).
            case setWithNewline
            /// A zero-width assertion (`\b`, `\A`, `\z`...).
            case anchor
            /// Anything else: octal and control escapes, properties,
            /// back references, `\R`, `\X`, `\Q`.
            case unknown
        }

        let meaning: Meaning
        /// The offset just past the escape.
        private(set) var end: Int

        /// Reads the escape at `start` (a backslash); nil when it is cut off.
        init?(_ bytes: [UInt8], at start: Int) {
            guard start + 1 < bytes.count else { return nil }
            let letter = bytes[start + 1]
            end = start + 2
            switch letter {
            case UInt8(ascii: "n"): meaning = .newline
            case UInt8(ascii: "t"): meaning = .character(9)
            case UInt8(ascii: "r"): meaning = .character(13)
            case UInt8(ascii: "f"): meaning = .character(12)
            case UInt8(ascii: "e"): meaning = .character(27)
            case UInt8(ascii: "a"): meaning = .character(7)
            case UInt8(ascii: "d"), UInt8(ascii: "w"), UInt8(ascii: "h"): meaning = .setWithoutNewline
            case UInt8(ascii: "s"), UInt8(ascii: "v"), UInt8(ascii: "D"), UInt8(ascii: "W"), UInt8(ascii: "H"):
                meaning = .setWithNewline
            case UInt8(ascii: "b"), UInt8(ascii: "B"), UInt8(ascii: "A"), UInt8(ascii: "z"), UInt8(ascii: "Z"),
                UInt8(ascii: "G"), UInt8(ascii: "K"):
                meaning = .anchor
            case UInt8(ascii: "x"):
                guard let (value, end) = Self.hex(bytes, from: start + 2) else { return nil }
                meaning = value == 10 ? .newline : .character(value)
                self.end = end
                return
            case 10:
                meaning = .newline
            default:
                let isAlphanumeric =
                    (letter >= 48 && letter <= 57) || (letter >= 65 && letter <= 90) || (letter >= 97 && letter <= 122)
                meaning = isAlphanumeric || letter >= 128 ? .unknown : .character(UInt32(letter))
            }
        }

        /// `\xHH` (up to two digits) or `\x{H...}`: the value and where it ends.
        private static func hex(_ bytes: [UInt8], from start: Int) -> (UInt32, Int)? {
            func digit(_ byte: UInt8) -> UInt32? {
                switch byte {
                case 48...57: UInt32(byte - 48)
                case 65...70: UInt32(byte - 55)
                case 97...102: UInt32(byte - 87)
                default: nil
                }
            }
            var index = start
            var value: UInt32 = 0
            if index < bytes.count, bytes[index] == UInt8(ascii: "{") {
                index += 1
                var digits = 0
                while index < bytes.count, let next = digit(bytes[index]) {
                    guard digits < 6 else { return nil }
                    value = value << 4 | next
                    digits += 1
                    index += 1
                }
                guard digits > 0, index < bytes.count, bytes[index] == UInt8(ascii: "}") else { return nil }
                return (value, index + 1)
            }
            var digits = 0
            while digits < 2, index < bytes.count, let next = digit(bytes[index]) {
                value = value << 4 | next
                digits += 1
                index += 1
            }
            return (value, index)
        }
    }
}
