import ArgumentParser
import Foundation
import HushReport
import HushScan
import HushSources

/// Errors from installing or removing git hooks (exit status 2).
enum GitHookError: Error, CustomStringConvertible {
    case foreignHook(path: String)
    case notInstalled(path: String)
    case cannotWrite(path: String, reason: String)
    case badInput(String)

    var description: String {
        switch self {
        case .foreignHook(let path):
            "'\(path)' exists and was not installed by hush; move it aside, chain it yourself, "
                + "or pass --force to replace it"
        case .notInstalled(let path):
            "no hush-managed hook at '\(path)'; nothing to uninstall"
        case .cannotWrite(let path, let reason):
            "cannot write '\(path)': \(reason)"
        case .badInput(let line):
            "unexpected hook input line '\(line)'; git passes '<old> <new> <ref>' (pre-receive) or "
                + "'<local ref> <local sha> <remote ref> <remote sha>' (pre-push)"
        }
    }
}

/// Installs and removes the client-side hooks that run hush.
///
/// Hook files written here carry a `# hush-managed-hook` line; only such
/// files are overwritten or removed without `--force`.
struct GitHookInstaller {
    /// The client-side hooks hush can install.
    enum Kind: String, CaseIterable {
        case preCommit = "pre-commit"
        case prePush = "pre-push"
    }

    /// The line that marks a hook as ours.
    static let marker = "# hush-managed-hook"

    /// The hooks directory of the repository.
    let hooksDirectory: String
    /// The hush executable the hook calls (falls back to `hush` on PATH).
    let executable: String

    init(repositoryPath: String, executable: String = GitHookInstaller.currentExecutable()) throws {
        let repository = try GitRepository(path: repositoryPath)
        hooksDirectory =
            repository.hooksDirectory.hasSuffix("/")
            ? String(repository.hooksDirectory.dropLast()) : repository.hooksDirectory
        self.executable = executable
    }

    /// The path of the hook file for `kind`.
    func path(for kind: Kind) -> String { hooksDirectory + "/" + kind.rawValue }

    /// Whether the file at `path` is a hook that hush wrote.
    static func isManaged(_ path: String) -> Bool {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return false }
        return text.split(separator: "\n").contains { $0.trimmingCharacters(in: .whitespaces) == marker }
    }

    /// Writes the hook; refuses to replace a hook hush did not write unless `force`.
    @discardableResult
    func install(_ kind: Kind, force: Bool) throws -> String {
        let target = path(for: kind)
        if FileManager.default.fileExists(atPath: target), !Self.isManaged(target), !force {
            throw GitHookError.foreignHook(path: target)
        }
        do {
            try FileManager.default.createDirectory(atPath: hooksDirectory, withIntermediateDirectories: true)
            try AtomicFile.write(Data(script(for: kind).utf8), to: target, mode: 0o755)
        } catch {
            throw GitHookError.cannotWrite(path: target, reason: "\(error)")
        }
        return target
    }

    /// Removes the hook if hush wrote it.
    @discardableResult
    func uninstall(_ kind: Kind) throws -> String {
        let target = path(for: kind)
        guard FileManager.default.fileExists(atPath: target), Self.isManaged(target) else {
            throw GitHookError.notInstalled(path: target)
        }
        do {
            try FileManager.default.removeItem(atPath: target)
        } catch {
            throw GitHookError.cannotWrite(path: target, reason: "\(error)")
        }
        return target
    }

    /// The shell script for `kind`.
    func script(for kind: Kind) -> String {
        let quoted = "'" + executable.replacingOccurrences(of: "'", with: "'\\''") + "'"
        let header = """
            #!/bin/sh
            \(Self.marker)
            # Installed by 'hush hook install \(kind.rawValue)'; remove with 'hush hook uninstall \(kind.rawValue)'.
            HUSH=${HUSH:-\(quoted)}
            command -v "$HUSH" >/dev/null 2>&1 || HUSH=hush

            """
        switch kind {
        case .preCommit:
            return header + """
                # Blocks commits whose staged changes add credentials (skip once: git commit --no-verify).
                exec "$HUSH" scan --git --staged "$(git rev-parse --show-toplevel)"

                """
        case .prePush:
            return header + """
                # Scans the commits being pushed; git passes the lines
                # '<local ref> <local sha> <remote ref> <remote sha>' on stdin.
                exec "$HUSH" hook pre-push "$@"

                """
        }
    }

    /// The absolute path of the running hush binary.
    static func currentExecutable() -> String {
        let argument = CommandLine.arguments.first ?? "hush"
        if argument.contains("/") {
            return URL(fileURLWithPath: argument).standardizedFileURL.resolvingSymlinksInPath().path
        }
        return "hush"
    }
}

/// One ref update of a push, as git hooks receive it.
struct RefUpdate: Equatable {
    var old: String
    var new: String
    var ref: String

    static let zero = String(repeating: "0", count: 40)

    var isDeletion: Bool { new.allSatisfy { $0 == "0" } }
    var isCreation: Bool { old.allSatisfy { $0 == "0" } }

    /// Parses pre-receive input: `<old> <new> <ref>` per line.
    static func parsePreReceive(_ text: String) throws -> [RefUpdate] {
        try lines(text).map { fields in
            guard fields.count == 3 else { throw GitHookError.badInput(fields.joined(separator: " ")) }
            return RefUpdate(old: fields[0], new: fields[1], ref: fields[2])
        }
    }

    /// Parses pre-push input: `<local ref> <local sha> <remote ref> <remote sha>` per line.
    static func parsePrePush(_ text: String) throws -> [RefUpdate] {
        try lines(text).map { fields in
            guard fields.count == 4 else { throw GitHookError.badInput(fields.joined(separator: " ")) }
            return RefUpdate(old: fields[3], new: fields[1], ref: fields[2])
        }
    }

    private static func lines(_ text: String) -> [[String]] {
        text.split(whereSeparator: \.isNewline).map { $0.split(separator: " ").map(String.init) }.filter {
            !$0.isEmpty
        }
    }
}

/// Scans the commits a push adds and prints a rejection when they hold credentials.
enum PushScan {
    /// Scans `updates`; commits reachable from refs starting with `knownRefs`
    /// are not scanned again. Returns normally when the push may go on.
    static func check(
        updates: [RefUpdate], knownRefs: String, repository: String, fromEnvironment: Bool, hookName: String,
        quiet: Bool
    ) throws {
        let pushed = updates.filter { !$0.isDeletion }
        guard !pushed.isEmpty else { return }
        let selection = HistorySelection.revisions(
            include: pushed.map(\.new), exclude: pushed.filter { !$0.isCreation }.map(\.old),
            excludeRefsUnder: knownRefs)
        let result = try HistoryScanRunner.run(
            repository: repository, selection: selection, maxFileSize: 10 * 1024 * 1024, threads: 0, quiet: quiet,
            fromEnvironment: fromEnvironment)
        guard !result.findings.isEmpty else { return }
        let context = ReportContext(
            revealSecrets: false, color: false, rules: result.rules, toolVersion: HushVersion.current)
        var message = "hush: \(hookName) rejected: \(result.findings.count) credential(s) in the pushed commits.\n\n"
        message += Reporter.render(.text, findings: result.findings, summary: result.summary, context: context)
        message += """

            To resolve: remove each secret from the commits that add it (git rebase -i, git commit --amend),
            rotate the credential (it may already be exposed), then push again.
            If a finding is not a secret, add 'hush:ignore' to its line (or a rule allowlist entry in .hush.yaml),
            commit that, and push again.

            """
        FileHandle.standardError.write(Data(message.utf8))
        throw ExitCode(1)
    }
}
