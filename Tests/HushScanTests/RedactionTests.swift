import HushScan
import XCTest

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
}
