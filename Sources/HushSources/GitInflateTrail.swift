import CIsal
import Foundation

/// What inflating one zlib stream leaves behind for inflating another that
/// starts with the same compressed bytes.
///
/// An inflater's state and output are a function of the input it has read:
/// two streams whose compressed bytes agree up to some point leave it in
/// the same state there, having written the same bytes. git compresses each
/// version of a file stored whole with the same settings, so when a change
/// lies near the end of a large file, the two versions' streams agree up to
/// the deflate block holding it: most of their length.
///
/// A trail keeps a stream's compressed bytes, its output, and snapshots of
/// the inflater's state every `spacing` bytes of input. The next version
/// then restarts from the last snapshot inside the prefix the two streams
/// share, with the output up to there copied. The stream's Adler-32 is
/// still checked at its end, over the whole output.
public final class GitInflateTrail {
    /// A snapshot of the inflater after it read `input` bytes and wrote `output`.
    struct Mark {
        var input: Int
        var output: Int
        var state: [UInt8]
    }

    /// The stream's compressed bytes.
    let input: [UInt8]
    /// The stream's inflated bytes.
    public let output: [UInt8]
    /// Snapshots, in stream order.
    let marks: [Mark]
    /// The compressed bytes this stream shared with the previous one and
    /// was not inflated again for (0: inflated from its start).
    public let restart: Int

    init(input: [UInt8], output: [UInt8], marks: [Mark], restart: Int) {
        self.input = input
        self.output = output
        self.marks = marks
        self.restart = restart
    }

    /// Input bytes between snapshots, at least: a stream keeps at most
    /// `maxMarks` of them (each holds about 21 KB of igzip's tables).
    public static let spacing = 32 * 1024
    static let maxMarks = 256

    /// Input bytes between the snapshots of a stream of `count` bytes.
    static func spacing(forStreamOf count: Int) -> Int { max(spacing, count / maxMarks) }

    /// The last snapshot that `stream` (`count` bytes) shares with this
    /// trail's stream, nil when they part before the first one.
    func lastSharedMark(with stream: UnsafePointer<UInt8>, count: Int) -> Mark? {
        let limit = min(count, input.count)
        let shared = input.withUnsafeBufferPointer { old -> Int in
            var position = 0
            // Whole chunks first (memcmp), then the bytes of the one that differs.
            while position + 4096 <= limit, memcmp(old.baseAddress! + position, stream + position, 4096) == 0 {
                position += 4096
            }
            while position < limit, old[position] == stream[position] { position += 1 }
            return position
        }
        return marks.last { $0.input <= shared }
    }
}

extension GitInflater {
    /// Inflates the zlib stream at `input` (`count` bytes) into exactly
    /// `size` bytes like `inflate(_:count:size:)`, restarting from
    /// `previous` where the two streams agree, and leaves a trail for the
    /// next stream. Nil when the stream is corrupt or of another size.
    public func inflate(
        _ input: UnsafeRawPointer, count: Int, size: Int, after previous: GitInflateTrail?
    ) -> GitInflateTrail? {
        let stream = input.assumingMemoryBound(to: UInt8.self)
        if let previous, let mark = previous.lastSharedMark(with: stream, count: count), mark.output <= size,
            let trail = inflate(stream, count: count, size: size, from: mark, of: previous)
        {
            return trail
        }
        return inflate(stream, count: count, size: size, from: nil, of: nil)
    }

    /// Whether igzip's kept history (`count` bytes at `kept`) is the last
    /// output (at `output`), checked at both ends: a restart rebuilds it
    /// from the output, and the stream's checksum catches any other case.
    private static func historyMatches(_ kept: UnsafeRawPointer, _ output: UnsafePointer<UInt8>, _ count: Int) -> Bool {
        memcmp(kept, output, 64) == 0 && memcmp(kept + (count - 64), output + (count - 64), 64) == 0
    }

    /// Inflates in steps of `GitInflateTrail.spacing(forStreamOf:)` input
    /// bytes, starting over or from `mark` (a snapshot of `previous`).
    private func inflate(
        _ stream: UnsafePointer<UInt8>, count: Int, size: Int, from mark: GitInflateTrail.Mark?,
        of previous: GitInflateTrail?
    ) -> GitInflateTrail? {
        let room = size + 64
        guard count <= Int(UInt32.max), room <= Int(UInt32.max) else { return nil }
        let progressSize = hush_inflate_progress_size()
        let spacing = GitInflateTrail.spacing(forStreamOf: count)
        var marks = previous?.marks.prefix { $0.input <= (mark?.input ?? 0) }.map { $0 } ?? []
        var failed = false
        let output = [UInt8](unsafeUninitializedCapacity: room) { buffer, initialized in
            var consumed = 0
            if let mark, let previous {
                previous.output.withUnsafeBufferPointer { old in
                    buffer.baseAddress!.update(from: old.baseAddress!, count: mark.output)
                }
                // The state, and its history: the last output bytes, kept after the progress fields.
                mark.state.withUnsafeBytes {
                    UnsafeMutableRawPointer(state).copyMemory(from: $0.baseAddress!, byteCount: progressSize)
                }
                let history = Int(state.pointee.tmp_out_valid)
                (UnsafeMutableRawPointer(state) + progressSize).copyMemory(
                    from: buffer.baseAddress! + (mark.output - history), byteCount: history)
                consumed = mark.input
                state.pointee.next_out = buffer.baseAddress! + mark.output
                state.pointee.avail_out = UInt32(room - mark.output)
            } else {
                isal_inflate_init(state)
                state.pointee.crc_flag = UInt32(ISAL_ZLIB)
                state.pointee.next_out = buffer.baseAddress
                state.pointee.avail_out = UInt32(room)
            }
            while true {
                let step = min(spacing, count - consumed)
                state.pointee.next_in = UnsafeMutablePointer(mutating: stream + consumed)
                state.pointee.avail_in = UInt32(step)
                let result = isal_inflate(state)
                consumed += step - Int(state.pointee.avail_in)
                guard result == ISAL_DECOMP_OK else {
                    failed = true
                    break
                }
                if state.pointee.block_state == ISAL_BLOCK_FINISH { break }
                // Input left over, or none left: the output space ran out, or the stream is cut short.
                guard state.pointee.avail_in == 0, consumed < count else {
                    failed = true
                    break
                }
                // igzip keeps the last 32 KB of output after its progress
                // fields; a snapshot holds only where it is, not the bytes.
                let history = Int(state.pointee.tmp_out_valid)
                let written = Int(state.pointee.total_out)
                if history == Int(state.pointee.tmp_out_processed), history >= 64, history <= written, written < size,
                    Self.historyMatches(
                        UnsafeRawPointer(state) + progressSize, buffer.baseAddress! + (written - history), history)
                {
                    marks.append(
                        GitInflateTrail.Mark(
                            input: consumed, output: Int(state.pointee.total_out),
                            state: [UInt8](UnsafeRawBufferPointer(start: state, count: progressSize))))
                }
            }
            failed = failed || Int(state.pointee.total_out) != size
            initialized = failed ? 0 : size
        }
        guard !failed else { return nil }
        return GitInflateTrail(
            input: [UInt8](UnsafeBufferPointer(start: stream, count: count)), output: output, marks: marks,
            restart: mark?.input ?? 0)
    }
}
