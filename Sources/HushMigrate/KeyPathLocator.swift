import Foundation

/// Finds the key path of the value at a byte offset, per format. The locators read just enough structure to
/// name the value (indentation for YAML, objects for JSON, sections for INI/TOML, blocks for HCL, elements for
/// XML); they never rewrite anything.
public enum KeyPathLocator {
    /// The key path of the value starting at `offset` in `bytes`.
    public static func keyPath(format: ConfigFormat, bytes: [UInt8], offset: Int) -> [String] {
        var path: [String]
        switch format {
        case .yaml: path = YAMLLocator.keyPath(bytes, offset: offset)
        case .json: path = JSONLocator.keyPath(bytes, offset: offset)
        case .xml: path = XMLLocator.keyPath(bytes, offset: offset)
        case .hcl: path = HCLLocator.keyPath(bytes, offset: offset)
        case .env, .properties, .ini, .toml, .dockerfile:
            path = LineFormatLocator.keyPath(format: format, bytes, offset: offset)
        }
        // A key written just before the value inside a larger string (`Password=` in a connection string,
        // `KEY=value` in a compose environment list) names it more precisely.
        let line = Bytes.lineRange(bytes, containing: offset)
        if offset > line.lowerBound, bytes[offset - 1] == UInt8(ascii: "=") || bytes[offset - 1] == UInt8(ascii: ":"),
            let inline = Bytes.inlineKey(before: bytes[line.lowerBound..<offset]), inline != path.last
        {
            path.append(inline)
        }
        return path
    }
}

/// Key paths in YAML from indentation: the keys of the enclosing mappings, the `name:`/`key:`/`id:` of
/// enclosing list items, and for Kubernetes manifests the object's `metadata.name`.
enum YAMLLocator {
    struct Line {
        var indent: Int
        var isItem: Bool
        var key: String?
        var itemLabel: String?
        var keyIndent: Int
    }

