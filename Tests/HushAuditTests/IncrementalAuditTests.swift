import Foundation
import HushTestSupport
import XCTest

@testable import HushAudit

/// Rescans skip blobs already scanned with the same rules; triage survives.
final class IncrementalAuditTests: XCTestCase {
    var scratch: Scratch!

    override func setUpWithError() throws { scratch = try Scratch() }
    override func tearDown() { scratch.remove() }

    func makeRepository() throws -> TestRepository {
        let repository = try TestRepository(in: scratch, name: "api")
        try repository.commit("initial", ["README.md": "hello\n", "src/main.swift": "print(1)\n"])
        try repository.commit("add config", ["config/prod.env": "GITHUB_TOKEN=\(Tokens.one)\n"])
        try repository.commit("more", ["deploy/ci.yml": "token: \(Tokens.two)\n", "docs/a.md": "text\n"])
        return repository
    }

    func testRescanReadsOnlyNewBlobs() throws {
        let repository = try makeRepository()
        let store = try AuditStore(path: scratch.path + "/f.db")
        let first = TestEngines.runner(store: store).run([repository.path])[0]
        XCTAssertNil(first.error)
        XCTAssertEqual(first.totals.blobsScanned, 5)
        XCTAssertEqual(first.totals.blobsCached, 0)
        XCTAssertEqual(first.totals.findings, 2)
        XCTAssertEqual(try store.count("scannedBlob"), 5)
        XCTAssertEqual(try store.count("blobFinding"), 2)

        let again = TestEngines.runner(store: store).run([repository.path])[0]
        XCTAssertEqual(again.totals.blobsScanned, 0)
        XCTAssertEqual(again.totals.blobsCached, 5)
        XCTAssertEqual(again.totals.findings, 2)
        XCTAssertEqual(again.totals.newFindings, 0)

        try repository.commit("another", ["deploy/ci.yml": "# ci\ntoken: \(Tokens.two)\n"])
        let third = TestEngines.runner(store: store).run([repository.path])[0]
        XCTAssertEqual(third.totals.blobsScanned, 1, "only the changed file is read")
        XCTAssertEqual(third.totals.findings, 2)
        XCTAssertEqual(third.totals.newFindings, 0, "a line shift keeps the fingerprint")

        let current = try store.currentFindings()
        XCTAssertEqual(current.count, 2)
        XCTAssertEqual(current.first { $0.path == "deploy/ci.yml" }?.line, 1, "first introduction is reported")
        for finding in current {
            XCTAssertFalse(finding.redacted.contains(Tokens.one))
            XCTAssertFalse(finding.context.contains(Tokens.two.dropFirst(8)))
        }
    }

    func testRulesChangeRescansEverything() throws {
        let repository = try makeRepository()
        let store = try AuditStore(path: scratch.path + "/f.db")
        _ = TestEngines.runner(store: store).run([repository.path])
        let changed = TestEngines.runner(store: store, signature: "allowlist: [x]").run([repository.path])[0]
        XCTAssertEqual(changed.totals.blobsScanned, 5)
        XCTAssertEqual(changed.totals.blobsCached, 0)
        XCTAssertEqual(changed.totals.findings, 2)
        XCTAssertEqual(changed.totals.newFindings, 0)
    }

    func testNoSecretIsStoredInClear() throws {
        let repository = try makeRepository()
        let path = scratch.path + "/f.db"
        let store = try AuditStore(path: path)
        _ = TestEngines.runner(store: store).run([repository.path])
        _ = try store.pool.writeWithoutTransaction { db in try db.checkpoint(.truncate) }
        for file in [path, path + "-wal"] {
            guard let data = FileManager.default.contents(atPath: file) else { continue }
            for token in [Tokens.one, Tokens.two] {
                XCTAssertNil(data.range(of: Data(token.utf8)), "\(file) holds a secret")
                XCTAssertNil(data.range(of: Data(token.dropFirst(4).prefix(20).utf8)), "\(file) holds part of a secret")
            }
        }
    }

