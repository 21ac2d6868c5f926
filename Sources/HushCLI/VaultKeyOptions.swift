import ArgumentParser
import Foundation
import HushVault

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Where the vault is and which keys open it; shared by every `hush vault` subcommand.
struct VaultKeyOptions: ParsableArguments {
    @Option(name: .long, help: "The vault file (default: $HUSH_VAULT or .hush/vault.yaml).")
    var vault: String?

    @Option(
        name: [.customShort("i"), .long],
        help: ArgumentHelp(
            "An identity file: age (AGE-SECRET-KEY-1…) or OpenSSH ed25519 (default: $HUSH_IDENTITY, then "
                + "~/.config/hush/identity.txt if it exists)."))
    var identity: String?

    @Option(name: .long, help: "Read the passphrase from this file (else $HUSH_PASSPHRASE, else a prompt).")
    var passphraseFile: String?

    var vaultPath: String {
        vault ?? ProcessInfo.processInfo.environment["HUSH_VAULT"].flatMap { $0.isEmpty ? nil : $0 }
            ?? Vault.defaultPath
    }

    /// The identity file to use: --identity, $HUSH_IDENTITY, or the default path if it exists.
    var identityPath: String? {
        if let identity { return identity }
        if let env = ProcessInfo.processInfo.environment["HUSH_IDENTITY"], !env.isEmpty { return env }
        let path = KeygenCommand.defaultIdentityPath
        return FileManager.default.fileExists(atPath: path) ? path : nil
    }

    /// Builds the unlocker. With `newPassphrase`, a prompted passphrase is asked twice.
    func unlocker(newPassphrase: Bool = false) throws -> VaultUnlocker {
        var identities: [AgeIdentity] = []
        var sources: [String] = []
        if let path = identityPath {
            identities = try VaultUnlocker.loadIdentities(path)
            sources.append("identity file \(path)")
        }
        let passphraseFile = self.passphraseFile
        let provider: () throws -> [UInt8]? = {
            if let passphraseFile {
                var bytes = try Array(Data(contentsOf: URL(fileURLWithPath: passphraseFile)))
                while let last = bytes.last, last == 0x0A || last == 0x0D { bytes.removeLast() }
                return bytes
            }
            if let env = ProcessInfo.processInfo.environment["HUSH_PASSPHRASE"] { return Array(env.utf8) }
            return try Terminal.readSecret(prompt: "Vault passphrase: ", confirm: newPassphrase)
        }
        if passphraseFile != nil { sources.append("passphrase file \(passphraseFile!)") }
        if ProcessInfo.processInfo.environment["HUSH_PASSPHRASE"] != nil { sources.append("$HUSH_PASSPHRASE") }
        return VaultUnlocker(
            identities: identities, passphrase: provider,
            sourceDescription: sources.isEmpty ? "the passphrase" : sources.joined(separator: " and "))
    }
}

/// Reading secrets from the controlling terminal without echo.
enum Terminal {
    /// Whether standard input is a terminal.
    static var stdinIsTTY: Bool { isatty(0) == 1 }
    static var stdoutIsTTY: Bool { isatty(1) == 1 }

    /// Reads a line from /dev/tty with echo off; nil if there is no terminal.
    static func readSecret(prompt: String, confirm: Bool = false) throws -> [UInt8]? {
        let fd = open("/dev/tty", O_RDWR | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        func ask(_ text: String) -> [UInt8] {
            var saved = termios()
            let hasTermios = tcgetattr(fd, &saved) == 0
            if hasTermios {
                var quiet = saved
                quiet.c_lflag &= ~tcflag_t(ECHO)
                tcsetattr(fd, TCSAFLUSH, &quiet)
            }
            defer {
                if hasTermios { tcsetattr(fd, TCSAFLUSH, &saved) }
                _ = write(fd, "\n", 1)
            }
            _ = text.withCString { write(fd, $0, strlen($0)) }
            var line: [UInt8] = []
            var byte: UInt8 = 0
            while read(fd, &byte, 1) == 1, byte != 0x0A, byte != 0x0D { line.append(byte) }
            return line
        }
        let first = ask(prompt)
        if confirm {
            guard ask("Confirm: ") == first else { throw ValidationError("the two entries did not match") }
        }
        return first
    }
}

/// Prints to standard error.
func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

/// Runs a vault operation, turning a `VaultError` into a clear message and its exit code.
func runVault(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let error as VaultError {
        printError("hush: error: \(error.description)")
        throw ExitCode(error.exitCode)
    } catch let error as AgeError {
        printError("hush: error: \(error.description)")
        throw ExitCode(1)
    }
}

/// Warns about a store older than the newest seen here.
func warnIfRolledBack(_ vault: Vault) {
    if case .rolledBack(let lastSeen) = vault.rollbackStatus {
        printError(
            "hush: warning: "
                + VaultError.rollbackDetected(path: vault.path, found: vault.generation, lastSeen: lastSeen).description
        )
    }
}

/// Writes bytes to standard output.
func writeStdout(_ bytes: [UInt8]) {
    FileHandle.standardOutput.write(Data(bytes))
}
