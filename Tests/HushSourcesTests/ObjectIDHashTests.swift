import HushTestSupport
import XCTest

@testable import HushSources

/// Object ids are hashed from their first eight bytes with the collection's
/// seed: ids made to agree in the bits one bucket index would use must still
/// spread over the buckets, or a crafted repository would make every look-up
/// of a history walk crawl.
final class ObjectIDHashTests: XCTestCase {
    func testIdsAlikeInTheirLowBitsSpreadOverBuckets() {
        var random = SeededGenerator(seed: 0x6A09_E667_F3BC_C908)
        // 4,096 ids whose first eight bytes end in the same 32 bits.
        let ids = (0..<4096).map { _ -> GitObjectID in
            var bytes = [UInt8](repeating: 0, count: 20)
            let top = random.next() >> 32
            for index in 0..<4 { bytes[index] = UInt8(truncatingIfNeeded: top >> (8 * (3 - index))) }
            bytes[4...7] = [0x5A, 0x5A, 0x5A, 0x5A]
            for index in 8..<20 { bytes[index] = UInt8(truncatingIfNeeded: random.next() >> 56) }
            return bytes.withUnsafeBytes { GitObjectID(rawBytes: $0.baseAddress!) }
        }
        for seed in [0, 1, -7_046_029_254_386_353_131] {
            let buckets = Set(ids.map { $0._rawHashValue(seed: seed) & 4095 })
            XCTAssertGreaterThan(buckets.count, 2_000, "seed \(seed): \(buckets.count) buckets of 4,096")
        }
        // Equal ids hash equally, and a dictionary finds them.
        let copy = ids.map { $0.description }.compactMap { GitObjectID(hex: $0) }
        XCTAssertEqual(copy.map { $0._rawHashValue(seed: 3) }, ids.map { $0._rawHashValue(seed: 3) })
        let positions = Dictionary(uniqueKeysWithValues: ids.enumerated().map { ($1, $0) })
        XCTAssertEqual(copy.map { positions[$0] }, Array(0..<4096))
    }
}
