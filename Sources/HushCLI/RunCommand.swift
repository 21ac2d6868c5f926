import ArgumentParser
import Foundation
import HushMigrate
import HushVault

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `hush run -- CMD ARGS…`: resolve references in env files and the environment, then exec CMD.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a command with hush:vault references in its environment resolved.",
        discussion: """
            Variables come from the current environment, then each --env-file in order (later ones win). Every
            value holding a hush:vault reference is resolved through the vault; if any cannot be, hush prints
            which variable and entry and exits 2 without starting the command. Otherwise hush execs the command,
            so signals reach it directly and its exit status is hush's.
            """)

    @OptionGroup var keys: VaultKeyOptions
    @Option(name: .customLong("env-file"), help: "A KEY=VALUE file to load (repeatable).") var envFiles: [String] = []
    @Argument(parsing: .postTerminator, help: "The command and its arguments, after --.") var command: [String] = []

    func validate() throws {
        guard !command.isEmpty else { throw ValidationError("give the command after --, e.g. hush run -- env") }
    }

    func run() throws {
        var variables: [(String, String)] = []
        var index: [String: Int] = [:]
        func set(_ name: String, _ value: String) {
            if let at = index[name] {
                variables[at].1 = value
            } else {
                index[name] = variables.count
                variables.append((name, value))
            }
        }
        for (name, value) in ProcessInfo.processInfo.environment.sorted(by: { $0.key < $1.key }) { set(name, value) }
        for file in envFiles {
            for (name, value) in try EnvFile.parse(DurableFile.read(file), path: file) { set(name, value) }
        }
        var resolver = ReferenceResolver(keys: keys)
        var changed: [(String, String)] = []
        for (name, value) in variables {
            let resolved = try resolver.resolve(Array(value.utf8), place: "variable \(name)")
            let text = String(decoding: resolved, as: UTF8.self)
            if text != ProcessInfo.processInfo.environment[name] { changed.append((name, text)) }
        }
        for (name, value) in changed { setenv(name, value, 1) }
        var argv: [UnsafeMutablePointer<CChar>?] = command.map { strdup($0) }
        argv.append(nil)
        execvp(command[0], &argv)
        printError("hush: error: cannot run \(command[0]): \(String(cString: strerror(errno)))")
        throw ExitCode(127)
    }
}

/// `.env` files: `KEY=VALUE` lines, optional `export `, `#` comments, values unquoted (a ` #` starts a
/// comment), in double quotes (`\n`, `\"`, `\\` escapes) or in single quotes (literal).
enum EnvFile {
    static func parse(_ bytes: [UInt8], path: String) throws -> [(String, String)] {
        var out: [(String, String)] = []
        var text = String(decoding: bytes, as: UTF8.self).replacingOccurrences(of: "\r\n", with: "\n")
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        for (number, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.hasPrefix("export ") { line = String(line.dropFirst(7)).trimmingCharacters(in: .whitespaces) }
            guard let equals = line.firstIndex(of: "=") else {
                throw ValidationError("\(path):\(number + 1): expected KEY=VALUE")
            }
            let name = line[..<equals].trimmingCharacters(in: .whitespaces)
            var value = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            if value.hasPrefix("\""), let close = value.dropFirst().lastIndex(of: "\"") {
                value = String(value[value.index(after: value.startIndex)..<close])
                value = value.replacingOccurrences(of: "\\n", with: "\n").replacingOccurrences(of: "\\\"", with: "\"")
                    .replacingOccurrences(of: "\\\\", with: "\\")
            } else if value.hasPrefix("'"), let close = value.dropFirst().lastIndex(of: "'") {
                value = String(value[value.index(after: value.startIndex)..<close])
            } else if let comment = value.range(of: " #") {
                value = value[..<comment.lowerBound].trimmingCharacters(in: .whitespaces)
            }
            out.append((name, value))
        }
        return out
    }
}
