import Foundation

/// The text form of a vault file (see docs/vault-format.md): a strict subset of YAML that hush writes
/// deterministically, so the store MAC can cover the exact bytes.
struct VaultDocument: Equatable {
    static let formatVersion = 1
    static let cipherName = "aes-256-gcm"
    static let banner =
        "# Hush vault: sealed secrets, safe to commit. Change it with `hush vault`; format: docs/vault-format.md"

    struct Recipient: Equatable {
        var recipient: String
        var label: String
        var envelope: String  // ASCII-armored age file, ending in a newline
    }

    struct Entry: Equatable {
        var name: String
        var created: String
        var updated: String
        var source: String
        var value: String  // Base64 of nonce || ciphertext || tag
    }

    var storeID: String
    var generation: UInt64
    var recipients: [Recipient]
    var entries: [Entry]  // sorted by name (byte order)

    /// Everything before the `mac:` line: the bytes the store MAC covers.
    func macInput() -> [UInt8] {
        var out = ""
        out.reserveCapacity(256 + entries.count * 256)
        out += Self.banner + "\n"
        out += "hush-vault: \(Self.formatVersion)\n"
        out += "store-id: \(quote(storeID))\n"
        out += "generation: \(generation)\n"
        out += "cipher: \(quote(Self.cipherName))\n"
        out += "recipients:\n"
        for recipient in recipients {
            out += "  - recipient: \(quote(recipient.recipient))\n"
            out += "    label: \(quote(recipient.label))\n"
            out += "    envelope: |\n"
            for line in recipient.envelope.split(separator: "\n") { out += "      \(line)\n" }
        }
        if entries.isEmpty {
            out += "entries: []\n"
        } else {
            out += "entries:\n"
            for entry in entries {
                out += "  - name: \(quote(entry.name))\n"
                out += "    created: \(quote(entry.created))\n"
                out += "    updated: \(quote(entry.updated))\n"
                out += "    source: \(quote(entry.source))\n"
                out += "    value: \(quote(entry.value))\n"
            }
        }
        return Array(out.utf8)
    }

    /// The whole file given its MAC (lower-case hex).
    static func file(macInput: [UInt8], mac: String) -> [UInt8] {
        macInput + Array("mac: \"\(mac)\"\n".utf8)
    }

    /// Parses a vault file. Returns the document, its MAC and the bytes the MAC covers.
    static func parse(_ bytes: [UInt8], path: String) throws -> (
        document: VaultDocument, mac: String, macInput: ArraySlice<UInt8>
    ) {
        var parser = LineParser(bytes: bytes, path: path)
        return try parser.parseDocument()
    }
}

/// Double-quoted YAML scalar: escapes `\`, `"` and control characters.
func quote(_ text: String) -> String {
    var out = "\""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\\": out += "\\\\"
        case "\"": out += "\\\""
        case "\n": out += "\\n"
        case "\t": out += "\\t"
        default:
            if scalar.value < 0x20 || scalar.value == 0x7F {
                out += "\\x" + String(format2hex(UInt8(scalar.value)))
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
    }
    return out + "\""
}

private func format2hex(_ byte: UInt8) -> String {
    let digits = Array("0123456789abcdef")
    return String([digits[Int(byte >> 4)], digits[Int(byte & 15)]])
}

/// Strict line-oriented parser for the subset `VaultDocument` writes.
private struct LineParser {
    let bytes: [UInt8]
    let path: String
    var position = 0
    var lineNumber = 0

    init(bytes: [UInt8], path: String) {
        self.bytes = bytes
        self.path = path
    }

    func fail(_ reason: String) -> VaultError { .malformed(path: path, line: lineNumber, reason: reason) }

    /// The next line without its newline; a final line without a newline means truncation.
    mutating func nextLine() throws -> ArraySlice<UInt8>? {
        guard position < bytes.count else { return nil }
        lineNumber += 1
        guard let newline = bytes[position...].firstIndex(of: 0x0A) else {
            throw fail("the file ends in the middle of a line (truncated?)")
        }
        let line = bytes[position..<newline]
        position = newline + 1
        return line
    }

    func peekLine() -> ArraySlice<UInt8>? {
        guard position < bytes.count else { return nil }
        let end = bytes[position...].firstIndex(of: 0x0A) ?? bytes.count
        return bytes[position..<end]
    }

    /// Reads `prefix` followed by a double-quoted string.
    mutating func field(_ prefix: String) throws -> String {
        guard let line = try nextLine() else { throw fail("expected '\(prefix)', found the end of the file") }
        let prefixBytes = Array(prefix.utf8)
        guard line.starts(with: prefixBytes) else { throw fail("expected '\(prefix.trimmingSpaces)'") }
        return try unquote(line.dropFirst(prefixBytes.count))
    }

    mutating func plain(_ prefix: String) throws -> String {
        guard let line = try nextLine() else { throw fail("expected '\(prefix)', found the end of the file") }
        let prefixBytes = Array(prefix.utf8)
        guard line.starts(with: prefixBytes) else { throw fail("expected '\(prefix.trimmingSpaces)'") }
        return String(decoding: line.dropFirst(prefixBytes.count), as: UTF8.self)
    }