    func testTriageSurvivesRescansLineShiftsAndMoves() throws {
        let repository = try makeRepository()
        let store = try AuditStore(path: scratch.path + "/f.db")
        _ = TestEngines.runner(store: store).run([repository.path])
        let env = try XCTUnwrap(try store.currentFindings().first { $0.path == "config/prod.env" })
        try store.setTriage(
            fingerprint: String(env.fingerprint.prefix(10)), status: .revoked, note: "rotated", actor: "alice")

        try repository.commit("shift", ["config/prod.env": "# prod\n\nGITHUB_TOKEN=\(Tokens.one)\n"])
        _ = TestEngines.runner(store: store).run([repository.path])
        var now = try store.currentFindings()
        let shifted = try XCTUnwrap(now.first { $0.fingerprint == env.fingerprint })
        XCTAssertEqual(shifted.status, .revoked)
        XCTAssertEqual(shifted.note, "rotated")
        XCTAssertEqual(shifted.triagedBy, "alice")
        XCTAssertFalse(shifted.newLocation)

        try repository.git(["mv", "config/prod.env", "config/production.env"])
        try repository.commit("move", [:])
        let moved = TestEngines.runner(store: store).run([repository.path])[0]
        XCTAssertEqual(moved.totals.newFindings, 1)
        XCTAssertEqual(moved.totals.newLocations, 1)
        now = try store.currentFindings()
        let newPlace = try XCTUnwrap(now.first { $0.path == "config/production.env" })
        XCTAssertEqual(newPlace.status, .revoked, "the moved secret keeps its triage")
        XCTAssertTrue(newPlace.newLocation, "and is flagged as appearing in a new place")
        XCTAssertTrue(newPlace.newInLatestScan)
        XCTAssertEqual(newPlace.identity, env.identity)
        XCTAssertTrue(now.contains { $0.fingerprint == env.fingerprint && !$0.newLocation })

        XCTAssertThrowsError(try store.setTriage(fingerprint: "ffffffffff", status: .accepted, note: nil, actor: "x"))
        XCTAssertEqual(try store.triageHistory(fingerprint: env.fingerprint).count, 1)
    }

    func testFailedRepositoryDoesNotStopTheRest() throws {
        let repository = try makeRepository()
        let corrupt = scratch.path + "/corrupt"
        try FileManager.default.createDirectory(atPath: corrupt + "/.git", withIntermediateDirectories: true)
        try "garbage".write(toFile: corrupt + "/.git/HEAD", atomically: false, encoding: .utf8)
        let store = try AuditStore(path: scratch.path + "/f.db")
        let outcomes = TestEngines.runner(store: store, cacheDir: scratch.path + "/cache").run([
            scratch.path + "/missing", corrupt, "file://" + scratch.path + "/nowhere.git", repository.path,
        ])
        XCTAssertEqual(outcomes.count, 4)
        XCTAssertNotNil(outcomes[0].error)
        XCTAssertNotNil(outcomes[1].error)
        XCTAssertTrue(outcomes[2].error?.contains("cannot clone") == true, outcomes[2].error ?? "")
        XCTAssertNil(outcomes[3].error)
        XCTAssertEqual(outcomes[3].totals.findings, 2)
    }

    func testCloneURLIsCachedAndFetched() throws {
        let repository = try makeRepository()
        let store = try AuditStore(path: scratch.path + "/f.db")
        let url = "file://" + repository.path
        let first = TestEngines.runner(store: store, cacheDir: scratch.path + "/cache").run([url])[0]
        XCTAssertNil(first.error)
        XCTAssertEqual(first.totals.findings, 2)
        XCTAssertEqual(first.totals.blobsScanned, 5)
        try repository.commit("new secret", ["b.env": "T=\(Tokens.three)\n"])
        let second = TestEngines.runner(store: store, cacheDir: scratch.path + "/cache").run([url])[0]
        XCTAssertNil(second.error)
        XCTAssertEqual(second.totals.findings, 3, "the fetch brought the new commit")
        XCTAssertEqual(second.totals.blobsScanned, 1)
        XCTAssertTrue(try store.currentFindings().filter { $0.path == "b.env" }.allSatisfy(\.presentAtHead))
    }
}
