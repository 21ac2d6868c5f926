import Foundation
import HushTestSupport
import XCTest

/// `hush hook`: installing client hooks and the pre-receive check.
final class GitHookTests: XCTestCase {
    func testInstallRefusesForeignHooksUnlessForcedAndUninstalls() throws {
        let repo = try TestRepository()
        try repo.commit("one", ["a.txt": "a\n"])
        let hooks = repo.path + "/.git/hooks"

        let install = try hush(["hook", "install", "pre-commit"], in: repo.path)
        XCTAssertEqual(install.status, 0, install.stderr)
        let script = try String(contentsOfFile: hooks + "/pre-commit", encoding: .utf8)
        XCTAssertTrue(script.contains("# hush-managed-hook"))
        XCTAssertTrue(script.contains("scan --git --staged"))
        XCTAssertTrue(FileManager.default.isExecutableFile(atPath: hooks + "/pre-commit"))
        XCTAssertEqual(try hush(["hook", "install", "pre-commit"], in: repo.path).status, 0, "reinstall is fine")

        try "#!/bin/sh\necho mine\n".write(toFile: hooks + "/pre-push", atomically: false, encoding: .utf8)
        let refused = try hush(["hook", "install", "pre-push"], in: repo.path)
        XCTAssertEqual(refused.status, 2)
        XCTAssertTrue(refused.stderr.contains("--force"), refused.stderr)
        XCTAssertEqual(try String(contentsOfFile: hooks + "/pre-push", encoding: .utf8), "#!/bin/sh\necho mine\n")
        XCTAssertEqual(try hush(["hook", "uninstall", "pre-push"], in: repo.path).status, 2, "not ours")

        XCTAssertEqual(try hush(["hook", "install", "pre-push", "--force"], in: repo.path).status, 0)
        XCTAssertTrue(try String(contentsOfFile: hooks + "/pre-push", encoding: .utf8).contains("hook pre-push"))

        XCTAssertEqual(try hush(["hook", "uninstall", "pre-commit"], in: repo.path).status, 0)
        XCTAssertFalse(FileManager.default.fileExists(atPath: hooks + "/pre-commit"))
        XCTAssertEqual(try hush(["hook", "uninstall", "pre-push"], in: repo.path).status, 0)
        XCTAssertEqual(try hush(["hook", "uninstall", "pre-push"], in: repo.path).status, 2)
    }

    func testPreCommitHookBlocksACommitThatAddsASecret() throws {
        let repo = try TestRepository()
        try repo.commit("one", ["a.txt": "a\n"])
        XCTAssertEqual(try hush(["hook", "install", "pre-commit"], in: repo.path).status, 0)
        try repo.write(["secret.env": "T=\(Tokens.one)\n"])
        try repo.git(["add", "secret.env"])
        XCTAssertThrowsError(try repo.git(["commit", "-q", "-m", "leak"]))
        XCTAssertEqual(try repo.git(["rev-list", "--count", "HEAD"]), "1")
        try repo.git(["rm", "-q", "--cached", "secret.env"])
        try repo.write(["ok.txt": "fine\n"])
        try repo.git(["add", "ok.txt"])
        XCTAssertNoThrow(try repo.git(["commit", "-q", "-m", "fine"]))
    }

    func testPrePushHookScansOnlyTheCommitsBeingPushed() throws {
        let server = try TestRepository(bare: true, name: "server.git")
        let repo = try TestRepository()
        try repo.commit("old secret", ["old.env": "T=\(Tokens.one)\n"])
        try repo.git(["remote", "add", "origin", server.path])
        try repo.git(["push", "-q", "origin", "main"])
        XCTAssertEqual(try hush(["hook", "install", "pre-push"], in: repo.path).status, 0)

        try repo.commit("clean work", ["b.txt": "b\n"])
        XCTAssertNoThrow(try repo.git(["push", "-q", "origin", "main"]), "the old secret is already on the remote")
        try repo.git(["checkout", "-q", "-b", "topic"])
        try repo.commit("leak", ["c.env": "T=\(Tokens.two)\n"])
        XCTAssertThrowsError(try repo.git(["push", "-q", "origin", "topic"]))
    }

    func testPreReceiveRejectsNewSecretsAcceptsOldHistoryAndDeletions() throws {
        let server = try TestRepository(bare: true, name: "server.git")
        let repo = try TestRepository()
        try repo.commit("old secret", ["old.env": "T=\(Tokens.one)\n"])
        try repo.git(["remote", "add", "origin", server.path])
        try repo.git(["push", "-q", "origin", "main"])
        try repo.git(["push", "-q", "origin", "main:doomed"])

        let hook = server.path + "/hooks/pre-receive"
        try "#!/bin/sh\nexec '\(try hushExecutable())' hook pre-receive\n".write(
            toFile: hook, atomically: false, encoding: .utf8)
        chmod(hook, 0o755)

        // A new branch with only clean commits: the old secret is reachable from main, not rescanned.
        try repo.git(["checkout", "-q", "-b", "feature"])
        try repo.commit("clean", ["b.txt": "b\n"])
        XCTAssertNoThrow(try repo.git(["push", "-q", "origin", "feature"]))

        // A new branch adding a secret is rejected, with a redacted report and advice.
        try repo.git(["checkout", "-q", "-b", "leaky"])
        try repo.commit("leak", ["c.env": "T=\(Tokens.two)\n"])
        let push = try runProcess("/usr/bin/git", ["push", "origin", "leaky"], in: repo.path)
        XCTAssertNotEqual(push.status, 0)
        XCTAssertTrue(push.stderr.contains("rejected"), push.stderr)
        XCTAssertTrue(push.stderr.contains("c.env"), push.stderr)
        XCTAssertTrue(push.stderr.contains("To resolve"), push.stderr)
        XCTAssertFalse(push.stderr.contains(Tokens.two), "the secret is never printed in full")
        XCTAssertThrowsError(try server.git(["rev-parse", "--verify", "-q", "refs/heads/leaky"]))

        // An update of an existing branch that removes the secret again still adds it in between.
        try repo.commit("remove", ["c.env": nil])
        XCTAssertThrowsError(try repo.git(["push", "-q", "origin", "leaky:feature"]))

        // Deleting a branch passes.
        XCTAssertNoThrow(try repo.git(["push", "-q", "origin", ":doomed"]))
    }

    func testPreReceiveReadsStdinDirectly() throws {
        let repo = try TestRepository()
        let base = try repo.commit("base", ["a.txt": "a\n"])
        let leak = try repo.commit("leak", ["s.env": "T=\(Tokens.three)\n"])
        try repo.git(["reset", "-q", "--hard", base])
        let zero = String(repeating: "0", count: 40)
        // The leak commit exists but no ref reaches it: like objects just received.
        let rejected = try hush(
            ["hook", "pre-receive", "--repository", "."], in: repo.path, input: "\(zero) \(leak) refs/heads/new\n")
        XCTAssertEqual(rejected.status, 1, rejected.stderr)
        let deletion = try hush(
            ["hook", "pre-receive", "--repository", "."], in: repo.path, input: "\(base) \(zero) refs/heads/main\n")
        XCTAssertEqual(deletion.status, 0, deletion.stderr)
        let garbage = try hush(["hook", "pre-receive", "--repository", "."], in: repo.path, input: "what\n")
        XCTAssertEqual(garbage.status, 2)
    }
}
