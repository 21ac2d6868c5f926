import HushSources
import XCTest

final class FileContentTests: XCTestCase {
    func testNULByteMeansBinary() {
        guard case .binary = FileContent.prepare([0x50, 0x4B, 0x03, 0x04, 0x00, 0x01, 0x02]) else {
            return XCTFail("expected binary")
        }
    }

    func testUTF16WithBOMIsTranscodedKeepingLines() throws {
        let text = "a=1\nkey=value\n"
        var bytes: [UInt8] = [0xFF, 0xFE]
        for unit in text.utf16 { bytes += [UInt8(unit & 0xFF), UInt8(unit >> 8)] }
        guard case .text(let content) = FileContent.prepare(bytes) else { return XCTFail("expected text") }
        XCTAssertEqual(String(decoding: content.bytes, as: UTF8.self), text)
        XCTAssertEqual(content.transcodedFrom, "UTF-16LE")
    }

    func testUTF16WithoutBOMIsRecognised() throws {
        let text = "password = hunter2hunter2\n"
        var bytes: [UInt8] = []
        for unit in text.utf16 { bytes += [UInt8(unit >> 8), UInt8(unit & 0xFF)] }
        guard case .text(let content) = FileContent.prepare(bytes) else { return XCTFail("expected text") }
        XCTAssertEqual(String(decoding: content.bytes, as: UTF8.self), text)
        XCTAssertEqual(content.transcodedFrom, "UTF-16BE")
    }

    func testInvalidUTF8AndLongLinesAreNoted() throws {
        let bytes: [UInt8] = Array("ok ".utf8) + [0xC3, 0x28] + [UInt8](repeating: 65, count: 5000)
        guard case .text(let content) = FileContent.prepare(bytes) else { return XCTFail("expected text") }
        XCTAssertTrue(content.hasInvalidUTF8)
        XCTAssertEqual(content.longestLine, bytes.count)
    }
}
