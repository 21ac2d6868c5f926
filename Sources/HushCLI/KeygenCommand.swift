import ArgumentParser
import Foundation
import HushVault

/// `hush keygen`: write a new age identity file (0600) and print its recipient.
public struct KeygenCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "keygen",
        abstract: "Create an age X25519 identity file (0600) and print its age1… recipient.",
        discussion: "The file is in age-keygen's format, so `age -d -i FILE` can use it too.")

    /// `$XDG_CONFIG_HOME/hush/identity.txt`, else `~/.config/hush/identity.txt`.
    static var defaultIdentityPath: String {
        let env = ProcessInfo.processInfo.environment
        let config =
            env["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? FileManager.default.homeDirectoryForCurrentUser.path + "/.config"
        return config + "/hush/identity.txt"
    }

    @Option(
        name: [.customShort("o"), .long], help: "Where to write the identity (default: ~/.config/hush/identity.txt).")
    var output: String?

    public init() {}

    public func run() throws {
        let path = output ?? KeygenCommand.defaultIdentityPath
        guard !FileManager.default.fileExists(atPath: path) else {
            printError("hush: error: \(path) already exists; refusing to overwrite an identity")
            throw ExitCode(1)
        }
        let identity = try AgeX25519Identity.generate()
        let formatter = ISO8601DateFormatter()
        let text =
            "# created: \(formatter.string(from: Date()))\n"
            + "# public key: \(identity.recipient.string)\n\(identity.string)\n"
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
        try FileManager.default.createDirectory(
            at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            printError("hush: error: cannot create \(path): \(String(cString: strerror(errno)))")
            throw ExitCode(1)
        }
        let handle = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
        handle.write(Data(text.utf8))
        handle.synchronizeFile()
        printError("hush: wrote identity to \(path)")
        print(identity.recipient.string)
    }
}
