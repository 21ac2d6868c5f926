import Foundation
import Yams

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// Parses a file in its format to check that it is still well-formed: Yams for YAML (every document),
/// JSONSerialization for JSON, XMLParser for XML, and small tokenizers for `.env`, `.properties`, INI, TOML,
/// HCL and Dockerfiles.
public enum FormatChecker {
    /// Why a file does not parse.
    public struct Failure: Error, CustomStringConvertible {
        public var line: Int
        public var reason: String
        public var description: String { "line \(line): \(reason)" }
    }

    /// Throws a `Failure` (or the parser's error) when `bytes` is not valid `format`.
    public static func check(_ bytes: [UInt8], as format: ConfigFormat) throws {
        switch format {
        case .yaml:
            // Parser.nextRoot throws on a syntax error (load_all's sequence would stop silently).
            let parser = try Parser(yaml: String(decoding: bytes, as: UTF8.self))
            while try parser.nextRoot() != nil {}
        case .json:
            _ = try JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])
        case .xml:
            let parser = XMLParser(data: Data(bytes))
            let delegate = XMLErrorCollector()
            parser.delegate = delegate
            guard parser.parse(), delegate.error == nil else {
                throw Failure(
                    line: parser.lineNumber,
                    reason: (delegate.error ?? parser.parserError).map { "\($0)" } ?? "not well-formed XML")
            }
            _ = try XMLDocument(data: Data(bytes), options: [])
        case .env: try checkLines(bytes) { try checkEnvLine($0) }
        case .properties: try checkLines(bytes) { _ in }
        case .ini: try checkLines(bytes) { try checkINILine($0) }
        case .toml: try checkTOML(bytes)
        case .hcl: try checkBalanced(bytes, comments: true)
        case .dockerfile: try checkDockerfile(bytes)
        }
    }

    static func checkLines(_ bytes: [UInt8], _ body: (String) throws -> Void) throws {
        for (index, line) in Bytes.lines(bytes).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") || trimmed.hasPrefix(";") || trimmed.hasPrefix("!") {
                continue
            }
            do { try body(trimmed) } catch let failure as Failure {
                throw Failure(line: index + 1, reason: failure.reason)
            }
        }
    }

    /// `[export ]KEY=VALUE`, the value unquoted, or quoted and closed on the line.
    static func checkEnvLine(_ line: String) throws {
        var text = Substring(line)
        if text.hasPrefix("export ") { text = text.dropFirst(7) }
        guard let equals = text.firstIndex(of: "=") else { throw Failure(line: 0, reason: "no '=' in KEY=VALUE") }
        let key = text[..<equals]
        guard !key.isEmpty, key.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." || $0 == "-" })
        else { throw Failure(line: 0, reason: "bad variable name '\(key)'") }
        let value = text[text.index(after: equals)...]
        if let quote = value.first, quote == "\"" || quote == "'" {
            guard value.dropFirst().contains(quote) else { throw Failure(line: 0, reason: "unterminated quote") }
        }
    }

    /// `[section]`, `key = value`, `key: value` or an indented continuation.
    static func checkINILine(_ line: String) throws {
        if line.hasPrefix("[") {
            guard line.hasSuffix("]") else { throw Failure(line: 0, reason: "unterminated section header") }
            return
        }
        guard line.contains("=") || line.contains(":") else {
            throw Failure(line: 0, reason: "expected key = value")
        }
    }

    /// TOML: tables, `key = value` with strings closed, arrays and inline tables balanced across lines.
    static func checkTOML(_ bytes: [UInt8]) throws {
        var depth = 0
        var multiline: String?
        for (index, raw) in Bytes.lines(bytes).enumerated() {
            var line = Substring(raw.trimmingCharacters(in: .whitespaces))
            if let delimiter = multiline {
                if line.contains(delimiter) { multiline = nil }
                continue
            }
            if line.isEmpty || line.hasPrefix("#") { continue }
            if depth == 0 {
                if line.hasPrefix("[") {
                    guard line.contains("]") else {
                        throw Failure(line: index + 1, reason: "unterminated table header")
                    }
                    continue
                }
                guard let equals = line.firstIndex(of: "=") else {
                    throw Failure(line: index + 1, reason: "expected key = value")
                }
                line = line[line.index(after: equals)...].drop { $0 == " " || $0 == "\t" }
                guard !line.isEmpty else { throw Failure(line: index + 1, reason: "missing value") }
            }
            for delimiter in ["\"\"\"", "'''"] where line.hasPrefix(delimiter) {
                if !line.dropFirst(3).contains(delimiter) { multiline = delimiter }
            }
            if multiline != nil { continue }
            var quote: Character?
            var escaped = false
            for character in line {
                if let open = quote {
                    if escaped {
                        escaped = false
                    } else if character == "\\" && open == "\"" {
                        escaped = true
                    } else if character == open {
                        quote = nil
                    }
                    continue
                }
                switch character {
                case "\"", "'": quote = character
                case "[", "{": depth += 1
                case "]", "}": depth -= 1
                case "#": break
                default: continue
                }
                if character == "#" { break }
            }
            if quote != nil { throw Failure(line: index + 1, reason: "unterminated string") }
            if depth < 0 { throw Failure(line: index + 1, reason: "unbalanced brackets") }
        }
        if depth != 0 { throw Failure(line: 0, reason: "unbalanced brackets at end of file") }
    }

    /// Quotes closed and braces/brackets/parentheses balanced (HCL), skipping `#` and `//` comments.
    static func checkBalanced(_ bytes: [UInt8], comments: Bool) throws {
        var depth = 0
        for (index, raw) in Bytes.lines(bytes).enumerated() {
            var inString = false
            var escaped = false
            var previous: Character = " "
            for character in raw {
                if inString {
                    if escaped {
                        escaped = false
                    } else if character == "\\" {
                        escaped = true
                    } else if character == "\"" {
                        inString = false
                    }
                    continue
                }
                if comments && (character == "#" || (character == "/" && previous == "/")) { break }
                switch character {
                case "\"": inString = true
                case "{", "[", "(": depth += 1
                case "}", "]", ")": depth -= 1
                default: break
                }
                previous = character
            }
            if inString, !raw.contains("<<") { throw Failure(line: index + 1, reason: "unterminated string") }
            if depth < 0 { throw Failure(line: index + 1, reason: "unbalanced braces") }
        }
        if depth != 0 { throw Failure(line: 0, reason: "unbalanced braces at end of file") }
    }

    /// Every logical line starts with an instruction word (continuations and comments aside).
    static func checkDockerfile(_ bytes: [UInt8]) throws {
        var continued = false
        for (index, raw) in Bytes.lines(bytes).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            defer { continued = line.hasSuffix("\\") || (continued && line.isEmpty) }
            if continued || line.isEmpty || line.hasPrefix("#") { continue }
            let word = line.prefix { $0.isLetter }
            guard !word.isEmpty, word.uppercased() == word || word.lowercased() == word else {
                throw Failure(line: index + 1, reason: "expected an instruction")
            }
            let keyword = word.uppercased()
            if keyword == "ENV" || keyword == "ARG" || keyword == "LABEL" {
                let rest = line.dropFirst(word.count).trimmingCharacters(in: .whitespaces)
                guard !rest.isEmpty else { throw Failure(line: index + 1, reason: "\(keyword) needs a name") }
                if rest.filter({ $0 == "\"" }).count % 2 != 0 {
                    throw Failure(line: index + 1, reason: "unterminated quote")
                }
            }
        }
    }
}

/// Records the first error XMLParser reports.
final class XMLErrorCollector: NSObject, XMLParserDelegate {
    var error: Error?
    func parser(_ parser: XMLParser, parseErrorOccurred parseError: Error) { if error == nil { error = parseError } }
}
