import HushSources

/// Large versions kept for threads that read their next versions.
///
/// A version is compared with the one it replaced (see
/// `HistoryScanner+Lineage.swift`) when the same thread read that one
/// first. When the two are in different work items (the next version is
/// stored as a delta of another file, or starts a family of deltas), the
/// reader of the old version puts its bytes and findings on the shelf, and
/// the reader of the new one takes them if they are there by then: whichever
/// thread comes first, the findings are the same, only the work differs.
extension HistoryScanner {
    final class VersionShelf: @unchecked Sendable {
        /// A version put on the shelf: what comparing with it needs.
        struct Version {
            var bytes: [UInt8]
            var blob: FamilyMemory.Blob
        }

        /// Versions that take fewer bytes than this in their pack are not
        /// waited for: scanning their next versions whole costs about what
        /// comparing does.
        static let minimumStoredSize = 8 * 1024
        /// Versions smaller than this are not kept.
        static let minimumSize = 16 * 1024
        /// The bytes a shelf holds at most by default: make-history's
        /// 20,000 commits need 15 MB; more only raises the peak memory of
        /// long histories (kept versions outlive the buffers around them).
        static let defaultBudget = 24 * 1024 * 1024
        /// The bytes this shelf holds at most; a version beyond that is not kept.
        let budget: Int

        /// Per blob index, whether next versions in other work items wait for it.
        private let waited: [Bool]

        private struct State {
            /// Per waited blob, how many of its next versions are still to be read.
            var remaining: [Int32: Int32]
            /// Waited blobs read so far (kept or not).
            var read: Set<Int32> = []
            var versions: [Int32: Version] = [:]
            var bytes = 0
        }

        private let state: Locked<State>

        /// Called (outside the shelf's lock) when a waited blob is first read.
        var onFirstRead: (@Sendable (Int32) -> Void)?

        /// A shelf for `blobCount` blobs, where `remaining` tells how many
        /// next versions of each waited blob are read in other work items.
        init(blobCount: Int, remaining: [Int32: Int32], budget: Int = defaultBudget) {
            self.budget = budget
            var waited = [Bool](repeating: false, count: blobCount)
            for blob in remaining.keys { waited[Int(blob)] = true }
            self.waited = waited
            state = Locked(State(remaining: remaining))
        }

        /// Whether next versions in other work items wait for `blob`.
        func isWaited(for blob: Int32) -> Bool { waited[Int(blob)] }

        /// Whether a version just read would still be taken by one of its
        /// next versions.
        func isStillWaited(for blob: Int32) -> Bool {
            waited[Int(blob)] && state.withLock { ($0.remaining[blob] ?? 0) > 0 }
        }

        /// Notes that the waited `blob` was read (announcing it the first
        /// time), and keeps `version` of it (when given, within the budget)
        /// for its next versions still to come.
        func read(_ blob: Int32, keeping version: Version?) {
            let first = state.withLock { state -> Bool in
                let first = state.read.insert(blob).inserted
                if let version, (state.remaining[blob] ?? 0) > 0, state.versions[blob] == nil,
                    state.bytes + version.bytes.count <= budget
                {
                    state.versions[blob] = version
                    state.bytes += version.bytes.count
                }
                return first
            }
            if first { onFirstRead?(blob) }
        }

        /// Called once per next version of `blob` as it is read: the kept
        /// version, when its reader put it here first. The last next version
        /// to be read lets it go.
        func take(_ blob: Int32) -> Version? {
            state.withLock { state in
                guard let left = state.remaining[blob] else { return nil }
                let version = state.versions[blob]
                if left > 1 {
                    state.remaining[blob] = left - 1
                } else {
                    state.remaining[blob] = nil
                    if let version {
                        state.versions[blob] = nil
                        state.bytes -= version.bytes.count
                    }
                }
                return version
            }
        }

        /// Bytes held now (all are let go once every next version is read).
        var heldBytes: Int { state.withLock { $0.bytes } }
    }
}
