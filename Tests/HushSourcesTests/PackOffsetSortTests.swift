import HushTestSupport
import XCTest

@testable import HushSources

/// A pack's entry offsets are sorted once when it is opened; every entry's
/// end is found in them, so they must come out exactly as a comparison sort
/// gives them, whatever their size.
final class PackOffsetSortTests: XCTestCase {
    func testRadixSortOrdersOffsetsLikeASort() {
        var random = SeededGenerator(seed: 0x9E37_79B9_7F4A_7C15)
        func next() -> UInt64 { random.next() }
        // Small packs, packs over 4 GB (large offsets), duplicates and one value.
        let cases: [[UInt64]] = [
            (0..<5000).map { _ in next() % 300_000_000 },
            (0..<5000).map { _ in next() % (1 << 40) },
            (0..<3000).map { _ in next() % 50 },
            (0..<2000).map { _ in next() },
            [42],
            [],
        ]
        for values in cases {
            var sorted = values
            GitPack.radixSort(&sorted)
            XCTAssertEqual(sorted, values.sorted())
        }
    }
}
