import Foundation

/// Runs `body` over `0..<count` cut into pieces (four per worker), the
/// pieces on `workers` threads at once; as one piece, on this thread, when
/// `count` is below `parallelFrom`.
func forEachPiece(of count: Int, workers: Int, parallelFrom: Int, _ body: (Range<Int>) -> Void) {
    let pieces = count >= parallelFrom ? max(1, workers) * 4 : 1
    guard pieces > 1 else {
        body(0..<count)
        return
    }
    let size = (count + pieces - 1) / pieces
    DispatchQueue.concurrentPerform(iterations: pieces) { piece in
        body(min(count, piece * size)..<min(count, (piece + 1) * size))
    }
}

/// `transform` of every index in `0..<count`, computed piece by piece on
/// `workers` threads as `forEachPiece` cuts them.
func mapPieces<T>(of count: Int, workers: Int, parallelFrom: Int, _ transform: (Int) -> T) -> [T] {
    mapPieces(
        of: count, workers: workers, parallelFrom: parallelFrom, each: {},
        transform: { _, index in transform(index) })
}

/// `mapPieces`, with `each()` made once per piece and handed to every
/// `transform` of it (a piece's reader, buffers or caches).
func mapPieces<State, T>(
    of count: Int, workers: Int, parallelFrom: Int, each makeState: () -> State, transform: (State, Int) -> T
) -> [T] {
    [T](unsafeUninitializedCapacity: count) { buffer, initialized in
        let output = buffer
        forEachPiece(of: count, workers: workers, parallelFrom: parallelFrom) { piece in
            let state = makeState()
            for index in piece { (output.baseAddress! + index).initialize(to: transform(state, index)) }
        }
        initialized = count
    }
}
