import HushSources

extension HistoryScanner {
    /// Hands out the work items of a history scan to its threads, in order,
    /// except that an item waiting for versions on the shelf (see
    /// `VersionShelf`) that are not read yet is set aside until they are:
    /// the items after it go first. When nothing else is left, a set-aside
    /// item is handed out anyway (its blobs are then scanned whole).
    final class WorkQueue: @unchecked Sendable {
        private enum Status { case queued, setAside, ready, taken }

        /// Items set aside or ready, in the order they became so.
        private struct Backlog {
            var items: [Int] = []
            var taken = 0

            /// The first item not yet passed that is still `wanted` (marked
            /// taken); the items before it, no longer `wanted`, are passed.
            mutating func next(_ wanted: Status, in status: inout [Status]) -> Int? {
                while taken < items.count {
                    let item = items[taken]
                    taken += 1
                    if status[item] == wanted {
                        status[item] = .taken
                        return item
                    }
                }
                return nil
            }
        }

        private struct State {
            var next = 0
            var status: [Status]
            /// Per item, how many versions it waits for are not read yet.
            var unread: [Int32]
            /// Set-aside items whose versions have all been read, in that order.
            var ready = Backlog()
            /// Set-aside items, in order (some may have been taken since).
            var setAside = Backlog()
        }

        private let count: Int
        /// Per waited blob, the items that wait for it.
        private let waiting: [Int32: [Int]]
        private let state: Locked<State>

        /// A queue of `count` items; `waits[i]` are the blobs item `i` waits
        /// for (none when `waits` is empty).
        init(count: Int, waits: [[Int32]] = []) {
            precondition(waits.isEmpty || waits.count == count)
            self.count = count
            var waiting: [Int32: [Int]] = [:]
            var unread = [Int32](repeating: 0, count: count)
            for (item, blobs) in waits.enumerated() {
                for blob in Set(blobs) {
                    waiting[blob, default: []].append(item)
                    unread[item] += 1
                }
            }
            self.waiting = waiting
            state = Locked(State(status: [Status](repeating: .queued, count: count), unread: unread))
        }

        /// The next item to work on, nil when all have been handed out.
        func take() -> Int? {
            state.withLock { state in
                // Set-aside items that are ready come first: what they wait for is fresh.
                if let item = state.ready.next(.ready, in: &state.status) { return item }
                while state.next < count {
                    let item = state.next
                    state.next += 1
                    if state.unread[item] > 0 {
                        state.status[item] = .setAside
                        state.setAside.items.append(item)
                        continue
                    }
                    state.status[item] = .taken
                    return item
                }
                return state.setAside.next(.setAside, in: &state.status)
            }
        }

        /// Notes that `blob` was read: items set aside for it may go.
        func blobRead(_ blob: Int32) {
            guard let items = waiting[blob] else { return }
            state.withLock { state in
                for item in items {
                    state.unread[item] -= 1
                    if state.unread[item] == 0, state.status[item] == .setAside {
                        state.status[item] = .ready
                        state.ready.items.append(item)
                    }
                }
            }
        }
    }
}
