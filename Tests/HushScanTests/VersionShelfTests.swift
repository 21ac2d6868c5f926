import HushSources
import HushTestSupport
import XCTest

@testable import HushScan

/// Large versions pass between the threads of a history scan on a shelf
/// (see `HistoryScanner.VersionShelf`): a version is there for the next
/// versions that come after it, and is let go once the last has come.
final class VersionShelfTests: XCTestCase {
    private typealias Shelf = HistoryScanner.VersionShelf

    private func version(_ count: Int) -> Shelf.Version {
        Shelf.Version(
            bytes: [UInt8](repeating: 65, count: count),
            blob: HistoryScanner.FamilyMemory.Blob(count: count, findings: [], marksNextLines: false))
    }

    func testAVersionReadFirstIsTakenByEachNextVersionAndLetGoByTheLast() {
        let shelf = Shelf(blobCount: 4, remaining: [2: 2])
        XCTAssertTrue(shelf.isWaited(for: 2))
        XCTAssertFalse(shelf.isWaited(for: 1))
        let announced = Locked([Int32]())
        shelf.onFirstRead = { blob in announced.withLock { $0.append(blob) } }
        XCTAssertEqual(announced.withLock { $0 }, [])
        shelf.read(2, keeping: version(100))
        XCTAssertEqual(announced.withLock { $0 }, [2], "noted as read")
        XCTAssertEqual(shelf.heldBytes, 100)
        XCTAssertEqual(shelf.take(2)?.bytes.count, 100)
        XCTAssertEqual(shelf.heldBytes, 100, "one next version is still to come")
        XCTAssertEqual(shelf.take(2)?.bytes.count, 100)
        XCTAssertEqual(shelf.heldBytes, 0)
        XCTAssertFalse(shelf.isStillWaited(for: 2))
        XCTAssertNil(shelf.take(2))
    }

    func testAVersionReadAfterItsNextVersionsIsNotKept() {
        let shelf = Shelf(blobCount: 4, remaining: [1: 1])
        XCTAssertTrue(shelf.isStillWaited(for: 1))
        XCTAssertNil(shelf.take(1))
        XCTAssertFalse(shelf.isStillWaited(for: 1))
        let announced = Locked([Int32]())
        shelf.onFirstRead = { blob in announced.withLock { $0.append(blob) } }
        shelf.read(1, keeping: version(100))
        XCTAssertEqual(announced.withLock { $0 }, [1], "noted as read, though not kept")
        XCTAssertEqual(shelf.heldBytes, 0)
    }

    func testVersionsBeyondTheBudgetAreNotKept() {
        let shelf = Shelf(blobCount: 4, remaining: [0: 1, 1: 1, 3: 1], budget: 250)
        shelf.read(0, keeping: version(100))
        shelf.read(1, keeping: version(200))
        shelf.read(3, keeping: version(150))
        XCTAssertEqual(shelf.heldBytes, 250)
        XCTAssertNotNil(shelf.take(0))
        XCTAssertNil(shelf.take(1))
        XCTAssertNotNil(shelf.take(3))
        XCTAssertEqual(shelf.heldBytes, 0)
    }

    func testTheFirstReadOfAWaitedBlobIsAnnounced() {
        let shelf = Shelf(blobCount: 4, remaining: [1: 1])
        let announced = Locked([Int32]())
        shelf.onFirstRead = { blob in announced.withLock { $0.append(blob) } }
        shelf.read(1, keeping: nil)
        shelf.read(1, keeping: version(10))
        XCTAssertEqual(announced.withLock { $0 }, [1])
    }

    func testAnItemWaitingForAnUnreadVersionIsSetAsideUntilItIsRead() {
        // Item 1 waits for blob 7, item 2 for blob 8.
        let queue = HistoryScanner.WorkQueue(count: 5, waits: [[], [7], [8, 8], [], []])
        XCTAssertEqual(queue.take(), 0)
        XCTAssertEqual(queue.take(), 3, "items 1 and 2 are set aside")
        queue.blobRead(8)
        XCTAssertEqual(queue.take(), 2, "ready once its version is read, before the rest")
        XCTAssertEqual(queue.take(), 4)
        XCTAssertEqual(queue.take(), 1, "nothing else left: handed out anyway")
        XCTAssertNil(queue.take())
        queue.blobRead(7)
        XCTAssertNil(queue.take(), "an item is handed out once")
    }

    func testEveryItemIsHandedOutOnceWhateverIsRead() {
        var random = SeededGenerator(seed: 0x0FEE_D5EE_DBEE_F5ED)
        for _ in 0..<100 {
            let count = Int(random.next() >> 59) + 1
            let waits = (0..<count).map { _ in (0..<Int(random.next() >> 62)).map { _ in Int32(random.next() >> 61) } }
            let queue = HistoryScanner.WorkQueue(count: count, waits: waits)
            var taken: [Int] = []
            while let item = queue.take() {
                taken.append(item)
                if random.next() >> 63 == 0 { queue.blobRead(Int32(random.next() >> 61)) }
            }
            XCTAssertEqual(taken.sorted(), Array(0..<count))
        }
    }

    func testItemsComeRightAfterWhatTheyDependOnAndOtherwiseKeepTheirOrder() {
        XCTAssertEqual(HistoryScanner.dependentsLast([[], [], []]), [0, 1, 2])
        XCTAssertEqual(HistoryScanner.dependentsLast([[3], [], [], [], []]), [1, 2, 3, 0, 4])
        XCTAssertEqual(HistoryScanner.dependentsLast([[], [], [], [0]]), [0, 3, 1, 2])
        // After the last of two.
        XCTAssertEqual(HistoryScanner.dependentsLast([[], [0, 3], [], [], []]), [0, 2, 3, 1, 4])
        // A chain: 0 needs 2, which needs 4.
        XCTAssertEqual(HistoryScanner.dependentsLast([[2], [], [4], [], [], []]), [1, 3, 4, 2, 0, 5])
        // A cycle comes last.
        XCTAssertEqual(HistoryScanner.dependentsLast([[1], [0], []]), [2, 0, 1])
    }

    func testEveryItemComesAfterItsDependenciesInRandomGraphs() {
        var random = SeededGenerator(seed: 0xD0E5_0F1D_7E5C_AFE5)
        for _ in 0..<200 {
            let count = Int(random.next() >> 60) + 2
            // Edges only from later to earlier items or the reverse, never both: no cycles.
            let forward = random.next() >> 63 == 0
            let dependencies = (0..<count).map { item -> Set<Int> in
                Set(
                    (0..<count).filter { other in
                        other != item && (forward ? other > item : other < item) && random.next() >> 62 == 0
                    })
            }
            let order = HistoryScanner.dependentsLast(dependencies)
            XCTAssertEqual(order.sorted(), Array(0..<count))
            var position = [Int](repeating: 0, count: count)
            for (index, item) in order.enumerated() { position[item] = index }
            for (item, needs) in dependencies.enumerated() {
                for need in needs { XCTAssertLessThan(position[need], position[item], "\(dependencies)") }
            }
            // Items without dependencies keep their order.
            let free = order.filter { dependencies[$0].isEmpty }
            XCTAssertEqual(free, free.sorted())
        }
    }
}
