import ArgumentParser
import Foundation

/// `hush hook`: git integration: hooks that scan commits and pushes, the
/// server-side pre-receive check, and the vault's merge driver.
public struct HookCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "hook",
        abstract: "Install or remove git hooks that scan commits and pushes; run server-side checks; merge vaults.",
        subcommands: [Install.self, Uninstall.self, PreReceiveCommand.self, PrePush.self]
    )

    public init() {}

    /// `hush hook install pre-commit|pre-push|merge-driver`.
    struct Install: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Install git integration in a repository.",
            discussion: """
                pre-commit: a hook that scans staged changes. pre-push: a hook that scans the commits being pushed.
                merge-driver: registers `hush vault merge` for the vault file, so branches that change different
                entries merge cleanly (see docs/vault-format.md).
                """)

        @Argument(help: "pre-commit, pre-push or merge-driver.")
        var kind: InstallKind

        @Option(help: "The repository (default: the one around the current directory).")
        var repository: String = "."

        @Flag(help: "Replace an existing hook that hush did not write.")
        var force = false

        @Option(help: "merge-driver: the vault path relative to the repository root.")
        var vault: String = ".hush/vault.yaml"

        @Option(help: "merge-driver: the command git should run (default: the absolute path of this hush).")
        var hushCommand: String?

        func run() throws {
            guard let hook = kind.hook else {
                try MergeDriverInstaller(repository: repository, vault: vault, hushCommand: hushCommand).install()
                return
            }
            let installer = try GitHookInstaller(repositoryPath: repository)
            let path = try installer.install(hook.installerKind, force: force)
            print("installed \(kind.rawValue) hook at \(path)")
        }
    }

    /// What `hush hook install` can install.
    enum InstallKind: String, ExpressibleByArgument, CaseIterable {
        case preCommit = "pre-commit"
        case prePush = "pre-push"
        case mergeDriver = "merge-driver"

        /// The git hook, or nil for the merge driver.
        var hook: HookKind? { HookKind(rawValue: rawValue) }
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
