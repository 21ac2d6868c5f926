import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Bytes ready for the matcher, with what was noticed while preparing them.
public struct PreparedContent: Sendable {
    /// UTF-8 (or raw) bytes to scan; UTF-16 input is transcoded, keeping lines.
    public var bytes: [UInt8]
    /// Set when the input was UTF-16 and has been transcoded.
    public var transcodedFrom: String?
    /// The input contains bytes that are not valid UTF-8 (scanned as bytes).
    public var hasInvalidUTF8: Bool
    /// Length of the longest line, for the huge-line warning.
    public var longestLine: Int
}

/// What a source's content turned out to be.
public enum ContentVerdict: Sendable {
    case text(PreparedContent)
    case binary
}

/// Reads files and classifies content as text or binary.
public enum FileContent {
    /// How many leading bytes are inspected for NUL bytes (as git does).
    static let sniffLength = 8000

    /// Reads a whole file of at most `limit` bytes.
    public static func read(path: String, limit: Int) throws(ReadError) -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw ReadError(path: path, code: errno) }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw ReadError(path: path, code: errno) }
        guard (info.st_mode & S_IFMT) == S_IFREG else { throw ReadError(path: path, code: EINVAL) }
        let expected = Int(info.st_size)
        guard expected <= limit else { throw ReadError(path: path, code: EFBIG) }
        var bytes = [UInt8](repeating: 0, count: expected)
        var filled = 0
        while filled < expected {
            let count = bytes.withUnsafeMutableBytes { buffer in
                Glibc.read(descriptor, buffer.baseAddress! + filled, expected - filled)
            }
            if count < 0 {
                if errno == EINTR { continue }
                throw ReadError(path: path, code: errno)
            }
            if count == 0 { break }
            filled += count
        }
        if filled < expected { bytes.removeLast(expected - filled) }
        return bytes
    }

    /// Classifies raw bytes: UTF-16 with a byte-order mark is transcoded to
    /// UTF-8; other content with a NUL byte near the start is binary.
    public static func prepare(_ bytes: [UInt8]) -> ContentVerdict {
        if bytes.count >= 2 {
            if bytes[0] == 0xFF && bytes[1] == 0xFE {
                return .text(describe(transcodeUTF16(bytes.dropFirst(2), littleEndian: true), from: "UTF-16LE"))
            }
            if bytes[0] == 0xFE && bytes[1] == 0xFF {
                return .text(describe(transcodeUTF16(bytes.dropFirst(2), littleEndian: false), from: "UTF-16BE"))
            }
        }
        if let guess = guessBOMlessUTF16(bytes) {
            return .text(
                describe(transcodeUTF16(bytes[...], littleEndian: guess), from: guess ? "UTF-16LE" : "UTF-16BE"))
        }
        let sniff = bytes.prefix(sniffLength)
        if sniff.contains(0) { return .binary }
        return .text(describe(bytes, from: nil))
    }

    private static func describe(_ bytes: [UInt8], from encoding: String?) -> PreparedContent {
        let (longest, ascii) = bytes.withUnsafeBytes { raw -> (Int, Bool) in
            guard let base = raw.baseAddress else { return (0, true) }
            var longest = 0
            var lineStart = 0
            while lineStart < raw.count, let newline = memchr(base + lineStart, 10, raw.count - lineStart) {
                let end = base.distance(to: UnsafeRawPointer(newline))
                longest = max(longest, end - lineStart)
                lineStart = end + 1
            }
            longest = max(longest, raw.count - lineStart)
            // ASCII (most source and configuration) is valid UTF-8: test 8 bytes at a time.
            var index = 0
            var high: UInt64 = 0
            while index + 8 <= raw.count {
                high |= raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                index += 8
            }
            while index < raw.count {
                high |= UInt64(raw[index])
                index += 1
            }
            return (longest, high & 0x8080_8080_8080_8080 == 0)
        }
        let valid = ascii || String(validating: bytes, as: UTF8.self) != nil
        return PreparedContent(bytes: bytes, transcodedFrom: encoding, hasInvalidUTF8: !valid, longestLine: longest)
    }

    /// Text that is ASCII stored as UTF-16 without a BOM has a NUL in every
    /// other byte; returns true for little-endian, false for big-endian.
    private static func guessBOMlessUTF16(_ bytes: [UInt8]) -> Bool? {
        let sample = bytes.prefix(sniffLength)
        guard sample.count >= 16, sample.count % 2 == 0,
            sample.withUnsafeBytes({ memchr($0.baseAddress!, 0, $0.count) }) != nil
        else { return nil }
        var evenZero = 0
        var oddZero = 0
        for (index, byte) in sample.enumerated() where byte == 0 {
            if index % 2 == 0 { evenZero += 1 } else { oddZero += 1 }
        }
        let half = sample.count / 2
        if oddZero * 10 >= half * 9 && evenZero == 0 { return true }
        if evenZero * 10 >= half * 9 && oddZero == 0 { return false }
        return nil
    }

    private static func transcodeUTF16(_ bytes: ArraySlice<UInt8>, littleEndian: Bool) -> [UInt8] {
        var units: [UInt16] = []
        units.reserveCapacity(bytes.count / 2)
        var index = bytes.startIndex
        while index + 1 < bytes.endIndex {
            let a = UInt16(bytes[index]), b = UInt16(bytes[index + 1])
            units.append(littleEndian ? a | (b << 8) : (a << 8) | b)
            index += 2
        }
        return Array(String(decoding: units, as: UTF16.self).utf8)
    }
}

/// A file that could not be read.
public struct ReadError: Error, CustomStringConvertible, Sendable {
    public var path: String
    public var code: Int32
    /// Whether the failure was a permission problem.
    public var isPermissionDenied: Bool { code == EACCES || code == EPERM }
    public var description: String { String(cString: strerror(code)) }
}
