import Foundation
import XCTest

@testable import HushVault

/// End-to-end tests that run the built `hush` binary.
final class VaultCLITests: XCTestCase {
    var dir: URL!
    var hush: String!
    var env: [String: String] = [:]
    var vaultPath: String { dir.appendingPathComponent(".hush/vault.yaml").path }

    override func setUpWithError() throws {
        hush = try hushExecutable()
        dir = try makeTemporaryDirectory()
        env = [
            "HUSH_STATE_DIR": dir.appendingPathComponent("state").path,
            "XDG_CONFIG_HOME": dir.appendingPathComponent("config").path,
            "HUSH_SCRYPT_LOG_N": "8",
            "HUSH_PASSPHRASE": "correct horse",
            "HUSH_IDENTITY": "",
        ]
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    @discardableResult
    func hush(_ arguments: [String], input: String? = nil, extra: [String: String] = [:], in directory: URL? = nil)
        throws -> ProcessResult
    {
        try runProcess(
            hush, arguments, input: input.map { Data($0.utf8) } ?? Data(), environment: env.merging(extra) { $1 },
            directory: directory ?? dir)
    }

    func initVault() throws {
        let result = try hush(["vault", "init", "--passphrase"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(try hush(["vault", "set", "DB_PASSWORD", "--source", "db.yml:1"], input: "hunter2\n").status, 0)
    }

    func testSetGetListExportAndExitCodes() throws {
        try initVault()
        XCTAssertEqual(try hush(["vault", "set", "API"], input: "line1\nline2 'q'\n").status, 0)
        XCTAssertEqual(try hush(["vault", "get", "DB_PASSWORD"]).stdoutText, "hunter2")
        XCTAssertEqual(try hush(["vault", "list"]).stdoutText, "API\nDB_PASSWORD\n")
        let json = try hush(["vault", "export", "--format", "json"])
        let object = try JSONSerialization.jsonObject(with: json.stdout) as? [String: String]
        XCTAssertEqual(object, ["API": "line1\nline2 'q'", "DB_PASSWORD": "hunter2"])
        let envOut = try hush(["vault", "export", "--format", "env"]).stdoutText
        let shell = try runProcess("/bin/sh", ["-c", envOut + "\nprintf %s \"$API\""])
        XCTAssertEqual(shell.stdoutText, "line1\nline2 'q'")
        XCTAssertEqual(try hush(["vault", "verify"]).status, 0)
        XCTAssertEqual(try hush(["vault", "rm", "API"]).status, 0)
        XCTAssertEqual(try hush(["vault", "get", "API"]).status, 1)

        // Wrong passphrase: exit 3, nothing on stdout, file unchanged.
        let before = try Data(contentsOf: URL(fileURLWithPath: vaultPath))
        let wrong = try hush(["vault", "get", "DB_PASSWORD"], extra: ["HUSH_PASSPHRASE": "nope"])
        XCTAssertEqual(wrong.status, 3)
        XCTAssertTrue(wrong.stdout.isEmpty)
        XCTAssertTrue(wrong.stderr.contains("wrong passphrase"), wrong.stderr)
        XCTAssertEqual(try hush(["vault", "set", "X"], input: "y", extra: ["HUSH_PASSPHRASE": "nope"]).status, 3)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: vaultPath)), before)

        // Tampered value: exit 4, no plaintext, file unchanged by a failed set.
        var text = String(decoding: before, as: UTF8.self)
        let range = text.range(of: "    value: \"")!
        let index = text.index(range.upperBound, offsetBy: 20)
        text.replaceSubrange(index...index, with: text[index] == "A" ? "B" : "A")
        try Data(text.utf8).write(to: URL(fileURLWithPath: vaultPath))
        let tampered = try hush(["vault", "get", "DB_PASSWORD"])
        XCTAssertEqual(tampered.status, 4, tampered.stderr)
        XCTAssertTrue(tampered.stdout.isEmpty)
        XCTAssertTrue(tampered.stderr.contains("integrity check failed"), tampered.stderr)
        XCTAssertFalse(tampered.stderr.contains("hunter2"))
        XCTAssertEqual(try hush(["vault", "set", "Y"], input: "z").status, 4)
        XCTAssertEqual(try String(contentsOfFile: vaultPath, encoding: .utf8), text)
    }

