import Foundation
import XCTest

@testable import HushCrypto
@testable import HushVault

/// The vault library: round trips, wrong keys, tampering, truncation, rollback and recipient rotation.
final class VaultTests: XCTestCase {
    var dir: URL!
    var path: String { dir.appendingPathComponent(".hush/vault.yaml").path }

    override func setUpWithError() throws {
        dir = try makeTemporaryDirectory()
        setenv("HUSH_STATE_DIR", dir.appendingPathComponent("state").path, 1)
    }

    override func tearDownWithError() throws {
        unsetenv("HUSH_STATE_DIR")
        try? FileManager.default.removeItem(at: dir)
    }

    func passphrase(_ text: String = "pass phrase") -> VaultUnlocker { .passphrase(text, scryptLogN: 8) }

    /// A vault with a passphrase recipient, an X25519 identity, and three entries.
    func makeVault() throws -> AgeX25519Identity {
        let identity = try AgeX25519Identity.generate()
        let vault = try Vault.create(
            at: path, recipients: [.passphrase, .x25519(identity.recipient)], labels: ["team", "alice"],
            unlock: passphrase())
        try Vault.modify(at: path, unlock: passphrase()) { vault in
            try vault.set("DB_PASSWORD", value: bytes("hunter2"), source: "config/db.yml:3")
            try vault.set("API_TOKEN", value: bytes("tok_123"))
            try vault.set("empty", value: [])
        }
        XCTAssertEqual(vault.generation, 1)
        return identity
    }

    func fileBytes() throws -> [UInt8] { [UInt8](try Data(contentsOf: URL(fileURLWithPath: path))) }
    func writeBytes(_ bytes: [UInt8]) throws { try Data(bytes).write(to: URL(fileURLWithPath: path)) }

    func testRoundTripWithPassphraseAndIdentity() throws {
        let identity = try makeVault()
        for unlock in [passphrase(), VaultUnlocker(identities: [identity])] {
            let vault = try Vault.open(at: path, unlock: unlock)
            XCTAssertEqual(vault.entryNames, ["API_TOKEN", "DB_PASSWORD", "empty"])
            XCTAssertEqual(try vault.value(for: "DB_PASSWORD"), bytes("hunter2"))
            XCTAssertEqual(try vault.value(for: "empty"), [])
            XCTAssertEqual(vault.metadata(for: "DB_PASSWORD")?.source, "config/db.yml:3")
            XCTAssertEqual(vault.generation, 2)
            XCTAssertEqual(vault.recipients.map(\.label), ["team", "alice"])
        }
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        XCTAssertEqual((attributes[.posixPermissions] as? NSNumber)?.intValue, 0o600)
        XCTAssertThrowsError(try Vault.open(at: path, unlock: passphrase()).value(for: "missing")) {
            XCTAssertEqual($0 as? VaultError, .entryNotFound(name: "missing"))
        }
        XCTAssertThrowsError(try Vault.modify(at: path, unlock: passphrase()) { try $0.set("bad name", value: [1]) })
    }

    func testWrongKeysFailAndLeaveFileAlone() throws {
        _ = try makeVault()
        let before = try fileBytes()
        XCTAssertThrowsError(try Vault.open(at: path, unlock: passphrase("wrong"))) {
            XCTAssertEqual(($0 as? VaultError)?.exitCode, 3, "\($0)")
        }
        let stranger = try AgeX25519Identity.generate()
        XCTAssertThrowsError(try Vault.open(at: path, unlock: VaultUnlocker(identities: [stranger]))) {
            guard case .noMatchingKey = $0 as? VaultError else { return XCTFail("\($0)") }
        }
        XCTAssertThrowsError(try Vault.modify(at: path, unlock: passphrase("wrong")) { try $0.set("X", value: [1]) })
        XCTAssertEqual(try fileBytes(), before)
    }

    /// Flips one bit at every byte of the file: every single change must be refused.
    func testEveryByteFlipIsDetected() throws {
        let identity = try makeVault()
        let original = try fileBytes()
        let unlock = VaultUnlocker(identities: [identity])
        var accepted: [Int] = []
        for index in original.indices {
            var tampered = original
            tampered[index] ^= 0x01
            try writeBytes(tampered)
            do {
                let vault = try Vault.open(at: path, unlock: unlock)
                try vault.verifyAllValues()
                accepted.append(index)
            } catch {
                XCTAssertTrue(error is VaultError, "unexpected error type \(error)")
            }
        }
        XCTAssertEqual(accepted, [], "flips accepted at offsets \(accepted)")
    }

