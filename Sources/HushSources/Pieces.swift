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
