import CTextScan
import Foundation

/// Decoded forms of encoded text inside a buffer: base64 runs, URL-encoded
/// and backslash-escaped lines. Secrets hidden in them are found by scanning
/// the decoded bytes and reported at the encoded text's position.
struct EncodedView {
    /// Where the encoded text is in the original buffer.
    var range: Range<Int>
    /// The decoded bytes.
    var bytes: [UInt8]
    /// `base64`, `url` or `escape`.
    var encoding: String
}

enum EncodedViews {
    /// Shortest base64 run worth decoding (18 bytes of content).
    static let minimumBase64Run = 24
    /// Decoded views are capped at this many bytes per buffer in total.
    static let budgetFactor = 2

    /// Every decodable view in `buffer` whose decoded form is text.
    static func views(in buffer: UnsafeBufferPointer<UInt8>) -> [EncodedView] {
        var views: [EncodedView] = []
        var budget = max(buffer.count * budgetFactor, 1 << 16)
        for view in base64Views(in: buffer) + lineViews(in: buffer) {
            budget -= view.bytes.count
            if budget < 0 { break }
            views.append(view)
        }
        return views
    }

    /// The views inside `regions` (whole lines, sorted, disjoint) of `buffer`.
    static func views(in buffer: UnsafeBufferPointer<UInt8>, regions: [Range<Int>]) -> [EncodedView] {
        var views: [EncodedView] = []
        for region in regions where !region.isEmpty {
            for var view in Self.views(in: UnsafeBufferPointer(rebasing: buffer[region])) {
                view.range = (view.range.lowerBound + region.lowerBound)..<(view.range.upperBound + region.lowerBound)
                views.append(view)
            }
        }
        return views
    }

    static func base64Views(in buffer: UnsafeBufferPointer<UInt8>) -> [EncodedView] {
        var views: [EncodedView] = []
        let count = buffer.count
        // A run long enough (24 with up to two '=' of padding) has at least
        // `shortest` base64 characters. The characters are classified 16 at
        // a time into a bitmap, where such runs are found a word at a time.
        let shortest = minimumBase64Run - 2
        guard let base = buffer.baseAddress, count >= shortest else { return views }
        let words = hush_base64_words(count)
        var nonHex = [UInt64](repeating: 0, count: words)
        let bits = [UInt64](unsafeUninitializedCapacity: words) { bits, initialized in
            nonHex.withUnsafeMutableBufferPointer { hex in
                hush_classify_base64(base, count, bits.baseAddress, hex.baseAddress)
            }
            initialized = words
        }
        var from = 0
        while true {
            var index = 0
            // Hexadecimal runs (hashes, ids) are base64 characters too; they are
            // never base64 of text, and are most of the long runs in real trees:
            // the search passes over them.
            let start = hush_next_lettered_base64_run(bits, nonHex, count, from, shortest, &index)
            guard start < count else { break }
            var end = index
            while end < count, end - index < 2, buffer[end] == 61 { end += 1 }  // '=' padding
            if end - start >= minimumBase64Run,
                let decoded = decodeBase64(buffer[start..<end], knownNotHex: true),
                isText(decoded)
            {
                views.append(EncodedView(range: start..<end, bytes: decoded, encoding: "base64"))
            }
            from = index
        }
        return views
    }

    /// Lines with `%XX` escapes or backslash escapes, decoded.
    static func lineViews(in buffer: UnsafeBufferPointer<UInt8>) -> [EncodedView] {
        var views: [EncodedView] = []
        // Most buffers have neither escape: two memchr passes rule them out.
        guard let base = buffer.baseAddress,
            memchr(base, 37, buffer.count) != nil || memchr(base, 92, buffer.count) != nil
        else { return views }
        // The lines holding either byte, found with memchr, in line order.
        var marked: [Int: (end: Int, percent: Bool, backslash: Bool)] = [:]
        for byte: UInt8 in [37, 92] {
            var from = 0
            while from < buffer.count, let hit = memchr(base + from, Int32(byte), buffer.count - from) {
                let offset = UnsafeRawPointer(base).distance(to: UnsafeRawPointer(hit))
                let lineStart = hush_last_line_feed(base, offset) + 1
                let lineEnd =
                    memchr(base + offset, 10, buffer.count - offset).map {
                        UnsafeRawPointer(base).distance(to: UnsafeRawPointer($0))
                    } ?? buffer.count
                var entry = marked[lineStart] ?? (lineEnd, false, false)
                if byte == 37 { entry.percent = true } else { entry.backslash = true }
                marked[lineStart] = entry
                from = lineEnd + 1
            }
        }
        for lineStart in marked.keys.sorted() {
            let entry = marked[lineStart]!
            let line = UnsafeBufferPointer(rebasing: buffer[lineStart..<entry.end])
            if entry.percent, let decoded = percentDecode(line) {
                views.append(EncodedView(range: lineStart..<entry.end, bytes: decoded, encoding: "url"))
            }
            if entry.backslash, let decoded = unescape(line) {
                views.append(EncodedView(range: lineStart..<entry.end, bytes: decoded, encoding: "escape"))
            }
        }
        return views
    }

