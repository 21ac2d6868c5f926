import Foundation
import HushTestSupport
import XCTest

@testable import HushSources

/// Object look-ups in a pack index start from a guess (ids are uniform), and
/// entry ends from a table of pack stretches; both must answer exactly what
/// a plain search of the index and of the sorted offsets answers.
final class PackIndexLookupTests: XCTestCase {
    var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("hush-idx-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: directory) }

    /// Writes a version 2 index of `entries` (sorted by id) and a pack file
    /// of `size` bytes (a header, then zeros) next to it.
    func writePack(_ entries: [(id: [UInt8], offset: UInt32)], size: Int) throws -> String {
        var index: [UInt8] = [0xFF, 0x74, 0x4F, 0x63, 0, 0, 0, 2]
        func append32(_ value: UInt32) { withUnsafeBytes(of: value.bigEndian) { index += $0 } }
        var counts = [UInt32](repeating: 0, count: 256)
        for entry in entries { counts[Int(entry.id[0])] += 1 }
        var total: UInt32 = 0
        for count in counts {
            total += count
            append32(total)
        }
        for entry in entries { index += entry.id }
        for _ in entries { append32(0) }  // CRC-32s, not read
        for entry in entries { append32(entry.offset) }
        index += [UInt8](repeating: 0, count: 40)  // pack and index checksums, not read
        let base = directory.appendingPathComponent("pack-test").path
        try Data(index).write(to: URL(fileURLWithPath: base + ".idx"))
        var pack: [UInt8] = Array("PACK".utf8) + [0, 0, 0, 2]
        withUnsafeBytes(of: UInt32(entries.count).bigEndian) { pack += $0 }
        pack += [UInt8](repeating: 0, count: size - pack.count)
        try Data(pack).write(to: URL(fileURLWithPath: base + ".pack"))
        return base + ".idx"
    }

    func testLookupsAnswerLikeAPlainSearch() throws {
        var random = SeededGenerator(seed: 0x51_7CC1_B727_220A)
        // The generator's high bits are the random ones.
        func byte() -> UInt8 { UInt8(truncatingIfNeeded: random.next() >> 56) }
        let size = 3_000_000
        // 40,000 objects: about 156 per first byte, enough for the guess to be used.
        var ids = Set<[UInt8]>()
        while ids.count < 40_000 { ids.insert((0..<20).map { _ in byte() }) }
        // And a cluster the guess misses: ids of one first byte, bunched at its start.
        while ids.count < 43_000 { ids.insert([0x42, 0, 0] + (0..<17).map { _ in byte() }) }
        var offsets = Set<UInt32>()
        while offsets.count < ids.count { offsets.insert(UInt32(12 + (random.next() >> 32) % UInt64(size - 40))) }
        let entries = Array(zip(ids.sorted { $0.lexicographicallyPrecedes($1) }, offsets.shuffled(using: &random)))
            .map { (id: $0.0, offset: $0.1) }
        let pack = try XCTUnwrap(GitPack(indexPath: try writePack(entries, size: size)))

        for entry in entries {
            let id = entry.id.withUnsafeBytes { GitObjectID(rawBytes: $0.baseAddress!) }
            XCTAssertEqual(pack.offset(of: id), UInt64(entry.offset))
        }
        for _ in 0..<2000 {
            let absent = (0..<20).map { _ in byte() }
            guard !ids.contains(absent) else { continue }
            XCTAssertNil(pack.offset(of: absent.withUnsafeBytes { GitObjectID(rawBytes: $0.baseAddress!) }))
        }

        // Each stretch of the pack ends its entries at the next boundary.
        let boundaries = offsets.sorted().map(Int.init) + [size - 20]
        var next = 0
        for offset in stride(from: 0, to: size, by: 37) {
            while next < boundaries.count, boundaries[next] <= offset { next += 1 }
            let expected = next < boundaries.count ? boundaries[next] : nil
            XCTAssertEqual(pack.end(after: offset), expected, "offset \(offset)")
        }
        XCTAssertEqual(pack.end(after: boundaries[0]), boundaries[1])
        XCTAssertNil(pack.end(after: size - 20))
    }
}