    static func parse(_ text: String) -> Line? {
        let trimmed = text.drop { $0 == " " }
        if trimmed.isEmpty || trimmed.hasPrefix("#") { return nil }
        let indent = text.count - trimmed.count
        var content = Substring(trimmed)
        var isItem = false
        var keyIndent = indent
        if content.hasPrefix("- ") || content == "-" {
            isItem = true
            content = content.dropFirst(2)
            let spaces = content.prefix { $0 == " " }.count
            content = content.dropFirst(spaces)
            keyIndent = indent + 2 + spaces
        }
        var key: String?
        if let colon = keyColon(content) {
            var raw = content[..<colon].trimmingCharacters(in: .whitespaces)
            if raw.count >= 2, let first = raw.first, first == "\"" || first == "'", raw.last == first {
                raw = String(raw.dropFirst().dropLast())
            }
            key = raw
        }
        var label: String?
        if isItem, let key, ["name", "key", "id"].contains(key), let colon = keyColon(content) {
            let value = content[content.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            label = value.trimmingCharacters(in: CharacterSet(charactersIn: "\"'"))
        }
        return Line(indent: indent, isItem: isItem, key: key, itemLabel: label, keyIndent: keyIndent)
    }

    /// The colon that ends a mapping key (followed by a space or the end of the line), outside quotes.
    static func keyColon(_ content: Substring) -> Substring.Index? {
        var quote: Character?
        var index = content.startIndex
        while index < content.endIndex {
            let character = content[index]
            if let open = quote {
                if character == open { quote = nil }
            } else if character == "\"" || character == "'", index == content.startIndex {
                quote = character
            } else if character == ":" {
                let next = content.index(after: index)
                if next == content.endIndex || content[next] == " " || content[next] == "\t" { return index }
            } else if character == " ", content[content.index(after: index)...].hasPrefix("#") {
                return nil
            }
            index = content.index(after: index)
        }
        return nil
    }

    static func keyPath(_ bytes: [UInt8], offset: Int) -> [String] {
        let lines = Bytes.lines(bytes)
        let starts = Bytes.lineStarts(bytes)
        let target = (starts.lastIndex { $0 <= offset }) ?? 0
        var documentStart = 0
        for index in stride(from: target, through: 0, by: -1) where lines[index].hasPrefix("---") {
            documentStart = index + 1
            break
        }
        var path: [String] = []
        guard let own = parse(lines[target]) else { return [] }
        // Only a key that ends before the value is this value's key.
        if let key = own.key, own.keyIndent + key.count < offset - starts[target] { path.append(key) }
        var limit = own.isItem ? own.indent : own.keyIndent
        var index = target - 1
        while index >= documentStart, limit > 0 {
            defer { index -= 1 }
            guard let line = parse(lines[index]) else { continue }
            if line.isItem {
                // The list item this value belongs to: its `name:` labels it; keys at the dash's indent are
                // the list's parent.
                if line.indent < limit, line.keyIndent <= limit {
                    if let label = line.itemLabel { path.insert(label, at: 0) }
                    limit = line.indent + 1
                }
                continue
            }
            if line.indent < limit, let key = line.key {
                path.insert(key, at: 0)
                limit = line.indent
            }
        }
        if path.last == "value", path.count >= 2 { path.removeLast() }
        // Kubernetes: prefix the object's name, drop the `spec`/`template` plumbing.
        let document = lines[documentStart..<lines.endIndex].prefix { !$0.hasPrefix("---") }
        if document.contains(where: { $0.hasPrefix("kind:") }) {
            path.removeAll { $0 == "spec" || $0 == "template" }
            if let name = metadataName(Array(document)) { path.insert(name, at: 0) }
        }
        return path
    }

    static func metadataName(_ lines: [String]) -> String? {
        guard let start = lines.firstIndex(where: { $0.hasPrefix("metadata:") }) else { return nil }
        for line in lines[(start + 1)...] {
            guard line.hasPrefix(" ") else {
                if line.trimmingCharacters(in: .whitespaces).isEmpty { continue }
                break
            }
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("name:") {
                return trimmed.dropFirst(5).trimmingCharacters(in: CharacterSet(charactersIn: " \"'"))
            }
        }
        return nil
    }
}

/// Key paths in JSON: object keys and array indices down to the value.
enum JSONLocator {
    struct Frame {
        var isObject: Bool
        var key: String?
        var index = 0
        var expectKey = true
    }

    static func keyPath(_ bytes: [UInt8], offset: Int) -> [String] {
        var stack: [Frame] = []
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "{"): stack.append(Frame(isObject: true))
            case UInt8(ascii: "["): stack.append(Frame(isObject: false))
            case UInt8(ascii: "}"), UInt8(ascii: "]"): if !stack.isEmpty { stack.removeLast() }
            case UInt8(ascii: ","):
                if var top = stack.popLast() {
                    if top.isObject {
                        top.expectKey = true
                        top.key = nil
                    } else {
                        top.index += 1
                    }
                    stack.append(top)
                }
            case UInt8(ascii: ":"): if !stack.isEmpty { stack[stack.count - 1].expectKey = false }
            case UInt8(ascii: "\""):
                var end = index + 1
                while end < bytes.count, bytes[end] != UInt8(ascii: "\"") {
                    end += bytes[end] == UInt8(ascii: "\\") ? 2 : 1
                }
                if offset > index, offset <= end { return path(stack) }
                if let top = stack.last, top.isObject, top.expectKey {
                    let raw = Array(bytes[index...min(end, bytes.count - 1)])
                    let key =
                        (try? JSONSerialization.jsonObject(with: Data(raw), options: .fragmentsAllowed)) as? String
                    stack[stack.count - 1].key = key ?? String(decoding: raw.dropFirst().dropLast(), as: UTF8.self)
                }
                index = end
            default: break
            }
            index += 1
        }
        return path(stack)
    }

    static func path(_ stack: [Frame]) -> [String] {
        stack.compactMap { $0.isObject ? $0.key : String($0.index) }
    }
}