    /// Decodes standard or URL-safe base64 (padding optional); nil when the
    /// run is hexadecimal (a hash, not base64 text) or when its first bytes
    /// already decode to something that is not text.
    static func decodeBase64(_ slice: Slice<UnsafeBufferPointer<UInt8>>, knownNotHex: Bool = false) -> [UInt8]? {
        var end = slice.endIndex
        while end > slice.startIndex, slice[end - 1] == 61 { end -= 1 }
        let count = end - slice.startIndex
        guard count % 4 != 1 else { return nil }
        if !knownNotHex, slice[slice.startIndex..<end].allSatisfy(isHexDigit) { return nil }
        return base64Table.withUnsafeBufferPointer { table -> [UInt8]? in
            var out: [UInt8] = []
            out.reserveCapacity(16)
            var accumulator: UInt32 = 0
            var bits = 0
            var index = slice.startIndex
            while index < end {
                let value = table[Int(slice[index])]
                guard value < 64 else { return nil }
                accumulator = accumulator << 6 | UInt32(value)
                bits += 6
                if bits >= 8 {
                    bits -= 8
                    out.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(bits)))
                    // Bail out early on binary content: most runs are hashes or blobs.
                    if out.count == 12 {
                        guard isText(out) else { return nil }
                        out.reserveCapacity(count * 3 / 4)
                    }
                }
                index += 1
            }
            return out
        }
    }

    /// Value of each byte as a base64 digit (both alphabets), or 255.
    static let base64Table: [UInt8] = {
        var table = [UInt8](repeating: 255, count: 256)
        for (value, byte) in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8.enumerated() {
            table[Int(byte)] = UInt8(value)
        }
        table[Int(UInt8(ascii: "-"))] = 62
        table[Int(UInt8(ascii: "_"))] = 63
        return table
    }()

    /// Mostly printable ASCII (allowing tabs and line breaks).
    static func isText(_ bytes: [UInt8]) -> Bool {
        guard !bytes.isEmpty else { return false }
        var printable = 0
        for byte in bytes where (byte >= 0x20 && byte < 0x7F) || byte == 9 || byte == 10 || byte == 13 {
            printable += 1
        }
        return printable * 100 >= bytes.count * 97
    }

    @inline(__always)
    static func isHexDigit(_ byte: UInt8) -> Bool {
        (byte >= 48 && byte <= 57) || (byte >= 97 && byte <= 102) || (byte >= 65 && byte <= 70)
    }

    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 48...57: byte - 48
        case 65...70: byte - 55
        case 97...102: byte - 87
        default: nil
        }
    }

    /// The line with `%XX` decoded, or nil when nothing changed.
    static func percentDecode(_ line: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(line.count)
        var changed = false
        var index = 0
        while index < line.count {
            if line[index] == 37, index + 2 < line.count, let high = hexValue(line[index + 1]),
                let low = hexValue(line[index + 2])
            {
                out.append(high << 4 | low)
                index += 3
                changed = true
            } else {
                out.append(line[index])
                index += 1
            }
        }
        return changed ? out : nil
    }

    /// The line with JSON/C escapes (`\n`, `\"`, `\/`, `\uXXXX`) decoded, or
    /// nil when nothing changed.
    static func unescape(_ line: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(line.count)
        var changed = false
        var index = 0
        while index < line.count {
            guard line[index] == 92, index + 1 < line.count else {
                out.append(line[index])
                index += 1
                continue
            }
            let next = line[index + 1]
            switch next {
            case 110: out.append(10)
            case 114: out.append(13)
            case 116: out.append(9)
            case 34, 39, 47, 92: out.append(next)
            case 117 where index + 5 < line.count:
                let digits = (2...5).compactMap { hexValue(line[index + $0]) }
                guard digits.count == 4 else {
                    out.append(line[index])
                    index += 1
                    continue
                }
                let scalar = digits.reduce(UInt32(0)) { $0 << 4 | UInt32($1) }
                out.append(contentsOf: Array(String(UnicodeScalar(scalar).map(Character.init) ?? "?").utf8))
                index += 6
                changed = true
                continue
            default:
                out.append(line[index])
                index += 1
                continue
            }
            index += 2
            changed = true
        }
        return changed ? out : nil
    }
}
