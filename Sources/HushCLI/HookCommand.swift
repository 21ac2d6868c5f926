import ArgumentParser
import Foundation

/// `hush hook`: install git integration.
public struct HookCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "hook", abstract: "Install git integration (merge driver, pre-commit and pre-push hooks).",
        subcommands: [HookInstall.self])

    public init() {}
}

/// The kinds of git integration `hush hook install` knows.
///
/// Extension point: add a case here and a branch in `HookInstall.run()`. `pre-commit` and `pre-push` are reserved
/// for the scanner's hooks, which are implemented separately.
enum HookKind: String, ExpressibleByArgument, CaseIterable {
    case mergeDriver = "merge-driver"
    case preCommit = "pre-commit"
    case prePush = "pre-push"
}

struct HookInstall: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "install", abstract: "Install one kind of git integration in a repository.",
        discussion: "merge-driver: registers `hush vault merge` as the git merge driver for the vault file, so "
            + "branches that change different entries merge cleanly (see docs/vault-format.md).")

    @Argument(help: "What to install: \(HookKind.allCases.map(\.rawValue).joined(separator: ", ")).")
    var kind: HookKind

    @Option(help: "The repository (default: the current directory's).") var repo: String = "."

    @Option(help: "The vault path relative to the repository root.") var vault: String = ".hush/vault.yaml"

    @Option(help: "The command git should run (default: the absolute path of this hush).")
    var hushCommand: String?

    func run() throws {
        switch kind {
        case .mergeDriver:
            try installMergeDriver()
        case .preCommit, .prePush:
            printError("hush: error: `hush hook install \(kind.rawValue)` is not available yet")
            throw ExitCode(1)
        }
    }

    private func git(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git", "-C", repo] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            printError("hush: error: git \(arguments.joined(separator: " ")) failed in \(repo)")
            throw ExitCode(1)
        }
        return String(decoding: output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func shellQuote(_ text: String) -> String {
        if text.allSatisfy({ $0.isLetter || $0.isNumber || "/._-+".contains($0) }) { return text }
        return "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    private func installMergeDriver() throws {
        let root = try git(["rev-parse", "--show-toplevel"])
        let command =
            hushCommand
            ?? Self.shellQuote(
                (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
                    ?? CommandLine.arguments[0])
        _ = try git(["config", "merge.hush-vault.name", "hush vault: merge entry by entry"])
        _ = try git(["config", "merge.hush-vault.driver", "\(command) vault merge %O %A %B"])
        let attributes = URL(fileURLWithPath: root).appendingPathComponent(".gitattributes")
        let line = "\(vault) merge=hush-vault -text"
        var text = (try? String(contentsOf: attributes, encoding: .utf8)) ?? ""
        if !text.split(separator: "\n").contains(where: { $0.trimmingCharacters(in: .whitespaces) == line }) {
            if !text.isEmpty && !text.hasSuffix("\n") { text += "\n" }
            text += line + "\n"
            try text.write(to: attributes, atomically: true, encoding: .utf8)
        }
        print("installed the hush-vault merge driver for \(vault) (commit .gitattributes; each clone runs this once)")
    }
}
