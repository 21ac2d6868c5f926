import Foundation
import HushCrypto

/// Three-way merge of vault files, entry by entry (used by the git merge driver).
public enum VaultMerge {
    /// What a merge did.
    public struct Outcome: Equatable {
        /// Entries changed differently on both sides; the result keeps our version of each.
        public var conflicts: [String]
        /// Entries taken from their side (added, changed or removed there).
        public var takenFromTheirs: [String]
        /// Whether the recipient set changed (and so whether the data key was rotated or rewrapped).
        public var recipientsChanged: Bool
    }

    private struct Plain: Equatable {
        var value: [UInt8]
        var source: String
    }

    private static func snapshot(_ vault: Vault) throws -> [String: Plain] {
        var out: [String: Plain] = [:]
        for name in vault.entryNames {
            out[name] = Plain(value: try vault.value(for: name), source: vault.metadata(for: name)!.source)
        }
        return out
    }

    /// Merges `theirsPath` into `oursPath` with `basePath` as the common ancestor (an empty or missing base means
    /// both sides added the file). The result is re-sealed under our data key with a new MAC and written to
    /// `oursPath`, even when there are conflicts (which keep our version and are listed in the outcome).
    ///
    /// - Throws: `VaultError.noMatchingKey` and friends when a side cannot be opened; nothing is written then.
    public static func merge(
        base basePath: String, ours oursPath: String, theirs theirsPath: String, unlock: VaultUnlocker
    )
        throws -> Outcome
    {
        let ours = try Vault.load(bytes: AtomicFile.readFile(oursPath), path: oursPath, unlock: unlock)
        let theirs = try Vault.load(
            bytes: AtomicFile.readFile(theirsPath), path: theirsPath, unlock: unlock, candidateKeys: [ours.dataKey])
        let baseBytes = (try? AtomicFile.readFile(basePath)) ?? []
        let base =
            baseBytes.isEmpty
            ? nil
            : try Vault.load(
                bytes: baseBytes, path: basePath, unlock: unlock, candidateKeys: [ours.dataKey, theirs.dataKey])
        guard ours.storeID == theirs.storeID, base == nil || base!.storeID == ours.storeID else {
            throw VaultError.differentStores
        }
        let o = try snapshot(ours), t = try snapshot(theirs), b = try base.map(snapshot) ?? [:]
        var outcome = Outcome(conflicts: [], takenFromTheirs: [], recipientsChanged: false)
        let names = Set(o.keys).union(t.keys).union(b.keys).sorted {
            Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8))
        }
        for name in names {
            let (bv, ov, tv) = (b[name], o[name], t[name])
            if ov == tv || tv == bv { continue }  // same on both sides, or only we changed it
            if ov == bv {  // only they changed it
                if tv != nil {
                    try ours.set(name, value: tv!.value, metadata: theirs.metadata(for: name))
                } else {
                    try ours.remove(name)
                }
                outcome.takenFromTheirs.append(name)
            } else {
                outcome.conflicts.append(name)
            }
        }
        // Recipients: three-way on the recipient strings.
        let oR = Set(ours.recipients.map(\.recipient)), tR = Set(theirs.recipients.map(\.recipient))
        let bR = Set(base?.recipients.map(\.recipient) ?? [])
        let merged = oR.union(tR).filter { bR.contains($0) ? (oR.contains($0) && tR.contains($0)) : true }
        let removed = oR.subtracting(merged), added = merged.subtracting(oR)
        if !removed.isEmpty || !added.isEmpty {
            outcome.recipientsChanged = true
            ours.recipientRecords.removeAll { removed.contains($0.recipient) }
            for record in theirs.recipientRecords where added.contains(record.recipient) {
                try ours.addRecipient(VaultRecipient(parsing: record.recipient), label: record.label)
            }
            if !removed.isEmpty { try ours.rotateDataKey() }
        }
        let generation = max(ours.generation, theirs.generation, base?.generation ?? 0) + 1
        try ours.write(to: oursPath, generation: generation)
        GenerationRecord(vaultPath: oursPath).record(storeID: ours.storeID, generation: generation)
        return outcome
    }
}