    mutating func exact(_ text: String) throws {
        guard let line = try nextLine(), line.elementsEqual(text.utf8) else { throw fail("expected '\(text)'") }
    }

    func unquote(_ raw: ArraySlice<UInt8>) throws -> String {
        guard raw.count >= 2, raw.first == 0x22, raw.last == 0x22 else { throw fail("expected a quoted string") }
        let inner = raw.dropFirst().dropLast()
        if !inner.contains(0x5C) && !inner.contains(0x22) {
            guard let text = String(bytes: inner, encoding: .utf8) else { throw fail("invalid UTF-8") }
            return text
        }
        var out: [UInt8] = []
        var index = inner.startIndex
        while index < inner.endIndex {
            let byte = inner[index]
            if byte == 0x22 { throw fail("unescaped quote") }
            if byte != 0x5C {
                out.append(byte)
                index += 1
                continue
            }
            index += 1
            guard index < inner.endIndex else { throw fail("dangling escape") }
            switch inner[index] {
            case 0x5C: out.append(0x5C)
            case 0x22: out.append(0x22)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "x"):
                guard index + 2 < inner.endIndex,
                    let value = UInt8(String(decoding: inner[(index + 1)...(index + 2)], as: UTF8.self), radix: 16)
                else { throw fail("bad \\x escape") }
                out.append(value)
                index += 2
            default: throw fail("unknown escape")
            }
            index += 1
        }
        guard let text = String(bytes: out, encoding: .utf8) else { throw fail("invalid UTF-8") }
        return text
    }

    mutating func parseDocument() throws -> (document: VaultDocument, mac: String, macInput: ArraySlice<UInt8>) {
        guard !bytes.isEmpty else { throw fail("the file is empty") }
        while let line = peekLine(), line.first == UInt8(ascii: "#") { _ = try nextLine() }
        let versionText = try plain("hush-vault: ")
        guard let version = Int(versionText) else { throw fail("bad format version") }
        guard version == VaultDocument.formatVersion else {
            if version > VaultDocument.formatVersion { throw VaultError.unsupportedVersion(version) }
            throw fail("unknown format version")
        }
        let storeID = try field("store-id: ")
        guard storeID.utf8.count == 32, storeID.utf8.allSatisfy({ isHex($0) }) else { throw fail("bad store-id") }
        guard let generation = UInt64(try plain("generation: ")) else { throw fail("bad generation") }
        guard try field("cipher: ") == VaultDocument.cipherName else { throw fail("unsupported cipher") }
        try exact("recipients:")
        var recipients: [VaultDocument.Recipient] = []
        while let line = peekLine(), line.starts(with: Array("  - ".utf8)) {
            let recipient = try field("  - recipient: ")
            let label = try field("    label: ")
            try exact("    envelope: |")
            var envelope = ""
            while let line = peekLine(), line.starts(with: Array("      ".utf8)) {
                envelope += String(decoding: try nextLine()!.dropFirst(6), as: UTF8.self) + "\n"
            }
            guard !envelope.isEmpty else { throw fail("empty envelope") }
            recipients.append(.init(recipient: recipient, label: label, envelope: envelope))
        }
        guard !recipients.isEmpty else { throw fail("the vault has no recipients") }
        var entries: [VaultDocument.Entry] = []
        guard let entriesLine = try nextLine() else { throw fail("missing entries") }
        if entriesLine.elementsEqual("entries:".utf8) {
            while let line = peekLine(), line.starts(with: Array("  - ".utf8)) {
                let name = try field("  - name: ")
                guard Vault.isValidName(name) else { throw fail("invalid entry name") }
                if let previous = entries.last, !(Array(previous.name.utf8).lexicographicallyPrecedes(Array(name.utf8)))
                {
                    throw fail("entries are not in order or repeat a name")
                }
                let created = try field("    created: ")
                let updated = try field("    updated: ")
                let source = try field("    source: ")
                let value = try field("    value: ")
                entries.append(.init(name: name, created: created, updated: updated, source: source, value: value))
            }
            guard !entries.isEmpty else { throw fail("'entries:' with no entries") }
        } else if !entriesLine.elementsEqual("entries: []".utf8) {
            throw fail("expected 'entries:'")
        }
        let macStart = position
        let mac = try field("mac: ")
        guard mac.utf8.count == 64, mac.utf8.allSatisfy({ isHex($0) }) else { throw fail("bad mac") }
        guard position == bytes.count else { throw fail("unexpected text after the mac line") }
        let document = VaultDocument(storeID: storeID, generation: generation, recipients: recipients, entries: entries)
        return (document, mac, bytes[0..<macStart])
    }
}

private func isHex(_ byte: UInt8) -> Bool {
    (byte >= 48 && byte <= 57) || (byte >= 97 && byte <= 102)
}

extension String {
    fileprivate var trimmingSpaces: String {
        var text = self
        while text.last == " " { text.removeLast() }
        return text
    }
}
