import Foundation

/// Registers `hush vault merge` as the git merge driver for the vault file,
/// so branches that change different entries merge without conflicts.
struct MergeDriverInstaller {
    /// The repository (any folder inside it).
    var repository: String
    /// The vault path relative to the repository root.
    var vault: String
    /// The command git should run; default: the absolute path of this hush.
    var hushCommand: String?

    func install() throws {
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

    private func git(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git", "-C", repository] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw CLIError.git("git \(arguments.joined(separator: " ")) failed in \(repository)")
        }
        return String(decoding: output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func shellQuote(_ text: String) -> String {
        if text.allSatisfy({ $0.isLetter || $0.isNumber || "/._-+".contains($0) }) { return text }
        return "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
