import ArgumentParser
import Foundation
import HushVault

/// `hush vault`: the sealed secret store.
public struct VaultCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "vault",
        abstract: "Keep secrets in a sealed file that teams can commit, review, merge and rotate.",
        discussion: "Format and threat model: docs/vault-format.md.",
        subcommands: [
            VaultInit.self, VaultSet.self, VaultGet.self, VaultList.self, VaultRemove.self, VaultRotate.self,
            VaultVerify.self, VaultExport.self, VaultEdit.self, VaultRecipients.self, VaultMergeCommand.self,
        ])

    public init() {}
}

struct VaultInit: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init", abstract: "Create an empty vault sealed for the given recipients.")

    @OptionGroup var keys: VaultKeyOptions

    @Option(
        name: [.customShort("r"), .customLong("recipient")],
        help: "An age1… or 'ssh-ed25519 AAAA…' recipient (repeatable).")
    var recipients: [String] = []

    @Option(
        name: [.customShort("R"), .customLong("recipients-file")],
        help: "A file of recipients, one per line (e.g. a .pub file).")
    var recipientFiles: [String] = []

    @Flag(name: .customLong("passphrase"), help: "Also let a passphrase open the vault.")
    var addPassphrase = false

    func run() throws {
        try runVault {
            var list: [VaultRecipient] = []
            for text in recipients { list.append(try VaultRecipient(parsing: text)) }
            for file in recipientFiles {
                let text = try String(contentsOfFile: file, encoding: .utf8)
                for line in text.split(separator: "\n")
                where !line.hasPrefix("#") && !line.trimmingCharacters(in: .whitespaces).isEmpty {
                    list.append(try VaultRecipient(parsing: String(line)))
                }
            }
            if list.isEmpty && !addPassphrase, let path = keys.identityPath {
                for identity in try VaultUnlocker.loadIdentities(path) {
                    if let x = identity as? AgeX25519Identity { list.append(.x25519(x.recipient)) }
                    if let s = identity as? AgeSSHEd25519Identity { list.append(.sshEd25519(s.recipient)) }
                }
                printError("hush: sealing for the identity in \(path)")
            }
            if addPassphrase || list.isEmpty { list.append(.passphrase) }
            let vault = try Vault.create(
                at: keys.vaultPath, recipients: list, unlock: keys.unlocker(newPassphrase: true))
            let ignore = URL(fileURLWithPath: keys.vaultPath).deletingLastPathComponent().appendingPathComponent(
                ".gitignore")
            if !FileManager.default.fileExists(atPath: ignore.path) {
                try? "# hush lock and temporary files\n.*.lock\n.*.tmp-*\n".write(
                    to: ignore, atomically: true, encoding: .utf8)
            }
            print("created \(vault.path) for \(list.count) recipient\(list.count == 1 ? "" : "s")")
        }
    }
}

struct VaultSet: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "set",
        abstract:
            "Set an entry. The value comes from a no-echo prompt, or from standard input when it is not a terminal.",
        discussion: "Values are never taken from the command line, where other users could see them through `ps`.")

    @OptionGroup var keys: VaultKeyOptions
    @Argument(help: "The entry name.") var name: String
    @Option(help: "Where the secret came from (kept in clear, e.g. config/db.yml:12).") var source: String?
    @Option(help: "Read the value from this file instead.") var fromFile: String?
    @Flag(help: "Keep a trailing newline read from standard input.") var keepNewline = false

    func run() throws {
        try runVault {
            guard Vault.isValidName(name) else { throw VaultError.invalidEntryName(name: name) }
            var value: [UInt8]
            if let fromFile {
                value = try Array(Data(contentsOf: URL(fileURLWithPath: fromFile)))
            } else if Terminal.stdinIsTTY {
                guard let typed = try Terminal.readSecret(prompt: "Value for \(name): ", confirm: true) else {
                    throw ValidationError("no terminal to read the value from")
                }
                value = typed
            } else {
                value = Array(FileHandle.standardInput.readDataToEndOfFile())
                if !keepNewline {
                    if value.last == 0x0A { value.removeLast() }
                    if value.last == 0x0D { value.removeLast() }
                }
            }
            defer { for i in value.indices { value[i] = 0 } }
            try Vault.modify(at: keys.vaultPath, unlock: keys.unlocker()) { vault in
                warnIfRolledBack(vault)
                try vault.set(name, value: value, source: source)
            }
        }
    }
}

struct VaultGet: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "get", abstract: "Print an entry's value.")

    @OptionGroup var keys: VaultKeyOptions
    @Argument(help: "The entry name.") var name: String

    func run() throws {
        try runVault {
            let vault = try Vault.open(at: keys.vaultPath, unlock: keys.unlocker())
            warnIfRolledBack(vault)
            var value = try vault.value(for: name)
            if Terminal.stdoutIsTTY { value.append(0x0A) }
            writeStdout(value)
            for i in value.indices { value[i] = 0 }
        }
    }
}

struct VaultList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List entry names and metadata.")

    @OptionGroup var keys: VaultKeyOptions
    @Flag(name: .shortAndLong, help: "Show created/updated times and sources.") var long = false

    func run() throws {
        try runVault {
            let vault = try Vault.open(at: keys.vaultPath, unlock: keys.unlocker())
            warnIfRolledBack(vault)
            for name in vault.entryNames {
                if long, let meta = vault.metadata(for: name) {
                    print("\(name)\tcreated \(meta.created)\tupdated \(meta.updated)\t\(meta.source)")
                } else {
                    print(name)
                }
            }
        }
    }
}

struct VaultRemove: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "rm", abstract: "Remove an entry.")

    @OptionGroup var keys: VaultKeyOptions
    @Argument(help: "The entry name.") var name: String

    func run() throws {
        try runVault {
            try Vault.modify(at: keys.vaultPath, unlock: keys.unlocker()) { try $0.remove(name) }
        }
    }
}

struct VaultRotate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rotate", abstract: "Replace the data key and re-seal every value and envelope.")

    @OptionGroup var keys: VaultKeyOptions

    func run() throws {
        try runVault {
            try Vault.modify(at: keys.vaultPath, unlock: keys.unlocker()) { try $0.rotateDataKey() }
            print("rotated the data key of \(keys.vaultPath)")
        }
    }
}

struct VaultVerify: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check the store MAC, every value, and the generation against the newest seen on this machine.")

    @OptionGroup var keys: VaultKeyOptions
    @Flag(help: "Accept a generation older than one seen before (e.g. on purpose, on an older branch).")
    var acceptRollback = false

    func run() throws {
        try runVault {
            let vault = try Vault.open(at: keys.vaultPath, unlock: keys.unlocker())
            let count = try vault.verifyAllValues()
            if case .rolledBack(let lastSeen) = vault.rollbackStatus, !acceptRollback {
                throw VaultError.rollbackDetected(path: vault.path, found: vault.generation, lastSeen: lastSeen)
            }
            print(
                "ok: \(vault.path): \(count) entr\(count == 1 ? "y" : "ies"), \(vault.recipients.count) recipient"
                    + "\(vault.recipients.count == 1 ? "" : "s"), generation \(vault.generation)")
        }
    }
}
