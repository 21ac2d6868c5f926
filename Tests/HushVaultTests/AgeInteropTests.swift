import Foundation
import XCTest

@testable import HushCrypto
@testable import HushVault

/// Interoperability with the reference `age` command, both ways.
final class AgeInteropTests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws { dir = try makeTemporaryDirectory() }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    func requireAge() throws -> (age: String, keygen: String) {
        guard let age = which("age"), let keygen = which("age-keygen") else {
            throw XCTSkip("the age command is not installed")
        }
        return (age, keygen)
    }

    func testBech32RoundTripAndRejectsBadChecksum() throws {
        let identity = try AgeX25519Identity.generate()
        let text = identity.recipient.string
        XCTAssertTrue(text.hasPrefix("age1"))
        XCTAssertEqual(try AgeX25519Recipient(string: text), identity.recipient)
        var broken = Array(text)
        broken[10] = broken[10] == "q" ? "p" : "q"
        XCTAssertThrowsError(try AgeX25519Recipient(string: String(broken)))
        let secret = identity.string
        XCTAssertTrue(secret.hasPrefix("AGE-SECRET-KEY-1"))
        XCTAssertEqual(try AgeX25519Identity(string: secret).recipient, identity.recipient)
    }

    func testHushEnvelopeRoundTripAndTampering() throws {
        let identity = try AgeX25519Identity.generate()
        let payload = SecureRandom.bytes(32)
        let file = try AgeFile.encrypt(payload, to: [identity.recipient])
        XCTAssertEqual(try AgeFile.decrypt(file, identities: [identity]), payload)
        let other = try AgeX25519Identity.generate()
        XCTAssertThrowsError(try AgeFile.decrypt(file, identities: [other])) {
            XCTAssertEqual($0 as? AgeError, .noIdentityMatched)
        }
        // Flip one byte in each region: header stanza, MAC, payload.
        for index in [30, file.count - 40, file.count - 1] {
            var tampered = file
            tampered[index] ^= 0x01
            XCTAssertThrowsError(try AgeFile.decrypt(tampered, identities: [identity]), "byte \(index)")
        }
        XCTAssertThrowsError(try AgeFile.decrypt(Array(file.dropLast(5)), identities: [identity]))
        let armored = AgeFile.armor(file)
        XCTAssertEqual(try AgeFile.dearmor(armored), file)
    }

    func testAgeDecryptsHushEnvelopeForX25519Identity() throws {
        let (age, keygen) = try requireAge()
        let keyFile = dir.appendingPathComponent("key.txt").path
        let made = try runProcess(keygen, ["-o", keyFile])
        XCTAssertEqual(made.status, 0, made.stderr)
        let identities = try AgeKeys.identities(fromFileText: String(contentsOfFile: keyFile, encoding: .utf8))
        let recipient = (identities[0] as! AgeX25519Identity).recipient
        let payload = SecureRandom.bytes(32)
        for armored in [false, true] {
            let file = try AgeFile.encrypt(payload, to: [recipient])
            let input = armored ? Data(AgeFile.armor(file).utf8) : Data(file)
            let result = try runProcess(age, ["-d", "-i", keyFile], input: input)
            XCTAssertEqual(result.status, 0, result.stderr)
            XCTAssertEqual([UInt8](result.stdout), payload)
        }
    }

    func testAgeDecryptsHushEnvelopeForSSHAndPassphrase() throws {
        let (age, _) = try requireAge()
        guard let sshKeygen = which("ssh-keygen") else { throw XCTSkip("ssh-keygen is not installed") }
        let sshKey = dir.appendingPathComponent("id_ed25519").path
        XCTAssertEqual(
            try runProcess(sshKeygen, ["-q", "-t", "ed25519", "-N", "", "-C", "dev@example", "-f", sshKey]).status, 0)
        let publicLine = try String(contentsOfFile: sshKey + ".pub", encoding: .utf8)
        let recipient = try AgeKeys.recipient(from: publicLine)
        let payload = SecureRandom.bytes(32)
        let file = try AgeFile.encrypt(payload, to: [recipient])
        let result = try runProcess(age, ["-d", "-i", sshKey], input: Data(file))
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual([UInt8](result.stdout), payload)
        // Our own SSH identity opens it too.
        let identity = try AgeKeys.identities(fromFileText: String(contentsOfFile: sshKey, encoding: .utf8))
        XCTAssertEqual(try AgeFile.decrypt(file, identities: identity), payload)

        // Passphrase: age reads it from a terminal only, so drive it through a pseudo-terminal.
        let scrypted = try AgeFile.encrypt(
            payload, to: [AgeScryptRecipient(passphrase: bytes("correct horse"), logN: 12)])
        let input = dir.appendingPathComponent("pass.age")
        try Data(scrypted).write(to: input)
        let output = dir.appendingPathComponent("pass.out")
        try runWithTerminal([age, "-d", "-o", output.path, input.path], answers: ["correct horse"])
        XCTAssertEqual([UInt8](try Data(contentsOf: output)), payload)
    }

    func testHushDecryptsAgeFiles() throws {
        let (age, keygen) = try requireAge()
        let payload = SecureRandom.bytes(32)
        let plainFile = dir.appendingPathComponent("plain")
        try Data(payload).write(to: plainFile)

        // X25519.
        let keyFile = dir.appendingPathComponent("key.txt").path
        XCTAssertEqual(try runProcess(keygen, ["-o", keyFile]).status, 0)
        let keyText = try String(contentsOfFile: keyFile, encoding: .utf8)
        let identities = try AgeKeys.identities(fromFileText: keyText)
        let recipient = (identities[0] as! AgeX25519Identity).recipient.string
        XCTAssertTrue(keyText.contains("public key: \(recipient)"))
        let x = try runProcess(age, ["-r", recipient, plainFile.path])
        XCTAssertEqual(x.status, 0, x.stderr)
        XCTAssertEqual(try AgeFile.decrypt([UInt8](x.stdout), identities: identities), payload)
        let armored = try runProcess(age, ["-a", "-r", recipient, plainFile.path])
        XCTAssertEqual(try AgeFile.decrypt(AgeFile.dearmor(armored.stdoutText), identities: identities), payload)

        // ssh-ed25519.
        guard let sshKeygen = which("ssh-keygen") else { throw XCTSkip("ssh-keygen is not installed") }
        let sshKey = dir.appendingPathComponent("id_ed25519").path
        XCTAssertEqual(try runProcess(sshKeygen, ["-q", "-t", "ed25519", "-N", "", "-f", sshKey]).status, 0)
        let s = try runProcess(age, ["-R", sshKey + ".pub", plainFile.path])
        XCTAssertEqual(s.status, 0, s.stderr)
        let sshIdentity = try AgeKeys.identities(fromFileText: String(contentsOfFile: sshKey, encoding: .utf8))
        XCTAssertEqual(try AgeFile.decrypt([UInt8](s.stdout), identities: sshIdentity), payload)
        XCTAssertThrowsError(try AgeFile.decrypt([UInt8](s.stdout), identities: identities))

        // Passphrase (age's default work factor, 2^18).
        let encrypted = dir.appendingPathComponent("pass.age")
        try runWithTerminal(
            [age, "-p", "-o", encrypted.path, plainFile.path], answers: ["tr0ub4dor&3", "tr0ub4dor&3"])
        let file = [UInt8](try Data(contentsOf: encrypted))
        XCTAssertEqual(
            try AgeFile.decrypt(file, identities: [AgeScryptIdentity(passphrase: bytes("tr0ub4dor&3"))]), payload)
        XCTAssertThrowsError(try AgeFile.decrypt(file, identities: [AgeScryptIdentity(passphrase: bytes("wrong"))]))
        XCTAssertThrowsError(
            try AgeFile.decrypt(file, identities: [AgeScryptIdentity(passphrase: bytes("tr0ub4dor&3"), maxLogN: 10)])
        ) { XCTAssertEqual($0 as? AgeError, .workFactorTooHigh(18)) }
    }

    /// Runs a command on a pseudo-terminal (through Python's pty module), typing `answers` at its prompts.
    func runWithTerminal(_ command: [String], answers: [String]) throws {
        guard let python = which("python3") else { throw XCTSkip("python3 is needed to drive a terminal") }
        let script = """
            import os, pty, sys, json, time
            cmd = json.loads(sys.argv[1]); answers = json.loads(sys.argv[2])
            pid, fd = pty.fork()
            if pid == 0:
                os.execv(cmd[0], cmd)
            out = b""
            for a in answers:
                while out.count(b":") < answers.index(a) + 1:
                    try:
                        chunk = os.read(fd, 1024)
                    except OSError:
                        break
                    if not chunk: break
                    out += chunk
                os.write(fd, a.encode() + b"\\r")
            while True:
                try:
                    chunk = os.read(fd, 1024)
                except OSError:
                    break
                if not chunk: break
                out += chunk
            _, status = os.waitpid(pid, 0)
            sys.stderr.write(out.decode(errors="replace"))
            sys.exit(os.waitstatus_to_exitcode(status))
            """
        let json = { (value: [String]) in
            String(decoding: try! JSONSerialization.data(withJSONObject: value), as: UTF8.self)
        }
        let result = try runProcess(python, ["-c", script, json(command), json(answers)])
        XCTAssertEqual(result.status, 0, "terminal run failed: \(result.stderr)")
    }
}
