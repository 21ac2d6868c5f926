import HushTestSupport
import XCTest

@testable import HushScan

/// A blob read as a new version of another is scanned only around its
/// changes, unless those regions would cover most of it. That is first
/// judged from the changes alone, before the blob's lines are indexed: the
/// early answer must never say "most" when the regions would not.
final class ChangeRegionTests: XCTestCase {
    func testEarlyCoverageJudgementAgreesWithTheRegions() {
        var random = SeededGenerator(seed: 0x0DDB_1A5E_5BAD_5EED)
        func next(_ bound: Int) -> Int { Int(random.next() >> 33) % bound }
        var saidMost = 0
        var saidLess = 0
        for _ in 0..<400 {
            // Buffers from a few hundred bytes to 60 KB, lines of 1 to 200 bytes.
            let count = 200 + next(60_000)
            var bytes = [UInt8](repeating: 97, count: count)
            var position = next(200)
            while position < count {
                bytes[position] = 10
                position += 1 + next(200)
            }
            var changes: [Range<Int>] = []
            var at = next(count)
            for _ in 0..<(1 + next(4)) where at < count {
                let end = min(count, at + next(300))
                changes.append(at..<end)
                at = end + next(count / 2 + 1)
            }
            let covered = bytes.withUnsafeBufferPointer { buffer in
                ScanEngine.regions(
                    around: changes, in: buffer, lines: LineTable(buffer), by: ScanEngine.changeRadius
                ).reduce(0) { $0 + $1.count }
            }
            if ScanEngine.regionsCoverMost(changes, count: count) {
                saidMost += 1
                XCTAssertGreaterThanOrEqual(covered * 10, count * 6, "changes \(changes) in \(count) bytes")
            } else {
                saidLess += 1
            }
        }
        XCTAssertGreaterThan(saidMost, 50, "small buffers are judged early")
        XCTAssertGreaterThan(saidLess, 50, "large buffers are not")
    }

    /// A line added above a long line ends where the long line starts. When
    /// the copy from there began at a line's start in the old version, the
    /// long line starts as it did and the region ends a change's radius into
    /// it; otherwise (it was joined to the line above) the region takes all of it.
    func testALineAddedAboveALongLineDoesNotTakeItWhole() {
        let long = (0..<4000).map { "item\($0)" }.joined(separator: ",")
        let bytes = Array(("note = 1\n" + long + "\nend\n").utf8)
        let longStart = 9
        let changes = [0..<longStart]
        func regionEnd(keptLineStarts: [Int]) -> Int {
            bytes.withUnsafeBufferPointer { buffer in
                ScanEngine.regions(
                    around: changes, in: buffer, lines: LineTable(buffer), by: ScanEngine.changeRadius,
                    keptLineStarts: keptLineStarts
                ).last!.upperBound
            }
        }
        let kept = regionEnd(keptLineStarts: [longStart])
        XCTAssertGreaterThanOrEqual(kept, longStart + ScanEngine.changeRadius)
        XCTAssertLessThan(kept, longStart + ScanEngine.changeRadius + 1024, "cut just past the radius")
        XCTAssertEqual(regionEnd(keptLineStarts: []), longStart + long.utf8.count + 1, "the whole long line")
        XCTAssertEqual(regionEnd(keptLineStarts: [longStart + 1]), longStart + long.utf8.count + 1)
    }

    /// Versions after one holding `hush:ignore-next-line` are scanned whole:
    /// the marker must be seen wherever it is, and only near the changes
    /// when the version it came from had none.
    func testIgnoreNextLineMarkersAreSeen() {
        func marks(_ text: String) -> Bool {
            Array(text.utf8).withUnsafeBufferPointer { HistoryScanner.marksNextLines($0) }
        }
        XCTAssertTrue(marks("hush:ignore-next-line"))
        XCTAssertTrue(marks("# hush:ignore-next-line\napi_token = x\n"))
        XCTAssertTrue(marks(String(repeating: "box ", count: 500) + "// hush:ignore-next-line"))
        XCTAssertFalse(marks("hush:ignore-next-lin"))
        XCTAssertFalse(marks("hush:ignore-nexx-line hush:ignore next-line"))
        XCTAssertFalse(marks(""))

        let text = Array((String(repeating: "a = 1\n", count: 300) + "# hush:ignore-next-line\n").utf8)
        let marker = text.count - 22..<text.count - 1
        text.withUnsafeBufferPointer { buffer in
            // A change inside the marker, or overlapping its end, finds it; changes far away do not.
            let inside = marker.lowerBound + 5..<marker.lowerBound + 6
            let overEnd = marker.upperBound - 1..<marker.upperBound + 1
            for change in [inside, overEnd] {
                XCTAssertTrue(HistoryScanner.marksNextLines(buffer, near: [change]), "\(change)")
            }
            XCTAssertFalse(HistoryScanner.marksNextLines(buffer, near: [10..<12, 500..<501]))
        }
    }
}
