import Foundation

/// Stretches of a pack read lately by one thread, so that small entries
/// lying close together are read with one `pread` instead of one each.
///
/// `git pack-objects` writes the versions of a tree next to each other
/// (a delta family together), and a history walk reads those versions one
/// commit after another: each commit's trees sit in the stretches its
/// parent's reads brought in. Reading 4 KB at a time and keeping the last
/// 64 stretches serves most tree reads from memory.
public final class GitPackWindows {
    /// Bytes read at once; entries longer than this are read alone.
    let windowSize: Int
    private let capacity: Int
    private var starts: [Int] = []
    private var counts: [Int] = []
    private var lastUse: [Int] = []
    private var buffers: [UnsafeMutableRawPointer] = []
    private var clock = 0

    /// Keeps `capacity` stretches of `windowSize` bytes.
    public init(windowSize: Int = 4096, capacity: Int = 64) {
        self.windowSize = windowSize
        self.capacity = capacity
    }

    deinit {
        for buffer in buffers { buffer.deallocate() }
    }

    /// Copies `count` bytes at `offset` of the pack into `destination`,
    /// from a kept stretch or from one read now with `read(buffer, count,
    /// offset)` (which returns how many bytes it read, `limit` at most past
    /// `offset`: the end of the pack's entries). False when the bytes cannot
    /// be read.
    func copy(
        _ count: Int, at offset: Int, into destination: UnsafeMutableRawPointer, limit: Int,
        read: (UnsafeMutableRawPointer, Int, Int) -> Int
    ) -> Bool {
        clock += 1
        for slot in starts.indices where starts[slot] <= offset && offset + count <= starts[slot] + counts[slot] {
            lastUse[slot] = clock
            destination.copyMemory(from: buffers[slot] + (offset - starts[slot]), byteCount: count)
            return true
        }
        guard count <= windowSize else { return read(destination, count, offset) == count }
        let slot: Int
        if buffers.count < capacity {
            buffers.append(.allocate(byteCount: windowSize, alignment: 16))
            starts.append(0)
            counts.append(0)
            lastUse.append(0)
            slot = buffers.count - 1
        } else {
            slot = lastUse.indices.min { lastUse[$0] < lastUse[$1] } ?? 0
        }
        let wanted = min(windowSize, limit - offset)
        let got = wanted >= count ? read(buffers[slot], wanted, offset) : -1
        guard got >= count else {
            counts[slot] = 0
            return false
        }
        starts[slot] = offset
        counts[slot] = got
        lastUse[slot] = clock
        destination.copyMemory(from: buffers[slot], byteCount: count)
        return true
    }
}
