import HushSources

/// Turns per-blob findings into per-commit findings.
///
/// A secret is *introduced* by a change (a blob at a path in a commit) when
/// the blob holds it and none of the parents' versions at that path does;
/// a secret that a file merely carries along from its parent is not reported
/// again. Introductions of the same rule and secret are grouped into one
/// finding, attributed to the earliest commit (oldest first, topologically).
struct HistoryAttribution {
    let engine: ScanEngine
    let changeSet: GitChangeSet
    /// Findings per blob index; the paths in them are not meaningful.
    let hits: [Int32: [Finding]]

    struct Key: Hashable {
        var rule: String
        var secret: String
        init(_ finding: Finding) {
            rule = finding.ruleID
            secret = finding.secret
        }
    }

    /// Grouped findings and the flat list of introductions.
    /// `headFile` gives the id of a path's file at HEAD (nil: none);
    /// `commitDetails` reads a commit's author and message (the walk read
    /// only its tree, parents and time).
    func attribute(
        headFile: (String) -> GitObjectID?, scanExtra: (GitObjectID) -> [Finding],
        commitDetails: (GitObjectID) -> GitCommit?
    ) -> (findings: [Finding], introductions: [Finding]) {
        var details: [Int32: GitCommit?] = [:]
        var headKeysByBlob: [GitObjectID: Set<Key>] = [:]
        var headIDs: [String: GitObjectID?] = [:]
        func keysAtHead(_ path: String) -> Set<Key> {
            let lookedUp = headIDs[path] ?? headFile(path)
            headIDs[path] = lookedUp
            guard let id = lookedUp else { return [] }
            if let cached = headKeysByBlob[id] { return cached }
            let found: [Finding]
            if let index = changeSet.index(ofBlob: id) {
                found = hits[index] ?? []
            } else {
                found = scanExtra(id)
            }
            let keys = Set(found.map(Key.init))
            headKeysByBlob[id] = keys
            return keys
        }

        var introductions: [Finding] = []
        for change in changeSet.changes {
            guard let found = hits[change.blob] else { continue }
            let path = changeSet.paths[Int(change.path)]
            if engine.allowlist.allowsPath(path) { continue }
            var inherited = Set<Key>()
            for previous in changeSet.previousBlobs(of: change) {
                for finding in hits[previous] ?? [] { inherited.insert(Key(finding)) }
            }
            for finding in found {
                let key = Key(finding)
                if inherited.contains(key) { continue }
                var introduced = finding
                introduced.path = path
                introduced.fingerprint = engine.fingerprinter.fingerprint(
                    rule: finding.ruleID, path: path, secret: finding.secret)
                if change.commit >= 0 {
                    let id = changeSet.commits[Int(change.commit)].id
                    let commit = details[change.commit] ?? commitDetails(id)
                    details[change.commit] = commit
                    introduced.commit = CommitInfo(
                        id: id.description, author: commit?.author ?? "", email: commit?.email ?? "",
                        date: commit?.time ?? 0, summary: commit?.summary ?? "",
                        presentAtHead: keysAtHead(path).contains(key))
                }
                introductions.append(introduced)
            }
        }

        var findings: [Finding] = []
        var position: [Key: Int] = [:]
        for introduction in introductions {
            let key = Key(introduction)
            guard let index = position[key] else {
                position[key] = findings.count
                findings.append(introduction)
                continue
            }
            findings[index].otherLocations.append(
                Location(path: introduction.path, line: introduction.line, commit: introduction.commit?.id))
            if introduction.commit?.presentAtHead == true { findings[index].commit?.presentAtHead = true }
        }
        return (findings, introductions)
    }
}
