import ArgumentParser
import Foundation

/// `hush hook pre-receive`: a server-side hook that rejects pushes adding credentials.
struct PreReceiveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pre-receive",
        abstract: "Server-side hook: reject pushes whose new commits add credentials.",
        discussion: """
            Reads '<old> <new> <ref>' lines on standard input, as git passes them to a pre-receive hook.
            Only commits that no existing ref reaches are scanned (a new branch scans just its new commits);
            deletions pass. Install it as hooks/pre-receive in the server repository:
                #!/bin/sh
                exec hush hook pre-receive
            Exit status: 0 accept, 1 reject (findings are printed redacted), 2 error.
            """
    )

    @Option(help: "The repository (default: the one git's environment names, else the current directory).")
    var repository: String?

    @Flag(name: .shortAndLong, help: "Print no progress or notes.")
    var quiet = false

    func run() throws {
        let input = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
        let updates = try RefUpdate.parsePreReceive(input)
        let environment = ProcessInfo.processInfo.environment
        let fromEnvironment = repository == nil && environment["GIT_DIR"] != nil
        try PushScan.check(
            updates: updates, knownRefs: "refs/", repository: repository ?? ".", fromEnvironment: fromEnvironment,
            hookName: "push", quiet: quiet)
    }
}
