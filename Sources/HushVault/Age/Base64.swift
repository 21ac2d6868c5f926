import Foundation

/// Strict Base64 helpers for the age format.
enum Base64 {
    /// Standard alphabet, no padding (Go's RawStdEncoding), as in age headers.
    static func encodeRaw(_ bytes: [UInt8]) -> String {
        var text = Data(bytes).base64EncodedString()
        while text.last == "=" { text.removeLast() }
        return text
    }

    /// Decodes unpadded standard Base64, rejecting padding and non-canonical encodings.
    static func decodeRaw<S: StringProtocol>(_ text: S) -> [UInt8]? {
        guard !text.contains("="), !text.contains("\n"), !text.contains("\r") else { return nil }
        var padded = String(text)
        while padded.utf8.count % 4 != 0 { padded += "=" }
        guard let data = Data(base64Encoded: padded) else { return nil }
        let bytes = [UInt8](data)
        guard encodeRaw(bytes) == text else { return nil }
        return bytes
    }

    /// Standard padded Base64.
    static func encode(_ bytes: [UInt8]) -> String { Data(bytes).base64EncodedString() }

    /// Decodes padded standard Base64, rejecting non-canonical encodings.
    static func decode<S: StringProtocol>(_ text: S) -> [UInt8]? {
        guard let data = Data(base64Encoded: String(text)) else { return nil }
        let bytes = [UInt8](data)
        guard encode(bytes) == text else { return nil }
        return bytes
    }
}
