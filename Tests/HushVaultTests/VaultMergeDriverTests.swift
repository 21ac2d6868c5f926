import Foundation
import XCTest

/// The git merge driver on a real repository with two branches.
final class VaultMergeDriverTests: XCTestCase {
    var dir: URL!
    var hush: String!
    var env: [String: String] = [:]

    override func setUpWithError() throws {
        hush = try hushExecutable()
        guard which("git") != nil else { throw XCTSkip("git is not installed") }
        dir = try makeTemporaryDirectory()
        env = [
            "HUSH_STATE_DIR": dir.appendingPathComponent("state").path,
            "XDG_CONFIG_HOME": dir.appendingPathComponent("config").path,
            "HUSH_SCRYPT_LOG_N": "8", "HUSH_PASSPHRASE": "team secret", "HUSH_IDENTITY": "",
            "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
            "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com", "GIT_CONFIG_NOSYSTEM": "1",
        ]
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    @discardableResult
    func sh(_ command: String, input: String = "", extra: [String: String] = [:]) throws -> ProcessResult {
        try runProcess(
            "/bin/sh", ["-c", command], input: Data(input.utf8),
            environment: env.merging(["HUSH": hush]) { $1 }.merging(extra) { $1 }, directory: dir)
    }

    func setUpRepository() throws {
        XCTAssertEqual(
            try sh(
                "git init -q -b main . && git config commit.gpgsign false "
                    + "&& printf 'state/\\nconfig/\\n' >> .git/info/exclude"
            ).status, 0)
        let install = try sh("\"$HUSH\" hook install merge-driver")
        XCTAssertEqual(install.status, 0, install.stderr)
        XCTAssertTrue(
            try String(contentsOf: dir.appendingPathComponent(".gitattributes"), encoding: .utf8)
                .contains(".hush/vault.yaml merge=hush-vault"))
        XCTAssertTrue(try sh("git config merge.hush-vault.driver").stdoutText.contains("vault merge %O %A %B"))
        XCTAssertEqual(try sh("\"$HUSH\" vault init --passphrase").status, 0)
        XCTAssertEqual(try sh("\"$HUSH\" vault set SHARED", input: "base").status, 0)
        XCTAssertEqual(try sh("\"$HUSH\" vault set CHANGED_BY_A", input: "base").status, 0)
        XCTAssertEqual(try sh("git add -A && git commit -qm init").status, 0)
    }

    func testBranchesAddingDifferentEntriesMergeCleanly() throws {
        try setUpRepository()
        try sh("git checkout -q -b a && \"$HUSH\" vault set FROM_A", input: "a-value")
        try sh("\"$HUSH\" vault set CHANGED_BY_A", input: "new-a")
        try sh("git commit -qam a && git checkout -q main && git checkout -q -b b")
        try sh("\"$HUSH\" vault set FROM_B", input: "b-value")
        try sh("\"$HUSH\" vault rm SHARED")
        XCTAssertEqual(try sh("git commit -qam b").status, 0)
        let merge = try sh("git merge -q --no-edit a")
        XCTAssertEqual(merge.status, 0, merge.stderr + merge.stdoutText)
        let json = try sh("\"$HUSH\" vault export --format json")
        let object = try JSONSerialization.jsonObject(with: json.stdout) as? [String: String]
        XCTAssertEqual(object, ["FROM_A": "a-value", "FROM_B": "b-value", "CHANGED_BY_A": "new-a"])
        let verify = try sh("\"$HUSH\" vault verify")
        XCTAssertEqual(verify.status, 0, verify.stderr)
        XCTAssertEqual(try sh("git status --porcelain").stdoutText, "")
    }

    func testSameEntryChangedOnBothSidesIsReportedAsConflict() throws {
        try setUpRepository()
        try sh("git checkout -q -b a && \"$HUSH\" vault set SHARED", input: "from-a")
        try sh("git commit -qam a && git checkout -q main")
        try sh("\"$HUSH\" vault set SHARED", input: "from-main")
        try sh("\"$HUSH\" vault set ONLY_MAIN", input: "m")
        try sh("git commit -qam main")
        let merge = try sh("git merge --no-edit a")
        XCTAssertNotEqual(merge.status, 0)
        XCTAssertTrue(merge.stderr.contains("CONFLICT") && merge.stderr.contains("SHARED"), merge.stderr)
        XCTAssertTrue(try sh("git status --porcelain").stdoutText.contains("UU .hush/vault.yaml"))
        // The result is still a valid vault (ours kept for the conflicting entry).
        XCTAssertEqual(try sh("\"$HUSH\" vault get SHARED").stdoutText, "from-main")
        XCTAssertEqual(try sh("\"$HUSH\" vault verify").status, 0)
    }

    func testMergeWithoutAKeyFailsClearly() throws {
        try setUpRepository()
        try sh("git checkout -q -b a && \"$HUSH\" vault set X", input: "1")
        try sh("git commit -qam a && git checkout -q main && \"$HUSH\" vault set Y", input: "2")
        try sh("git commit -qam main")
        let before = try sh("git show HEAD:.hush/vault.yaml").stdoutText
        let merge = try sh("git merge --no-edit a", extra: ["HUSH_PASSPHRASE": "wrong"])
        XCTAssertNotEqual(merge.status, 0)
        XCTAssertTrue(merge.stderr.contains("vault merge failed"), merge.stderr)
        XCTAssertEqual(try String(contentsOf: dir.appendingPathComponent(".hush/vault.yaml"), encoding: .utf8), before)
    }
}
