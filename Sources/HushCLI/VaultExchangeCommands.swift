import ArgumentParser
import Foundation
import HushReport
import HushVault

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

struct VaultExport: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export", abstract: "Print every entry to standard output as env lines or a JSON object.")

    enum Format: String, ExpressibleByArgument, CaseIterable { case env, json }

    @OptionGroup var keys: VaultKeyOptions
    @Option(help: "env (NAME='value' lines) or json.") var format: Format = .env

    func run() throws {
        try runVault {
            let vault = try Vault.open(at: keys.vaultPath, unlock: keys.unlocker())
            warnIfRolledBack(vault)
            var values: [(String, String)] = []
            for name in vault.entryNames { values.append((name, try vault.string(for: name))) }
            switch format {
            case .env:
                for (name, value) in values {
                    print("\(name)='\(value.replacingOccurrences(of: "'", with: "'\\''"))'")
                }
            case .json:
                print(JSONText.object(values))
            }
        }
    }
}

struct VaultEdit: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "edit",
        abstract: "Edit all entries in $EDITOR as a JSON object, then re-seal the changes.",
        discussion: "The decrypted copy lives in a private 0700 folder, in a 0600 file that is overwritten and "
            + "removed afterwards. Entries you delete from the object are removed from the vault.")

    @OptionGroup var keys: VaultKeyOptions

    func run() throws {
        try runVault {
            let unlock = try keys.unlocker()
            let vault = try Vault.open(at: keys.vaultPath, unlock: unlock)
            warnIfRolledBack(vault)
            var original: [String: String] = [:]
            for name in vault.entryNames { original[name] = try vault.string(for: name) }
            let base =
                ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 }
                ?? (FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : "/tmp")
            var template = Array("\(base)/hush-edit-XXXXXX".utf8CString)
            guard template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) != nil else {
                throw VaultError.io(path: base, operation: "creating a private folder in", message: "mkdtemp failed")
            }
            let directory = String(cString: template)
            let file = directory + "/vault.json"
            defer {
                if let handle = FileHandle(forWritingAtPath: file) {
                    let size = handle.seekToEndOfFile()
                    handle.seek(toFileOffset: 0)
                    handle.write(Data(count: Int(size)))
                    handle.synchronizeFile()
                    handle.closeFile()
                }
                try? FileManager.default.removeItem(atPath: directory)
            }
            let text = JSONText.object(original.keys.sorted().map { ($0, original[$0]!) }) + "\n"
            guard
                FileManager.default.createFile(
                    atPath: file, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600])
            else { throw VaultError.io(path: file, operation: "writing", message: "cannot create the file") }
            let environment = ProcessInfo.processInfo.environment
            let editor = [environment["VISUAL"], environment["EDITOR"]].compactMap { $0 }.first { !$0.isEmpty } ?? "vi"
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", "\(editor) \"$1\"", "sh", file]
            try process.run()
            process.waitUntilExit()
            guard process.terminationStatus == 0 else {
                printError("hush: the editor exited with status \(process.terminationStatus); nothing was changed")
                throw ExitCode(1)
            }
            let data = try Data(contentsOf: URL(fileURLWithPath: file))
            guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
                printError("hush: error: the edited file is not a JSON object of strings; nothing was changed")
                throw ExitCode(1)
            }
            var edited: [String: String] = [:]
            for (name, value) in object {
                guard let text = value as? String else {
                    printError("hush: error: the value of '\(name)' is not a string; nothing was changed")
                    throw ExitCode(1)
                }
                guard Vault.isValidName(name) else { throw VaultError.invalidEntryName(name: name) }
                edited[name] = text
            }
            let changed = edited.filter { original[$0.key] != $0.value }
            let removed = original.keys.filter { edited[$0] == nil }
            if changed.isEmpty && removed.isEmpty {
                print("no changes")
                return
            }
            try Vault.modify(at: keys.vaultPath, unlock: unlock) { vault in
                for (name, value) in changed { try vault.set(name, value: Array(value.utf8), source: nil) }
                for name in removed where vault.entryNames.contains(name) { try vault.remove(name) }
            }
            print("updated \(changed.count), removed \(removed.count)")
        }
    }
}

