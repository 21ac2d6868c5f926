import Foundation

/// The packs of an objects directory (and its alternates), opened on first
/// use, so that the history walk and the blob plan of one scan share them:
/// opening a pack maps its index and sorts every entry's offset.
public final class GitPackSet: @unchecked Sendable {
    public let objectsDirectory: String
    private let lock = NSLock()
    private var opened: [GitPack]?

    public init(objectsDirectory: String) { self.objectsDirectory = objectsDirectory }

    /// The packs that could be opened, in a stable order.
    public var packs: [GitPack] {
        lock.lock()
        defer { lock.unlock() }
        if let opened { return opened }
        let packs = GitPack.packIndexes(objectsDirectory: objectsDirectory).compactMap { GitPack(indexPath: $0) }
        opened = packs
        return packs
    }
}
