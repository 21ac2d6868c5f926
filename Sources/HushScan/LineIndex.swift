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
/// offsets of line breaks.
struct LineTable {
    private let breaks: [Int]
    /// The buffer's size.
    let count: Int

    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        var breaks: [Int] = []
        if let base = bytes.baseAddress {
            var from = 0
            while from < bytes.count, let hit = memchr(base + from, 10, bytes.count - from) {
                let offset = UnsafeRawPointer(base).distance(to: UnsafeRawPointer(hit))
                breaks.append(offset)
                from = offset + 1
            }
        }
        self.breaks = breaks
        count = bytes.count
    }

    /// Where 1-based `line` starts (the buffer's end past the last line).
    func start(ofLine line: Int) -> Int {
        line <= 1 ? 0 : line - 2 < breaks.count ? breaks[line - 2] + 1 : count
    }

    /// Where 1-based `line` ends, after its line break.
    func end(ofLine line: Int) -> Int {
        line >= 1 && line - 1 < breaks.count ? breaks[line - 1] + 1 : count
    }

    /// The 1-based line of `offset` and the offset where that line starts.
    func locate(_ offset: Int) -> (line: Int, lineStart: Int) {
        var low = 0
        var high = breaks.count
        while low < high {
            let middle = (low + high) / 2
            if breaks[middle] < offset { low = middle + 1 } else { high = middle }
        }
        return (low + 1, low == 0 ? 0 : breaks[low - 1] + 1)
    }
}