struct VaultRecipients: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recipients", abstract: "List, add or remove who can open the vault.",
        subcommands: [List.self, Add.self, Remove.self], defaultSubcommand: List.self)

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List recipients.")
        @OptionGroup var keys: VaultKeyOptions

        func run() throws {
            try runVault {
                let vault = try Vault.open(at: keys.vaultPath, unlock: keys.unlocker())
                for recipient in vault.recipients {
                    print(
                        recipient.label.isEmpty ? recipient.recipient : "\(recipient.recipient)\t# \(recipient.label)")
                }
            }
        }
    }

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add",
            abstract: "Seal the data key for another recipient (age1…, 'ssh-ed25519 …', or passphrase).")
        @OptionGroup var keys: VaultKeyOptions
        @Argument(help: "age1…, 'ssh-ed25519 AAAA… [comment]', a file holding one, or the word 'passphrase'.")
        var recipient: String
        @Option(help: "A label, e.g. whose key this is.") var label: String?

        func run() throws {
            try runVault {
                var text = recipient
                if FileManager.default.fileExists(atPath: recipient),
                    let contents = try? String(contentsOfFile: recipient, encoding: .utf8)
                {
                    text = contents.trimmingCharacters(in: .whitespacesAndNewlines)
                }
                let parsed = try VaultRecipient(parsing: text)
                var defaultLabel = ""
                if case .sshEd25519(let ssh) = parsed { defaultLabel = ssh.comment }
                try Vault.modify(at: keys.vaultPath, unlock: keys.unlocker(newPassphrase: parsed == .passphrase)) {
                    try $0.addRecipient(parsed, label: label ?? defaultLabel)
                }
                print("added \(parsed.description)")
            }
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rm", abstract: "Remove a recipient (by key or label) and rotate the data key.")
        @OptionGroup var keys: VaultKeyOptions
        @Argument(help: "The recipient string, or its label.") var recipient: String

        func run() throws {
            try runVault {
                try Vault.modify(at: keys.vaultPath, unlock: keys.unlocker()) {
                    try $0.removeRecipient(matching: recipient)
                }
                print("removed \(recipient) and rotated the data key")
            }
        }
    }
}

struct VaultMergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract:
            "git merge driver: merge two vault versions entry by entry "
            + "(installed by `hush hook install merge-driver`).",
        discussion: "Writes the result to OURS. Exits 0 on a clean merge, 1 on conflicts or when no key can open "
            + "the vault, so git reports a conflict.")

    @OptionGroup var keys: VaultKeyOptions
    @Argument(help: "The common ancestor (%O).") var base: String
    @Argument(help: "Our version (%A); receives the result.") var ours: String
    @Argument(help: "Their version (%B).") var theirs: String

    func run() throws {
        do {
            let outcome = try VaultMerge.merge(base: base, ours: ours, theirs: theirs, unlock: keys.unlocker())
            if !outcome.takenFromTheirs.isEmpty {
                printError(
                    "hush: vault merge took from the other side: \(outcome.takenFromTheirs.joined(separator: ", "))")
            }
            if outcome.recipientsChanged { printError("hush: vault merge combined recipient changes from both sides") }
            if !outcome.conflicts.isEmpty {
                printError(
                    "hush: vault merge CONFLICT: " + VaultError.mergeConflict(names: outcome.conflicts).description)
                printError(
                    "hush: the merged vault keeps our version of these entries. Set the right value with "
                        + "`hush vault set NAME`, then `git add` the vault to finish the merge.")
                throw ExitCode(1)
            }
        } catch let error as VaultError {
            printError("hush: vault merge failed, leaving our version for you to resolve: \(error.description)")
            if case .noMatchingKey = error {
                printError("hush: the merge driver needs a key: set HUSH_IDENTITY or HUSH_PASSPHRASE and merge again")
            }
            throw ExitCode(1)
        }
    }
}
