import ArgumentParser
import Foundation

/// The `hush` command line: scanner, rules, vault.
public struct HushCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "hush",
        abstract: "Find credentials in repositories and move them into a sealed store.",
        version: HushVersion.current,
        subcommands: [
            ScanCommand.self, BaselineCommand.self, RulesCommand.self, VaultCommand.self, KeygenCommand.self,
            HookCommand.self, MigrateCommand.self, RunCommand.self, RenderCommand.self, AuditCommand.self,
            TriageCommand.self, ReportCommand.self,
        ]
    )

    public init() {}

    /// Parses the arguments, runs the command and exits with Hush's codes:
    /// 0 success or no findings, 1 findings, 2 any error.
    public static func runAndExit(_ arguments: [String]? = nil) -> Never {
        do {
            var command = try parseAsRoot(arguments)
            try command.run()
            Foundation.exit(0)
        } catch let code as ExitCode {
            Foundation.exit(code.rawValue)
        } catch {
            let exitCode = Self.exitCode(for: error)
            if exitCode == .success {
                print(fullMessage(for: error))
                Foundation.exit(0)
            }
            // Usage mistakes get ArgumentParser's message with the usage line;
            // Hush's own errors read "error: <what to do>".
            let message = exitCode == .validationFailure ? fullMessage(for: error) : "error: \(error)"
            FileHandle.standardError.write(Data((message + "\n").utf8))
            Foundation.exit(2)
        }
    }
}

/// The version of this build.
public enum HushVersion {
    public static let current = "0.1.0"
}
