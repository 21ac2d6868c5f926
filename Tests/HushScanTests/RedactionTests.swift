import XCTest

@testable import HushScan

final class RedactionTests: XCTestCase {
    func testRedactionRevealsAtMostAFifthAndFourCharacters() {
        XCTAssertEqual(Redaction.redact("ghp_abcdefghijklmnopqrstuvwxyz0123456789"), "ghp_****************")
        XCTAssertEqual(Redaction.redact("hunter2"), "h******")
        XCTAssertEqual(Redaction.redact("abc"), "****")
    }

    func testMaskedLineHidesEveryOccurrenceAndCutsLongLines() {
        let line = "a=SECRETVALUE b=SECRETVALUE"
        XCTAssertEqual(Redaction.maskedLine(line, secret: "SECRETVALUE"), "a=SE********* b=SE*********")
        let long = String(repeating: "x", count: 500) + " SECRETVALUE " + String(repeating: "y", count: 500)
        let masked = Redaction.maskedLine(long, secret: "SECRETVALUE")
        XCTAssertLessThanOrEqual(masked.count, 162)
        XCTAssertTrue(masked.contains("SE*********"))
    }

    func testContextLinesAreTrimmedOfWhitespaceLikeFoundationDoes() {
        let lines = [
            "", " ", "\t \t", "  key = value\t", "key=value", "\u{00A0}key = value\u{3000}", " \u{2003} x ",
            "\té = ü\t", "x\u{00A0}", "  \u{1F511} token", "a\nb ",
        ]
        for line in lines {
            XCTAssertEqual(Redaction.trimmingWhitespace(line), line.trimmingCharacters(in: .whitespaces), line)
        }
    }
}
