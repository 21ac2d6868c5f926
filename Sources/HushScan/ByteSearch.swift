import Foundation

/// Substring search on UTF-8 bytes (memchr for the first byte, then memcmp):
/// the scan's per-finding checks run on every version of every line in a
/// history, where Foundation's `String.contains` and `range(of:)` cost more
/// than matching itself.
enum ByteSearch {
    /// The offset of the first occurrence of `needle` in `haystack`.
    static func firstOffset(of needle: [UInt8], in haystack: UnsafeRawBufferPointer) -> Int? {
        needle.withUnsafeBytes { firstOffset(of: $0, in: haystack) }
    }

    /// The offset of the first occurrence of `needle` in `haystack`.
    static func firstOffset(of needle: UnsafeRawBufferPointer, in haystack: UnsafeRawBufferPointer) -> Int? {
        guard let pin = needle.baseAddress, !needle.isEmpty else { return 0 }
        guard let base = haystack.baseAddress, needle.count <= haystack.count else { return nil }
        let first = Int32(needle[0])
        var from = 0
        let last = haystack.count - needle.count
        while from <= last, let hit = memchr(base + from, first, last - from + 1) {
            let at = base.distance(to: UnsafeRawPointer(hit))
            if memcmp(base + at, pin, needle.count) == 0 { return at }
            from = at + 1
        }
        return nil
    }

    /// Whether `text` contains `needle`.
    static func contains(_ text: Substring, _ needle: [UInt8]) -> Bool {
        withBytes(of: text) { firstOffset(of: needle, in: $0) != nil }
    }

    /// Calls `body` with the UTF-8 bytes of `text`, copying only when the
    /// string is not stored as contiguous UTF-8.
    static func withBytes<T>(of text: Substring, _ body: (UnsafeRawBufferPointer) -> T) -> T {
        if let result = text.utf8.withContiguousStorageIfAvailable({ body(UnsafeRawBufferPointer($0)) }) {
            return result
        }
        return Array(text.utf8).withUnsafeBytes(body)
    }

    /// `text` with every occurrence of `needle` (left to right, not
    /// overlapping) replaced by `replacement`; nil when there is none.
    static func replacing(_ needle: [UInt8], with replacement: [UInt8], in text: String) -> String? {
        withBytes(of: text[...]) { haystack -> String? in
            guard var at = firstOffset(of: needle, in: haystack) else { return nil }
            var result: [UInt8] = []
            result.reserveCapacity(haystack.count + replacement.count)
            var copied = 0
            while true {
                result += haystack[copied..<at]
                result += replacement
                copied = at + needle.count
                guard let next = firstOffset(of: needle, in: UnsafeRawBufferPointer(rebasing: haystack[copied...]))
                else { break }
                at = copied + next
            }
            result += haystack[copied...]
            return String(decoding: result, as: UTF8.self)
        }
    }
}