    func testSwappedDroppedReorderedEntriesAreDetected() throws {
        _ = try makeVault()
        let text = String(decoding: try fileBytes(), as: UTF8.self)
        var lines = text.components(separatedBy: "\n")
        let valueLines = lines.indices.filter { lines[$0].hasPrefix("    value: ") }
        XCTAssertEqual(valueLines.count, 3)
        // Swap two sealed values.
        var swapped = lines
        swapped.swapAt(valueLines[0], valueLines[1])
        try writeBytes(bytes(swapped.joined(separator: "\n")))
        XCTAssertThrowsError(try Vault.open(at: path, unlock: passphrase())) {
            XCTAssertEqual($0 as? VaultError, .integrityCheckFailed(path: path))
        }
        // Drop an entry (its five lines).
        var dropped = lines
        dropped.removeSubrange((valueLines[0] - 4)...valueLines[0])
        try writeBytes(bytes(dropped.joined(separator: "\n")))
        XCTAssertThrowsError(try Vault.open(at: path, unlock: passphrase())) {
            XCTAssertEqual($0 as? VaultError, .integrityCheckFailed(path: path))
        }
        // Reorder entries: rejected (order is part of the format and the MAC).
        let first = Array(lines[(valueLines[0] - 4)...valueLines[0]])
        lines.removeSubrange((valueLines[0] - 4)...valueLines[0])
        lines.insert(contentsOf: first, at: valueLines[1] - 4)
        try writeBytes(bytes(lines.joined(separator: "\n")))
        XCTAssertThrowsError(try Vault.open(at: path, unlock: passphrase()))
    }

    /// Even someone holding the MAC key cannot move a sealed value to another name: the name is associated data.
    func testValueMovedToAnotherNameFailsAuthentication() throws {
        _ = try makeVault()
        let vault = try Vault.open(at: path, unlock: passphrase())
        let sealed = vault.entries["DB_PASSWORD"]!.value
        vault.entries["API_TOKEN"]!.value = sealed
        XCTAssertThrowsError(try vault.value(for: "API_TOKEN")) {
            XCTAssertEqual($0 as? VaultError, .valueTampered(name: "API_TOKEN"))
        }
        XCTAssertEqual(try vault.value(for: "DB_PASSWORD"), bytes("hunter2"))
    }

    func testRollbackToOlderCopyIsNoticed() throws {
        _ = try makeVault()
        let old = try fileBytes()
        try Vault.modify(at: path, unlock: passphrase()) { try $0.set("NEW", value: bytes("x")) }
        // Per-entry rollback: put back the older sealed value of one entry into the new file.
        try Vault.modify(at: path, unlock: passphrase()) { try $0.set("DB_PASSWORD", value: bytes("changed")) }
        let oldLines = String(decoding: old, as: UTF8.self).components(separatedBy: "\n")
        let oldValue = oldLines[oldLines.firstIndex(of: "  - name: \"DB_PASSWORD\"")! + 4]
        var lines = String(decoding: try fileBytes(), as: UTF8.self).components(separatedBy: "\n")
        let dbLine = lines.firstIndex(of: "  - name: \"DB_PASSWORD\"")! + 4
        XCTAssertTrue(oldValue.hasPrefix("    value: "))
        XCTAssertNotEqual(lines[dbLine], oldValue)
        lines[dbLine] = oldValue
        try writeBytes(bytes(lines.joined(separator: "\n")))
        XCTAssertThrowsError(try Vault.open(at: path, unlock: passphrase())) {
            XCTAssertEqual($0 as? VaultError, .integrityCheckFailed(path: path))
        }
        // Whole-file rollback: a valid older copy opens, but is flagged against the local record.
        try writeBytes(old)
        let vault = try Vault.open(at: path, unlock: passphrase())
        XCTAssertEqual(vault.rollbackStatus, .rolledBack(lastSeen: 4))
        // Writing on it raises the generation past the record.
        try Vault.modify(at: path, unlock: passphrase()) { try $0.set("AFTER", value: [1]) }
        let reopened = try Vault.open(at: path, unlock: passphrase())
        XCTAssertEqual(reopened.generation, 5)
        XCTAssertEqual(reopened.rollbackStatus, .current)
    }

