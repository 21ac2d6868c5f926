import Foundation
import HushMatcher
import HushRules
import HushScan
import XCTest

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
}