    func testVerifyFailsOnWholeFileRollback() throws {
        try initVault()
        let old = try Data(contentsOf: URL(fileURLWithPath: vaultPath))
        XCTAssertEqual(try hush(["vault", "set", "NEW"], input: "v").status, 0)
        try old.write(to: URL(fileURLWithPath: vaultPath))
        let get = try hush(["vault", "get", "DB_PASSWORD"])
        XCTAssertEqual(get.status, 0)
        XCTAssertTrue(get.stderr.contains("rolled back"), get.stderr)
        let verify = try hush(["vault", "verify"])
        XCTAssertEqual(verify.status, 4)
        XCTAssertTrue(verify.stderr.contains("older than generation"), verify.stderr)
        XCTAssertEqual(try hush(["vault", "verify", "--accept-rollback"]).status, 0)
    }

    func testCrashAtAnyPointLeavesOldOrNewStore() throws {
        try initVault()
        let old = try Data(contentsOf: URL(fileURLWithPath: vaultPath))
        let crashed = try hush(
            ["vault", "set", "CRASH1"], input: "v", extra: ["HUSH_TEST_CRASH_POINT": "after-temp-write"])
        XCTAssertEqual(crashed.status, 86)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: vaultPath)), old, "before the rename: the old store")
        XCTAssertEqual(try hush(["vault", "verify"]).status, 0)
        let renamed = try hush(
            ["vault", "set", "CRASH2"], input: "v", extra: ["HUSH_TEST_CRASH_POINT": "after-rename"])
        XCTAssertEqual(renamed.status, 86)
        XCTAssertEqual(try hush(["vault", "verify"]).status, 0, "after the rename: the new store, complete")
        XCTAssertEqual(try hush(["vault", "list"]).stdoutText, "CRASH2\nDB_PASSWORD\n")
    }

    func testConcurrentWritersLoseNoEntry() throws {
        try initVault()
        let count = 16
        var processes: [Process] = []
        for i in 0..<count {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: hush)
            process.arguments = ["vault", "set", "KEY_\(i)"]
            process.currentDirectoryURL = dir
            process.environment = ProcessInfo.processInfo.environment.merging(env) { $1 }
            let pipe = Pipe()
            process.standardInput = pipe
            process.standardOutput = FileHandle.nullDevice
            try process.run()
            pipe.fileHandleForWriting.write(Data("value-\(i)".utf8))
            try pipe.fileHandleForWriting.close()
            processes.append(process)
        }
        for process in processes {
            process.waitUntilExit()
            XCTAssertEqual(process.terminationStatus, 0)
        }
        let json = try hush(["vault", "export", "--format", "json"])
        let object = try JSONSerialization.jsonObject(with: json.stdout) as? [String: String] ?? [:]
        for i in 0..<count { XCTAssertEqual(object["KEY_\(i)"], "value-\(i)", "KEY_\(i) lost") }
        XCTAssertEqual(object.count, count + 1)
    }

    func testKeygenIdentityWorksWithAgeAndVault() throws {
        let keyPath = dir.appendingPathComponent("id.txt").path
        let made = try hush(["keygen", "-o", keyPath])
        XCTAssertEqual(made.status, 0, made.stderr)
        let recipient = made.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertTrue(recipient.hasPrefix("age1"))
        let mode = try FileManager.default.attributesOfItem(atPath: keyPath)[.posixPermissions] as? NSNumber
        XCTAssertEqual(mode?.intValue, 0o600)
        XCTAssertEqual(try hush(["keygen", "-o", keyPath]).status, 1, "must not overwrite")
        XCTAssertEqual(try hush(["vault", "init", "-r", recipient], extra: ["HUSH_PASSPHRASE": ""]).status, 0)
        let withKey = ["HUSH_IDENTITY": keyPath]
        XCTAssertEqual(try hush(["vault", "set", "S"], input: "v", extra: withKey).status, 0)
        XCTAssertEqual(try hush(["vault", "get", "S"], extra: withKey).stdoutText, "v")
        let mode2 = try FileManager.default.attributesOfItem(atPath: vaultPath)[.posixPermissions] as? NSNumber
        XCTAssertEqual(mode2?.intValue, 0o600)
        // age opens the envelope with the hush identity and gets the 32-byte data key.
        guard let age = which("age") else { throw XCTSkip("age is not installed") }
        let vault = try Vault.open(at: vaultPath, unlock: .identityFile(keyPath))
        let envelope = vault.recipientRecords[0].envelope
        let opened = try runProcess(age, ["-d", "-i", keyPath], input: Data(envelope.utf8))
        XCTAssertEqual(opened.status, 0, opened.stderr)
        XCTAssertEqual([UInt8](opened.stdout), vault.dataKey.bytes)
    }

    func testRecipientsAddListRemoveWithSSHKey() throws {
        try initVault()
        guard let sshKeygen = which("ssh-keygen") else { throw XCTSkip("ssh-keygen is not installed") }
        let key = dir.appendingPathComponent("id_ed25519").path
        XCTAssertEqual(
            try runProcess(sshKeygen, ["-q", "-t", "ed25519", "-N", "", "-C", "bob@laptop", "-f", key]).status, 0)
        XCTAssertEqual(try hush(["vault", "recipients", "add", key + ".pub"]).status, 0)
        let list = try hush(["vault", "recipients", "list"]).stdoutText
        XCTAssertTrue(list.contains("ssh-ed25519 ") && list.contains("# bob@laptop"), list)
        let bob = ["HUSH_IDENTITY": key, "HUSH_PASSPHRASE": "wrong"]
        XCTAssertEqual(try hush(["vault", "get", "DB_PASSWORD"], extra: bob).stdoutText, "hunter2")
        XCTAssertEqual(try hush(["vault", "recipients", "rm", "bob@laptop"]).status, 0)
        XCTAssertEqual(try hush(["vault", "get", "DB_PASSWORD"], extra: bob).status, 3)
        XCTAssertEqual(try hush(["vault", "get", "DB_PASSWORD"]).stdoutText, "hunter2")
    }

    func testIndependentPythonImplementationOpensAValue() throws {
        guard let python = which("python3"),
            try runProcess(python, ["-c", "import cryptography"]).status == 0
        else { throw XCTSkip("python3 with cryptography is not installed") }
        try initVault()
        XCTAssertEqual(try hush(["vault", "set", "ÜNICODE_not_allowed"], input: "x").status, 1)
        XCTAssertEqual(
            try hush(["vault", "set", "app/api.key"], input: "s3cr\"et\n with newline", extra: [:]).status, 0)
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("interop/vault_open.py").path
        let pyEnv = ["HUSH_PASSPHRASE": "correct horse"]
        let one = try runProcess(python, [script, vaultPath, "DB_PASSWORD"], environment: pyEnv)
        XCTAssertEqual(one.status, 0, one.stderr)
        XCTAssertEqual(one.stdoutText, "hunter2")
        let two = try runProcess(python, [script, vaultPath, "app/api.key"], environment: pyEnv)
        XCTAssertEqual(two.stdoutText, "s3cr\"et\n with newline")
        // The independent reader also rejects a tampered file.
        var text = try String(contentsOfFile: vaultPath, encoding: .utf8)
        text = text.replacingOccurrences(of: "source: \"db.yml:1\"", with: "source: \"db.yml:2\"")
        try text.write(toFile: vaultPath, atomically: true, encoding: .utf8)
        XCTAssertEqual(try runProcess(python, [script, vaultPath, "DB_PASSWORD"], environment: pyEnv).status, 1)
    }

    func testEditAppliesChangesThroughEditor() throws {
        try initVault()
        let editor = dir.appendingPathComponent("editor.sh")
        try """
        #!/bin/sh
        stat -c %a "$1" > \(dir.path)/mode
        echo "$1" > \(dir.path)/where
        printf '{"DB_PASSWORD": "changed", "NEW_ONE": "fresh"}' > "$1"
        """.write(to: editor, atomically: true, encoding: .utf8)
        chmod(editor.path, 0o755)
        let result = try hush(["vault", "edit"], extra: ["EDITOR": editor.path, "VISUAL": ""])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(try hush(["vault", "get", "DB_PASSWORD"]).stdoutText, "changed")
        XCTAssertEqual(try hush(["vault", "get", "NEW_ONE"]).stdoutText, "fresh")
        XCTAssertEqual(try String(contentsOfFile: dir.path + "/mode", encoding: .utf8), "600\n")
        let tempFile = try String(contentsOfFile: dir.path + "/where", encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertFalse(FileManager.default.fileExists(atPath: tempFile), "the decrypted copy must be removed")
    }
}
