import Foundation

/// A blocking multi-producer, multi-consumer queue that knows when all work,
/// including work that items spawn, is finished.
final class WorkQueue<Item>: @unchecked Sendable {
    private let condition = NSCondition()
    private var items: [Item] = []
    private var pending = 0

    /// Adds work; call before the item that spawned it is marked done.
    func push(_ item: Item) {
        condition.lock()
        items.append(item)
        pending += 1
        condition.signal()
        condition.unlock()
    }

    /// The next item, or nil once every pushed item has been marked done.
    func pop() -> Item? {
        condition.lock()
        defer { condition.unlock() }
        while items.isEmpty {
            if pending == 0 { return nil }
            condition.wait()
        }
        return items.removeLast()
    }

    /// Marks one popped item as fully processed.
    func done() {
        condition.lock()
        pending -= 1
        if pending == 0 { condition.broadcast() }
        condition.unlock()
    }
}
