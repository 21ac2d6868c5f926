import HushTestSupport
import XCTest

@testable import HushSources

/// Reading a pack through kept windows must give exactly the bytes a direct
/// read gives, wherever a request falls (across a window's end, past the
/// window's size, at the end of the entries), and read less often.
final class PackWindowsTests: XCTestCase {
    func testReadsThroughWindowsEqualDirectReads() {
        var random = SeededGenerator(seed: 0x3C41_9A0D_55E1_2B07)
        // The generator's high bits are the random ones.
        let file = (0..<200_000).map { _ in UInt8(truncatingIfNeeded: random.next() >> 56) }
        let limit = file.count - 20  // like a pack: its checksum is no entry's
        var reads = 0
        func read(_ destination: UnsafeMutableRawPointer, _ count: Int, _ offset: Int) -> Int {
            reads += 1
            let available = max(0, min(count, limit - offset))
            file.withUnsafeBytes { destination.copyMemory(from: $0.baseAddress! + offset, byteCount: available) }
            return available
        }
        let windows = GitPackWindows(windowSize: 4096, capacity: 8)
        var requests = 0
        // Clustered requests, like the versions of a tree, in a few places
        // at once, with some long ones and some at the very end.
        var cursors = (0..<12).map { _ in Int((random.next() >> 32) % UInt64(limit - 10_000)) }
        for step in 0..<5_000 {
            let which = Int((random.next() >> 40) % UInt64(cursors.count))
            var count = 1 + Int((random.next() >> 40) % 120)
            if step % 97 == 0 { count = 5_000 + Int((random.next() >> 40) % 3_000) }
            var offset = cursors[which]
            if step % 251 == 0 { offset = limit - count }
            if offset + count > limit { offset = limit - count }
            var buffer = [UInt8](repeating: 0, count: count)
            let done = buffer.withUnsafeMutableBytes { raw in
                windows.copy(count, at: offset, into: raw.baseAddress!, limit: limit, read: read)
            }
            XCTAssertTrue(done)
            XCTAssertEqual(buffer, Array(file[offset..<(offset + count)]), "\(count) bytes at \(offset)")
            requests += 1
            cursors[which] = offset + count + Int((random.next() >> 40) % 64)
            if cursors[which] > limit - 200 { cursors[which] = Int((random.next() >> 32) % UInt64(limit / 2)) }
        }
        XCTAssertLessThan(reads * 4, requests, "clustered requests are mostly served from kept windows")
    }

    func testAWindowServesUpToItsLastByteAndNoFurther() {
        let file = (0..<20_000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 8) }
        var reads = 0
        func read(_ destination: UnsafeMutableRawPointer, _ count: Int, _ offset: Int) -> Int {
            reads += 1
            file.withUnsafeBytes { destination.copyMemory(from: $0.baseAddress! + offset, byteCount: count) }
            return count
        }
        let windows = GitPackWindows(windowSize: 4096, capacity: 4)
        func request(_ count: Int, at offset: Int) -> [UInt8] {
            var buffer = [UInt8](repeating: 0, count: count)
            let done = buffer.withUnsafeMutableBytes { raw in
                windows.copy(count, at: offset, into: raw.baseAddress!, limit: file.count, read: read)
            }
            XCTAssertTrue(done)
            return buffer
        }
        XCTAssertEqual(request(10, at: 1_000), Array(file[1_000..<1_010]))
        XCTAssertEqual(request(10, at: 1_000 + 4_086), Array(file[5_086..<5_096]), "the window's last ten bytes")
        XCTAssertEqual(reads, 1)
        XCTAssertEqual(request(10, at: 1_000 + 4_087), Array(file[5_087..<5_097]), "one byte past the window")
        XCTAssertEqual(reads, 2)
        XCTAssertEqual(request(6_000, at: 100), Array(file[100..<6_100]), "longer than a window: read alone")
        XCTAssertEqual(reads, 3)
    }

    func testARequestPastTheEntriesFails() {
        let file = [UInt8](repeating: 7, count: 1_000)
        let windows = GitPackWindows()
        var buffer = [UInt8](repeating: 0, count: 100)
        let done = buffer.withUnsafeMutableBytes { raw in
            windows.copy(100, at: 950, into: raw.baseAddress!, limit: 980) { destination, count, offset in
                let available = max(0, min(count, 980 - offset))
                file.withUnsafeBytes { destination.copyMemory(from: $0.baseAddress! + offset, byteCount: available) }
                return available
            }
        }
        XCTAssertFalse(done, "only 30 bytes lie before the limit")
    }
}
