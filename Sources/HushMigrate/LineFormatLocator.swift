import Foundation

/// Key paths in line-oriented formats: `.env` (`KEY`), `.properties` (`a.b.key`), INI (`section.key`),
/// TOML (`table.key`) and Dockerfile `ENV`/`ARG` (`NAME`).
enum LineFormatLocator {
    static func keyPath(format: ConfigFormat, _ bytes: [UInt8], offset: Int) -> [String] {
        let lines = Bytes.lines(bytes)
        let starts = Bytes.lineStarts(bytes)
        let target = (starts.lastIndex { $0 <= offset }) ?? 0
        let line = lines[target]
        let column = offset - starts[target]
        let before = String(decoding: Array(line.utf8).prefix(column), as: UTF8.self)
        switch format {
        case .env:
            var text = before.trimmingCharacters(in: .whitespaces)
            if text.hasPrefix("export ") { text = String(text.dropFirst(7)) }
            return key(text, separators: "=").map { [$0] } ?? []
        case .properties:
            return key(before.trimmingCharacters(in: .whitespaces), separators: "=: ").map { [$0] } ?? []
        case .ini, .toml:
            var path: [String] = []
            for index in stride(from: target - 1, through: 0, by: -1) {
                let header = lines[index].trimmingCharacters(in: .whitespaces)
                guard header.hasPrefix("["), let close = header.lastIndex(of: "]") else { continue }
                let name = header[header.index(after: header.startIndex)..<close]
                    .trimmingCharacters(in: CharacterSet(charactersIn: "[] "))
                path = format == .toml ? tomlKeys(name) : [name]
                break
            }
            let separators = format == .toml ? "=" : "=:"
            if let key = key(before.trimmingCharacters(in: .whitespaces), separators: separators) {
                path += format == .toml ? tomlKeys(key) : [key]
            }
            return path
        case .dockerfile:
            let words = before.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard let instruction = words.first?.uppercased(), instruction == "ENV" || instruction == "ARG" else {
                return []
            }
            if let last = words.last, last.hasSuffix("="), words.count >= 2 {
                return [String(last.dropLast()).trimmingCharacters(in: CharacterSet(charactersIn: "\"'"))]
            }
            return words.count >= 2 ? [String(words[words.count - 1])] : []
        default:
            return []
        }
    }

    /// The key before the first separator of `text` (the part of the line before the value).
    static func key(_ text: String, separators: String) -> String? {
        guard let index = text.firstIndex(where: { separators.contains($0) }) else { return nil }
        let key = text[..<index].trimmingCharacters(in: CharacterSet(charactersIn: " \t\"'"))
        return key.isEmpty ? nil : key
    }

    /// A TOML dotted key split into parts, quotes removed.
    static func tomlKeys(_ text: String) -> [String] {
        text.split(separator: ".").map { $0.trimmingCharacters(in: CharacterSet(charactersIn: " \"'")) }
    }
}

/// Key paths in HCL (Terraform `.tf`, `.tfvars`): the labels of enclosing blocks and the attribute name,
/// e.g. `resource "aws_db_instance" "main" { password = … }` → `aws_db_instance.main.password`.
enum HCLLocator {
    static func keyPath(_ bytes: [UInt8], offset: Int) -> [String] {
        let starts = Bytes.lineStarts(bytes)
        let target = (starts.lastIndex { $0 <= offset }) ?? 0
        let lines = Bytes.lines(bytes)
        var stack: [[String]] = []
        for index in 0..<target {
            let code = stripComment(lines[index])
            for character in code where character == "}" { if !stack.isEmpty { stack.removeLast() } }
            let opens = code.filter { $0 == "{" }.count
            guard opens > 0 else { continue }
            let head = code[..<(code.firstIndex(of: "{") ?? code.endIndex)]
            var labels = head.replacingOccurrences(of: "=", with: " ").split(separator: " ").map {
                $0.trimmingCharacters(in: CharacterSet(charactersIn: "\"' \t"))
            }.filter { !$0.isEmpty }
            if labels.count >= 2 { labels.removeFirst() }
            stack.append(labels)
            for _ in 1..<opens { stack.append([]) }
        }
        var path = stack.flatMap { $0 }
        let line = String(decoding: Array(lines[target].utf8).prefix(offset - starts[target]), as: UTF8.self)
        if let equals = line.firstIndex(of: "=") {
            let key = line[..<equals].trimmingCharacters(in: CharacterSet(charactersIn: " \t\"'"))
            if !key.isEmpty { path.append(key) }
        }
        return path
    }

