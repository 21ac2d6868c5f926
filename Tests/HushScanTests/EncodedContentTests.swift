import Foundation
import HushMatcher
import HushRules
import XCTest

@testable import HushScan

final class EncodedContentTests: XCTestCase {
    static let token = "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"

    func scan(_ text: String) throws -> [Finding] {
        let rules = try RuleSet([
            Rule(id: "gh", description: "GitHub", regex: #"\b(ghp_[A-Za-z0-9]{36})\b"#, checksum: "crc32-base62")
        ])
        let engine = ScanEngine(matcher: try Matcher(rules: rules, cache: nil), fingerprinter: Fingerprinter(key: [1]))
        return engine.findings(in: Array(text.utf8), path: "x", scratch: engine.makeScratch())
    }

    func testSecretInsideBase64IsFoundAtTheEncodedLine() throws {
        let encoded = Data("GITHUB_TOKEN=\(Self.token)\n".utf8).base64EncodedString()
        let findings = try scan("apiVersion: v1\nkind: Secret\ndata:\n  env: \(encoded)\n")
        XCTAssertEqual(findings.map(\.secret), [Self.token])
        XCTAssertEqual(findings.first?.line, 4)
        XCTAssertEqual(findings.first?.column, 8)
        XCTAssertEqual(findings.first?.encoding, "base64")
    }

    func testBase64InsideBase64IsPeeled() throws {
        let inner = Data("token: \(Self.token)".utf8).base64EncodedString()
        let outer = Data("config: \(inner)".utf8).base64EncodedString()
        XCTAssertEqual(try scan("blob=\(outer)\n").map(\.secret), [Self.token])
    }

    func testURLEncodedAndEscapedSecretsAreFound() throws {
        let url = "https://ci.example.org/hook?token=%67hp_oe3nflC7dNYXxIzGXSYBj2EeXqDuZM0EE8xY"
        XCTAssertEqual(try scan(url + "\n").map(\.encoding), ["url"])
        let escaped = #"{"token": "\u0067hp_oe3nflC7dNYXxIzGXSYBj2EeXqDuZM0EE8xY"}"#
        XCTAssertEqual(try scan(escaped + "\n").map(\.encoding), ["escape"])
    }

    func testPlainSecretIsNotReportedTwice() throws {
        XCTAssertEqual(try scan("token=\(Self.token)\n").count, 1)
    }

    func testBinaryBase64IsIgnored() throws {
        let random = Data((0..<300).map { UInt8(truncatingIfNeeded: $0 &* 97 &+ 13) }).base64EncodedString()
        XCTAssertEqual(try scan("image: \(random)\n").count, 0)
    }

    func testBase64SecretIsFoundWhereverItStartsAndEnds() throws {
        // The runs are found 64 bytes at a time: put the encoded secret
        // across every position of those blocks, after words and hex runs.
        let encoded = Data("GITHUB_TOKEN=\(Self.token)\n".utf8).base64EncodedString()
        for shift in 0..<140 {
            let lead = String(repeating: "ab1 ", count: shift / 4) + String(repeating: "f", count: shift % 4)
            for separator in [" ", "\"", "=", ":"] {
                let findings = try scan(lead + separator + encoded + "\n")
                XCTAssertEqual(findings.map(\.encoding), ["base64"], "shift \(shift), separator \(separator)")
            }
        }
    }

    func testBase64RunsAreTheMaximalRunsOfBase64Digits() {
        // Against a byte-at-a-time reference, on text full of long runs,
        // hex runs, padding and runs that touch the buffer's ends.
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/-_".utf8)
        let text = Array("dG9rZW46IGdocF9vZTNuZmxDN2ROWVh4SXpHWFNZQmoyRWVYcUR1Wk0wRUU4eFk=".utf8)
        for _ in 0..<300 {
            var bytes: [UInt8] = []
            while bytes.count < Int.random(in: 0...400, using: &generator) {
                switch Int.random(in: 0..<5, using: &generator) {
                case 0: bytes += (0..<Int.random(in: 1...70, using: &generator)).map { _ in alphabet.randomElement()! }
                case 1: bytes += Array(String(repeating: "0a9f", count: Int.random(in: 4...12)).utf8)
                case 2: bytes += text.prefix(Int.random(in: 20...text.count, using: &generator))
                case 3: bytes += Array("==".utf8).prefix(Int.random(in: 1...2, using: &generator))
                default: bytes.append([32, 10, 34, 46, 0xC3].randomElement()!)
                }
            }
            let found = bytes.withUnsafeBufferPointer { EncodedViews.base64Views(in: $0) }
            XCTAssertEqual(found.map(\.range), Self.referenceBase64Runs(bytes), String(decoding: bytes, as: UTF8.self))
        }
    }

    /// The runs `base64Views` must report: maximal runs of base64 digits, 22
    /// or more long, not all hexadecimal, 24 or more with up to two `=`, whose
    /// decoded bytes are text.
    static func referenceBase64Runs(_ bytes: [UInt8]) -> [Range<Int>] {
        func isDigit(_ byte: UInt8) -> Bool { EncodedViews.base64Table[Int(byte)] < 64 }
        var runs: [Range<Int>] = []
        var start = 0
        while start < bytes.count {
            guard isDigit(bytes[start]) else {
                start += 1
                continue
            }
            var index = start
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
            var end = index
            while end < bytes.count, end - index < 2, bytes[end] == 61 { end += 1 }
            let hexOnly = bytes[start..<index].allSatisfy(EncodedViews.isHexDigit)
            if index - start >= 22, end - start >= 24, !hexOnly,
                let decoded = bytes.withUnsafeBufferPointer({ EncodedViews.decodeBase64($0[start..<end]) }),
                EncodedViews.isText(decoded)
            {
                runs.append(start..<end)
            }
            start = index
        }
        return runs
    }
}
