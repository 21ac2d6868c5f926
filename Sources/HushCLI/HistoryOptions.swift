import ArgumentParser
import HushScan

/// `hush scan` options for git history, ranges and the index.
struct HistoryOptions: ParsableArguments {
    @Flag(help: "Scan git history: every blob reachable from any ref, once. The path names the repository.")
    var git = false

    @Option(help: ArgumentHelp("Scan only what the commits in BASE..HEAD add or change.", valueName: "BASE..HEAD"))
    var range: String?

    @Option(help: ArgumentHelp("Scan only what the commits after REF add or change (REF..HEAD).", valueName: "REF"))
    var since: String?

    @Flag(help: "Scan what 'git commit' would record (the index against HEAD).")
    var staged = false

    @Flag(help: "With --git, also scan objects that no ref reaches (dangling commits and blobs).")
    var allObjects = false

    @Flag(
        help: ArgumentHelp(
            "Scan every blob of history whole, not only around what changed since the version before (slower; same findings)."
        ))
    var wholeBlobs = false

    /// Whether any history option was given.
    var isGitScan: Bool { git || range != nil || since != nil || staged || allObjects }

    func validate() throws {
        let modes = [range != nil, since != nil, staged].filter { $0 }.count
        if modes > 1 { throw ValidationError("use only one of --range, --since and --staged") }
        if allObjects && modes > 0 { throw ValidationError("--all-objects applies to full-history scans only") }
    }

    /// The part of history these options select.
    var selection: HistorySelection {
        if let range { return .range(range) }
        if let since { return .since(since) }
        if staged { return .staged }
        return .all(unreachable: allObjects)
    }
}