    /// `line` without a `#` or `//` comment outside quotes.
    static func stripComment(_ line: String) -> String {
        var inString = false
        var previous: Character = " "
        var out = ""
        for character in line {
            if character == "\"" && previous != "\\" { inString.toggle() }
            if !inString && (character == "#" || (character == "/" && previous == "/")) {
                if character == "/" { out.removeLast() }
                break
            }
            out.append(character)
            previous = character
        }
        return out
    }
}

/// Key paths in XML config: the element path below the root, with `<add key="X" value="…"/>` named by X and
/// an element holding an `<id>` or `<name>` child named by it (Maven `<server><id>nexus</id>…`).
enum XMLLocator {
    struct Frame {
        var name: String
        var label: String?
    }

    static func keyPath(_ bytes: [UInt8], offset: Int) -> [String] {
        var stack: [Frame] = []
        var index = 0
        var lastClosed: (name: String, text: String)?
        while index < bytes.count, index < offset {
            guard bytes[index] == UInt8(ascii: "<") else {
                index += 1
                continue
            }
            var end = index + 1
            var quote: UInt8?
            while end < bytes.count {
                let byte = bytes[end]
                if let open = quote {
                    if byte == open { quote = nil }
                } else if byte == 0x22 || byte == 0x27 {
                    quote = byte
                } else if byte == UInt8(ascii: ">") {
                    break
                }
                end += 1
            }
            let tag = String(decoding: bytes[(index + 1)..<min(end, bytes.count)], as: UTF8.self)
            if offset > index, offset < end {
                // Inside this tag: an attribute value.
                let name = elementName(tag)
                var path = stack.dropFirst().map { $0.label ?? $0.name }
                let label = attribute("key", in: tag) ?? attribute("name", in: tag) ?? attribute("id", in: tag)
                if let label {
                    path.append(label)
                } else {
                    path.append(name)
                    let before = String(decoding: bytes[index..<offset], as: UTF8.self)
                    if let equals = before.lastIndex(of: "=") {
                        let attr = before[..<equals].split(separator: " ").last.map(String.init)
                        if let attr { path.append(attr) }
                    }
                }
                return path
            }
            if tag.hasPrefix("?") || tag.hasPrefix("!") {
                // declaration or comment
            } else if tag.hasPrefix("/") {
                let name = String(tag.dropFirst()).trimmingCharacters(in: .whitespaces)
                if let frame = stack.popLast() {
                    let text = lastText(bytes, before: index)
                    lastClosed = (frame.name, text)
                    if ["id", "name", "key"].contains(frame.name), !stack.isEmpty, stack[stack.count - 1].label == nil,
                        !text.isEmpty, name == frame.name
                    {
                        stack[stack.count - 1].label = text
                    }
                }
            } else if !tag.hasSuffix("/") {
                stack.append(Frame(name: elementName(tag), label: nil))
            }
            index = end + 1
        }
        _ = lastClosed
        return stack.dropFirst().map { $0.label ?? $0.name }
    }

    static func elementName(_ tag: String) -> String {
        String(tag.prefix { !" \t\r\n/>".contains($0) })
    }

    static func attribute(_ name: String, in tag: String) -> String? {
        guard let range = tag.range(of: " \(name)=\"") ?? tag.range(of: " \(name)='") else { return nil }
        let quote = tag[tag.index(before: range.upperBound)]
        guard let close = tag[range.upperBound...].firstIndex(of: quote) else { return nil }
        return String(tag[range.upperBound..<close])
    }

    /// The text between the previous `>` and `index`, trimmed.
    static func lastText(_ bytes: [UInt8], before index: Int) -> String {
        var start = index
        while start > 0, bytes[start - 1] != UInt8(ascii: ">") { start -= 1 }
        return String(decoding: bytes[start..<index], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
