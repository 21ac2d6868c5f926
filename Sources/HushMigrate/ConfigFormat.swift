import Foundation

/// A config file format that migrate knows how to rewrite and check.
public enum ConfigFormat: String, Sendable, Codable, CaseIterable {
    case yaml, json, env, properties, ini, toml, hcl, dockerfile, xml

    /// The format of the file at `path`, judged by its name; nil for source code and unknown files, whose
    /// secrets are listed with a suggestion instead of being rewritten.
    public static func detect(path: String) -> ConfigFormat? {
        let name = (path as NSString).lastPathComponent
        let lower = name.lowercased()
        let ext = (lower as NSString).pathExtension
        if lower == "dockerfile" || lower.hasPrefix("dockerfile.") || ext == "dockerfile" || lower == "containerfile" {
            return .dockerfile
        }
        if lower == ".env" || lower.hasPrefix(".env.") || ext == "env" { return .env }
        switch ext {
        case "yml", "yaml": return .yaml
        case "json": return .json
        case "properties": return .properties
        case "ini", "cfg": return .ini
        case "toml": return .toml
        case "tf", "tfvars", "hcl": return .hcl
        case "xml", "config": return .xml
        default: return nil
        }
    }
}

/// Byte-level helpers shared by the format locators.
enum Bytes {
    static let newline: UInt8 = 0x0A

    /// Start offsets of every line.
    static func lineStarts(_ bytes: [UInt8]) -> [Int] {
        var starts = [0]
        for (index, byte) in bytes.enumerated() where byte == newline { starts.append(index + 1) }
        return starts
    }

    /// The line holding `offset`, without its line ending (`\n` or `\r\n`).
    static func lineRange(_ bytes: [UInt8], containing offset: Int) -> Range<Int> {
        var start = min(offset, bytes.count)
        while start > 0, bytes[start - 1] != newline { start -= 1 }
        var end = min(offset, bytes.count)
        while end < bytes.count, bytes[end] != newline { end += 1 }
        if end > start, bytes[end - 1] == 0x0D { end -= 1 }
        return start..<end
    }

    /// Every line as text without its line ending.
    static func lines(_ bytes: [UInt8]) -> [String] {
        // Split bytes, not characters: "\r\n" is one Character in Swift.
        bytes.split(separator: newline, omittingEmptySubsequences: false).map { line in
            String(decoding: line.last == 0x0D ? line.dropLast() : line, as: UTF8.self)
        }
    }

    static func isIdentifierByte(_ byte: UInt8) -> Bool {
        (byte >= 65 && byte <= 90) || (byte >= 97 && byte <= 122) || (byte >= 48 && byte <= 57) || byte == 95
            || byte == 46 || byte == 45
    }

    /// The key written just before a value on its line: `KEY=`, `KEY:`, `"KEY": `, `Password=` inside a
    /// connection string. `before` is the line up to the value.
    static func inlineKey(before: ArraySlice<UInt8>) -> String? {
        var end = before.endIndex
        func skip(_ set: Set<UInt8>) { while end > before.startIndex, set.contains(before[end - 1]) { end -= 1 } }
        skip([0x20, 0x09, 0x22, 0x27])  // spaces and quotes
        guard end > before.startIndex, before[end - 1] == 0x3D || before[end - 1] == 0x3A else { return nil }
        end -= 1
        if end > before.startIndex, before[end - 1] == 0x3A { end -= 1 }  // :=
        skip([0x20, 0x09, 0x22, 0x27])
        var start = end
        while start > before.startIndex, isIdentifierByte(before[start - 1]) { start -= 1 }
        guard start < end else { return nil }
        return String(decoding: before[start..<end], as: UTF8.self)
    }
}
