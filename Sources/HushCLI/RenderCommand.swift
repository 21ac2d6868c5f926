import ArgumentParser
import Foundation
import HushMigrate
import HushVault

/// Resolves `hush:vault/NAME` references through a vault, for `hush render` and `hush run`.
struct ReferenceResolver {
    let keys: VaultKeyOptions
    private var vault: Vault?

    init(keys: VaultKeyOptions) { self.keys = keys }

    /// `bytes` with its references replaced by their values; `place` names where they are, for errors.
    mutating func resolve(_ bytes: [UInt8], place: String) throws -> [UInt8] {
        guard !VaultReference.occurrences(in: bytes).isEmpty else { return bytes }
        if vault == nil {
            do {
                vault = try Vault.open(at: keys.vaultPath, unlock: try keys.unlocker())
            } catch let error as VaultError {
                printError("hush: error: \(place) holds vault references, but: \(error.description)")
                throw ExitCode(error.exitCode == 1 ? 2 : error.exitCode)
            }
            if let vault { warnIfRolledBack(vault) }
        }
        let vault = self.vault!
        return try VaultReference.resolve(bytes) { name in
            guard vault.metadata(for: name) != nil else { throw MigrationError.missingEntry(name: name, in: place) }
            return try vault.value(for: name)
        }
    }
}

/// `hush render FILE`: a copy of a file with its references resolved.
struct RenderCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render",
        abstract: "Write a copy of FILE with its hush:vault references replaced by the secrets.",
        discussion: "Prints to standard output unless -o is given; output files are created with mode 0600.")

    @OptionGroup var keys: VaultKeyOptions
    @Argument(help: "The file to render.") var file: String
    @Option(name: [.customShort("o"), .long], help: "Write here instead of standard output.") var output: String?

    func run() throws {
        let bytes = try DurableFile.read(file)
        var resolver = ReferenceResolver(keys: keys)
        let resolved = try resolver.resolve(bytes, place: file)
        if let output {
            try DurableFile.write(resolved, to: output, mode: 0o600)
        } else {
            writeStdout(resolved)
        }
    }
}
