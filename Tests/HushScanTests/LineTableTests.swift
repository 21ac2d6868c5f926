import HushTestSupport
import XCTest

@testable import HushScan

/// `LineTable` finds line breaks only as far as a question needs, 64 bytes
/// at a time, and answers the line around an offset from that offset
/// alone: every answer must equal a byte-by-byte reading of the buffer,
/// whatever the order of the questions.
final class LineTableTests: XCTestCase {
    /// Line starts, by a byte loop: `starts[i]` is where line i + 1 starts.
    private func lineStarts(_ bytes: [UInt8]) -> [Int] {
        [0] + bytes.indices.filter { bytes[$0] == 10 }.map { $0 + 1 }
    }

    func testAnswersEqualAByteByByteReadingInAnyOrder() {
        var random = SeededGenerator(seed: 0x11E5_7AB1_E5EE_D5ED)
        for round in 0..<60 {
            // Short lines, lines longer than a scanning step, or none at all.
            let count = Int(random.next() >> 46) + (round % 3 == 0 ? 40_000 : 0)
            let lineEvery = [3, 40, 900, 20_000, Int.max][round % 5]
            let bytes = (0..<count).map { _ -> UInt8 in
                random.next() % UInt64(min(lineEvery, 1 << 30)) == 0 ? 10 : UInt8(97 + random.next() % 26)
            }
            let starts = lineStarts(bytes)
            func expectedLine(_ offset: Int) -> Int { starts.lastIndex { $0 <= offset }! + 1 }
            bytes.withUnsafeBufferPointer { buffer in
                let lines = LineTable(buffer)
                for _ in 0..<40 {
                    let offset = Int(random.next() % UInt64(count + 1))
                    let line = expectedLine(offset)
                    let start = starts[line - 1]
                    let end = line < starts.count ? starts[line] : count
                    switch random.next() % 4 {
                    case 0:
                        let found = lines.locate(offset)
                        XCTAssertEqual(found.line, line, "offset \(offset)")
                        XCTAssertEqual(found.lineStart, start, "offset \(offset)")
                    case 1:
                        XCTAssertEqual(lines.lineStart(at: offset), start, "offset \(offset)")
                        XCTAssertEqual(lines.lineEnd(at: offset), end, "offset \(offset)")
                    case 2:
                        XCTAssertEqual(lines.start(ofLine: line), start)
                        XCTAssertEqual(lines.end(ofLine: line), end)
                    default:
                        // Past the last line: the buffer's end.
                        XCTAssertEqual(lines.start(ofLine: starts.count + 1), count)
                        XCTAssertEqual(lines.end(ofLine: starts.count), count)
                    }
                }
            }
        }
    }

    func testAnEmptyBufferHasOneEmptyLine() {
        [UInt8]().withUnsafeBufferPointer { buffer in
            let lines = LineTable(buffer)
            XCTAssertEqual(lines.locate(0).line, 1)
            XCTAssertEqual(lines.lineStart(at: 0), 0)
            XCTAssertEqual(lines.lineEnd(at: 0), 0)
            XCTAssertEqual(lines.end(ofLine: 1), 0)
        }
    }
}
