import Foundation

/// A reference to a vault entry, written in a config file in place of a secret.
///
/// The syntax is `hush:vault/NAME`, or `hush:vault+base64/NAME` where the file held the secret base64-encoded
/// (a Kubernetes Secret's `data:`). `NAME` is a vault entry name; the reference ends at the first byte that
/// cannot be part of a name, and never ends with `.`, `-` or `/`. See docs/references.md.
public struct VaultReference: Equatable, Hashable, Sendable {
    /// How the entry's value is written where the reference stands.
    public enum Encoding: String, Sendable, Codable {
        /// The value as it is.
        case plain
        /// The value in standard Base64 with padding.
        case base64
    }

    /// The vault entry name.
    public var name: String
    /// How the value is spelled in the file.
    public var encoding: Encoding

    public init(name: String, encoding: Encoding = .plain) {
        self.name = name
        self.encoding = encoding
    }

    /// The marker every reference starts with; `grep -rn 'hush:vault'` finds them all.
    public static let marker = "hush:vault"

    /// The text written into the file.
    public var text: String { encoding == .base64 ? "hush:vault+base64/\(name)" : "hush:vault/\(name)" }

    /// Whether `byte` may appear in an entry name.
    static func isNameByte(_ byte: UInt8) -> Bool {
        (byte >= 65 && byte <= 90) || (byte >= 97 && byte <= 122) || (byte >= 48 && byte <= 57) || byte == 95
            || byte == 46 || byte == 45 || byte == 47
    }

    /// Every reference in `bytes`, in order, with its byte range.
    public static func occurrences(in bytes: [UInt8]) -> [(range: Range<Int>, reference: VaultReference)] {
        let marker = Array(Self.marker.utf8)
        let plainTail = Array("/".utf8)
        let base64Tail = Array("+base64/".utf8)
        var found: [(Range<Int>, VaultReference)] = []
        var index = 0
        while index + marker.count <= bytes.count {
            guard bytes[index] == marker[0], Array(bytes[index..<index + marker.count]) == marker else {
                index += 1
                continue
            }
            var cursor = index + marker.count
            var encoding = Encoding.plain
            if bytes[cursor...].starts(with: plainTail) {
                cursor += plainTail.count
            } else if bytes[cursor...].starts(with: base64Tail) {
                cursor += base64Tail.count
                encoding = .base64
            } else {
                index += 1
                continue
            }
            let nameStart = cursor
            while cursor < bytes.count, isNameByte(bytes[cursor]) { cursor += 1 }
            while cursor > nameStart, [46, 45, 47].contains(bytes[cursor - 1]) { cursor -= 1 }
            if cursor > nameStart {
                let name = String(decoding: bytes[nameStart..<cursor], as: UTF8.self)
                found.append((index..<cursor, VaultReference(name: name, encoding: encoding)))
                index = cursor
            } else {
                index += 1
            }
        }
        return found
    }

    /// Whether `text` is exactly one reference.
    public static func parse(_ text: String) -> VaultReference? {
        let bytes = Array(text.utf8)
        let all = occurrences(in: bytes)
        guard all.count == 1, all[0].range == 0..<bytes.count else { return nil }
        return all[0].reference
    }

    /// The bytes this reference stands for, given the entry's value.
    public func spelled(value: [UInt8]) -> [UInt8] {
        switch encoding {
        case .plain: return value
        case .base64: return Array(Data(value).base64EncodedString().utf8)
        }
    }

    /// `bytes` with every reference replaced by its value from `lookup`.
    ///
    /// - Throws: whatever `lookup` throws for a missing entry (the first one, in file order).
    public static func resolve(_ bytes: [UInt8], lookup: (String) throws -> [UInt8]) throws -> [UInt8] {
        let found = occurrences(in: bytes)
        guard !found.isEmpty else { return bytes }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var last = 0
        var cache: [String: [UInt8]] = [:]
        for (range, reference) in found {
            out += bytes[last..<range.lowerBound]
            let value: [UInt8]
            if let cached = cache[reference.name] {
                value = cached
            } else {
                value = try lookup(reference.name)
                cache[reference.name] = value
            }
            out += reference.spelled(value: value)
            last = range.upperBound
        }
        out += bytes[last...]
        return out
    }
}
