import CTextScan
import Foundation

/// Maps byte offsets to 1-based lines and columns, walking forward only.
///
/// Offsets must be asked for in increasing order (findings are sorted), so a
/// whole buffer is traversed at most once.
struct LineIndex {
    private let bytes: UnsafeBufferPointer<UInt8>
    private var position = 0
    private var line = 1
    private var lineStart = 0

    init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    /// The line and the offset where that line starts, for `offset`.
    mutating func locate(_ offset: Int) -> (line: Int, lineStart: Int) {
        if offset < position {
            position = 0
            line = 1
            lineStart = 0
        }
        // Line breaks found with memchr: a byte loop here was a pass over
        // every scanned buffer with findings.
        if let base = bytes.baseAddress {
            while position < offset,
                let hit = memchr(base + position, 10, min(offset, bytes.count) - position)
            {
                let at = UnsafeRawPointer(base).distance(to: UnsafeRawPointer(hit))
                line += 1
                lineStart = at + 1
                position = at + 1
            }
        }
        position = max(position, offset)
        return (line, lineStart)
    }

    /// The text of the line starting at `start`, without its line break, cut
    /// to `limit` bytes.
    func lineText(from start: Int, limit: Int = 4096) -> Substring {
        var end = start
        while end < bytes.count, bytes[end] != 10, end - start < limit { end += 1 }
        var text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
        if text.hasSuffix("\r") { text.removeLast() }
        return text[...]
    }

    /// The text of the line before the one starting at `start`, if any.
    func previousLineText(before start: Int) -> Substring? {
        guard start > 0 else { return nil }
        var begin = start - 1
        while begin > 0, bytes[begin - 1] != 10, start - begin < 4096 { begin -= 1 }
        return lineText(from: begin)
    }
}

/// Maps byte offsets to lines in any order, by binary search over the
/// offsets of line breaks. The breaks are found as far into the buffer as
/// a question needs (a version scanned around an edit near its start, or
/// holding no findings, is not read to its end), 64 bytes at a time.
///
/// Only for use while the buffer it was made for is alive.
final class LineTable {
    private let bytes: UnsafeBufferPointer<UInt8>
    /// Offsets of the line breaks before `scanned`.
    private var breaks: [Int] = []
    private var scanned = 0
    /// The buffer's size.
    let count: Int

    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
        count = bytes.count
    }

    /// Finds the line breaks before `offset`, and those of at least the
    /// next 16 KB (each step counts them, then writes their offsets).
    private func scan(to offset: Int) {
        guard offset > scanned, let base = bytes.baseAddress else { return }
        let end = min(count, max(offset, scanned + 16384))
        let found = hush_count_line_feeds(base + scanned, end - scanned)
        if found > 0 {
            let known = breaks.count
            breaks.append(contentsOf: repeatElement(0, count: found))
            breaks.withUnsafeMutableBufferPointer { offsets in
                hush_line_feed_offsets(base + scanned, end - scanned, scanned, offsets.baseAddress! + known)
            }
        }
        scanned = end
    }

    /// Finds line breaks until `number` of them are known, or all are.
    private func scan(breaks number: Int) {
        while breaks.count < number, scanned < count { scan(to: scanned + 1) }
    }

    /// Where 1-based `line` starts (the buffer's end past the last line).
    func start(ofLine line: Int) -> Int {
        guard line > 1 else { return 0 }
        scan(breaks: line - 1)
        return line - 2 < breaks.count ? breaks[line - 2] + 1 : count
    }

    /// Where 1-based `line` ends, after its line break.
    func end(ofLine line: Int) -> Int {
        guard line >= 1 else { return count }
        scan(breaks: line)
        return line - 1 < breaks.count ? breaks[line - 1] + 1 : count
    }

    /// Where the line holding `offset` starts, found around it alone.
    func lineStart(at offset: Int) -> Int {
        guard let base = bytes.baseAddress, offset > 0 else { return 0 }
        return hush_last_line_feed(base, min(offset, count)) + 1
    }

    /// Where the line holding `offset` ends (after its line break), found
    /// from it alone.
    func lineEnd(at offset: Int) -> Int {
        guard let base = bytes.baseAddress, offset < count, let hit = memchr(base + offset, 10, count - offset)
        else { return count }
        return UnsafeRawPointer(base).distance(to: UnsafeRawPointer(hit)) + 1
    }

    /// The 1-based line of `offset` and the offset where that line starts.
    func locate(_ offset: Int) -> (line: Int, lineStart: Int) {
        scan(to: offset)
        var low = 0
        var high = breaks.count
        while low < high {
            let middle = (low + high) / 2
            if breaks[middle] < offset { low = middle + 1 } else { high = middle }
        }
        return (low + 1, low == 0 ? 0 : breaks[low - 1] + 1)
    }
}