    func testTruncatedAndGarbageFilesFailClearly() throws {
        _ = try makeVault()
        let original = try fileBytes()
        for length in stride(from: 0, to: original.count, by: 7) {
            try writeBytes(Array(original[0..<length]))
            XCTAssertThrowsError(try Vault.open(at: path, unlock: passphrase()), "length \(length)") {
                XCTAssertTrue([3, 4].contains(($0 as? VaultError)?.exitCode ?? 0), "\(length): \($0)")
            }
        }
        try writeBytes(SecureRandom.bytes(2000))
        XCTAssertThrowsError(try Vault.open(at: path, unlock: passphrase())) {
            guard case .malformed = $0 as? VaultError else { return XCTFail("\($0)") }
        }
        try writeBytes(bytes("hush-vault: 7\n"))
        XCTAssertThrowsError(try Vault.open(at: path, unlock: passphrase())) {
            XCTAssertEqual($0 as? VaultError, .unsupportedVersion(7))
        }
    }

    func testRemovingRecipientRotatesDataKey() throws {
        let alice = try makeVault()
        let bob = try AgeX25519Identity.generate()
        try Vault.modify(at: path, unlock: passphrase()) { try $0.addRecipient(.x25519(bob.recipient), label: "bob") }
        let before = try Vault.open(at: path, unlock: VaultUnlocker(identities: [bob]))
        XCTAssertEqual(try before.value(for: "DB_PASSWORD"), bytes("hunter2"))
        let oldKey = before.dataKey.bytes
        let oldSealed = before.entries["DB_PASSWORD"]!.value

        try Vault.modify(
            at: path, unlock: VaultUnlocker(identities: [alice], passphrase: { bytes("pass phrase") }, scryptLogN: 8)
        ) {
            try $0.removeRecipient(matching: "bob")
        }
        XCTAssertThrowsError(try Vault.open(at: path, unlock: VaultUnlocker(identities: [bob]))) {
            guard case .noMatchingKey = $0 as? VaultError else { return XCTFail("\($0)") }
        }
        let after = try Vault.open(at: path, unlock: VaultUnlocker(identities: [alice]))
        XCTAssertNotEqual(after.dataKey.bytes, oldKey, "the data key must change")
        XCTAssertNotEqual(after.entries["DB_PASSWORD"]!.value, oldSealed, "values must be re-sealed")
        XCTAssertEqual(try after.value(for: "DB_PASSWORD"), bytes("hunter2"))
        XCTAssertEqual(after.recipients.map(\.label), ["team", "alice"])
        // The old key (which bob may have kept) does not open the re-sealed value.
        let (oldValueKey, _) = try Vault.subkeys(SecretBytes(oldKey))
        let sealed = [UInt8](Data(base64Encoded: after.entries["DB_PASSWORD"]!.value)!)
        XCTAssertThrowsError(
            try AEAD.open(
                .aes256GCM, key: oldValueKey.bytes, nonce: Array(sealed[0..<12]), sealed: Array(sealed[12...]),
                aad: after.associatedData("DB_PASSWORD")))
        // The passphrase envelope was rewrapped too.
        XCTAssertEqual(try Vault.open(at: path, unlock: passphrase()).value(for: "API_TOKEN"), bytes("tok_123"))
        XCTAssertThrowsError(
            try Vault.modify(at: path, unlock: passphrase()) { vault in
                try vault.removeRecipient(matching: "alice")
                try vault.removeRecipient(matching: "passphrase")
            }
        ) { XCTAssertEqual($0 as? VaultError, .lastRecipient) }
    }

    func testStaleSaveIsRefused() throws {
        _ = try makeVault()
        let first = try Vault.open(at: path, unlock: passphrase())
        try Vault.modify(at: path, unlock: passphrase()) { try $0.set("OTHER", value: [1]) }
        try first.set("MINE", value: [2])
        XCTAssertThrowsError(try first.save()) {
            XCTAssertEqual($0 as? VaultError, .concurrentModification(path: path))
        }
        XCTAssertTrue(try Vault.open(at: path, unlock: passphrase()).entryNames.contains("OTHER"))
    }

    func testCreateRefusesToOverwrite() throws {
        _ = try makeVault()
        XCTAssertThrowsError(try Vault.create(at: path, recipients: [.passphrase], unlock: passphrase())) {
            XCTAssertEqual($0 as? VaultError, .alreadyExists(path: path))
        }
    }
}
