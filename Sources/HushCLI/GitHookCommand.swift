import ArgumentParser
import Foundation

/// `hush hook`: install git hooks that run hush, and the hook entry points.
struct GitHookCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hook",
        abstract: "Install or remove git hooks that scan commits and pushes; run server-side checks.",
        subcommands: [Install.self, Uninstall.self, PreReceiveCommand.self, PrePush.self]
    )

    /// `hush hook install pre-commit|pre-push`.
    struct Install: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a git hook that runs hush (pre-commit: staged changes; pre-push: pushed commits).")

        @Argument(help: "pre-commit or pre-push.")
        var kind: HookKind

        @Option(help: "The repository (default: the one around the current directory).")
        var repository: String = "."

        @Flag(help: "Replace an existing hook that hush did not write.")
        var force = false

        func run() throws {
            let installer = try GitHookInstaller(repositoryPath: repository)
            let path = try installer.install(kind.installerKind, force: force)
            print("installed \(kind.rawValue) hook at \(path)")
        }
    }

    /// `hush hook uninstall pre-commit|pre-push`.
    struct Uninstall: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a git hook that hush installed.")

        @Argument(help: "pre-commit or pre-push.")
        var kind: HookKind

        @Option(help: "The repository (default: the one around the current directory).")
        var repository: String = "."

        func run() throws {
            let installer = try GitHookInstaller(repositoryPath: repository)
            let path = try installer.uninstall(kind.installerKind)
            print("removed \(kind.rawValue) hook \(path)")
        }
    }

    /// `hush hook pre-push REMOTE [URL]`: what the installed pre-push hook runs.
    struct PrePush: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "pre-push",
            abstract: "Pre-push hook: scan the commits being pushed (reads git's pre-push input on stdin).")

        @Argument(help: "The remote's name, as git passes it.")
        var remote: String = "origin"

        @Argument(help: "The remote's URL (unused).")
        var url: String?

        @Option(help: "The repository (default: the one around the current directory).")
        var repository: String = "."

        @Flag(name: .shortAndLong, help: "Print no progress or notes.")
        var quiet = false

        func run() throws {
            let input = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
            let updates = try RefUpdate.parsePrePush(input)
            // Commits the remote already has (as far as we know) are not scanned again.
            try PushScan.check(
                updates: updates, knownRefs: "refs/remotes/", repository: repository,
                fromEnvironment: false, hookName: "pre-push", quiet: quiet)
        }
    }

    enum HookKind: String, ExpressibleByArgument, CaseIterable {
        case preCommit = "pre-commit"
        case prePush = "pre-push"

        var installerKind: GitHookInstaller.Kind {
            switch self {
            case .preCommit: .preCommit
            case .prePush: .prePush
            }
        }
    }
}
