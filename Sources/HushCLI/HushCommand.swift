import ArgumentParser

/// The `hush` command line: scanner, rules, vault.
public struct HushCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "hush",
        abstract: "Find credentials in repositories and move them into a sealed store.",
        version: HushVersion.current,
        subcommands: [VaultCommand.self, KeygenCommand.self, HookCommand.self]
    )

    public init() {}
}

/// The version of this build.
public enum HushVersion {
    public static let current = "0.1.0"
}
