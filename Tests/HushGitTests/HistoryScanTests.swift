import Foundation
import HushScan
import HushSources
import HushTestSupport
import XCTest

/// History scans through the library: attribution, dedup, ranges, staged.
final class HistoryScanTests: XCTestCase {
    func testFindingIsAttributedToTheCommitThatIntroducedIt() throws {
        let repo = try TestRepository()
        try repo.commit("initial", ["README.md": "hello\n"])
        let introducing = try repo.commit("add config", ["config.env": "USER=app\nTOKEN=\(Tokens.one)\n"])
        try repo.commit("edit config", ["config.env": "USER=app2\nTOKEN=\(Tokens.one)\n"])

        let result = try scanHistory(repo)
        XCTAssertEqual(result.findings.count, 1)
        let finding = try XCTUnwrap(result.findings.first)
        XCTAssertEqual(finding.path, "config.env")
        XCTAssertEqual(finding.line, 2)
        XCTAssertEqual(finding.secret, Tokens.one)
        XCTAssertEqual(finding.commit?.id, introducing)
        XCTAssertEqual(finding.commit?.author, "Test Author")
        XCTAssertEqual(finding.commit?.email, "author@example.com")
        XCTAssertEqual(finding.commit?.summary, "add config")
        XCTAssertEqual(finding.commit?.presentAtHead, true)
        XCTAssertEqual(finding.otherLocations, [], "an edit elsewhere in the file does not re-introduce the secret")
        XCTAssertEqual(result.stats.commits, 3)
    }

    func testSameBlobInSeveralPathsAndCommitsIsScannedOnce() throws {
        let repo = try TestRepository()
        let content = "TOKEN=\(Tokens.one)\n"
        let first = try repo.commit("add a", ["a.env": content])
        let second = try repo.commit("copy to b", ["b.env": content])
        try repo.git(["checkout", "-q", "-b", "side"])
        let third = try repo.commit("copy to c on a branch", ["nested/c.env": content])
        try repo.git(["checkout", "-q", "main"])
        try repo.commit("unrelated", ["README.md": "x\n"])

        let result = try scanHistory(repo)
        // Distinct blobs: the token file and README.md.
        XCTAssertEqual(result.stats.blobs, 2)
        XCTAssertEqual(result.stats.blobsScanned, 2, "each distinct blob is read and scanned once")
        XCTAssertEqual(result.summary.filesScanned, 2)
        XCTAssertEqual(result.findings.count, 1, "one finding for one secret")
        let finding = try XCTUnwrap(result.findings.first)
        XCTAssertEqual(finding.commit?.id, first)
        XCTAssertEqual(finding.path, "a.env")
        let others = Set(finding.otherLocations.map { "\($0.path)@\($0.commit ?? "")" })
        XCTAssertEqual(others, ["b.env@\(second)", "nested/c.env@\(third)"])
        XCTAssertEqual(result.introductions.count, 3, "one introduction per path and commit")
        XCTAssertEqual(Set(result.introductions.compactMap { $0.commit?.id }), [first, second, third])
    }

    func testDeletedSecretIsFoundOnlyInHistory() throws {
        let repo = try TestRepository()
        let added = try repo.commit("add secret", ["deploy/key.txt": "token: \(Tokens.two)\n", "keep.txt": "k\n"])
        try repo.commit("remove secret", ["deploy/key.txt": nil])

        let result = try scanHistory(repo)
        let finding = try XCTUnwrap(result.findings.first)
        XCTAssertEqual(result.findings.count, 1)
        XCTAssertEqual(finding.commit?.id, added)
        XCTAssertEqual(finding.commit?.presentAtHead, false)
    }

    func testSecretStillAtHeadUnderAnotherLineIsPresent() throws {
        let repo = try TestRepository()
        try repo.commit("add", ["app.env": "A=\(Tokens.one)\n"])
        try repo.commit("move line", ["app.env": "# header\n\nA=\(Tokens.one)\n"])
        let result = try scanHistory(repo)
        XCTAssertEqual(result.findings.first?.commit?.presentAtHead, true)
        XCTAssertEqual(result.findings.count, 1)
    }

    func testRangeFindsWhatItAddsEvenIfRemovedButNotOlderSecrets() throws {
        let repo = try TestRepository()
        let base = try repo.commit("old secret", ["old.env": "OLD=\(Tokens.one)\n"])
        let added = try repo.commit("add new secret", ["new.env": "NEW=\(Tokens.two)\n"])
        try repo.commit("remove new secret", ["new.env": nil])
        let head = try repo.commit("edit old file", ["old.env": "OLD=\(Tokens.one)\nMORE=1\n"])

        let result = try scanHistory(repo, .range("\(base)..\(head)"))
        XCTAssertEqual(result.findings.map(\.secret), [Tokens.two])
        XCTAssertEqual(result.findings.first?.commit?.id, added)
        XCTAssertEqual(result.findings.first?.commit?.presentAtHead, false)
        XCTAssertEqual(result.stats.commits, 3, "only the commits in the range are walked")

        let since = try scanHistory(repo, .since(base))
        XCTAssertEqual(since.findings.map(\.secret), [Tokens.two])
        let nothing = try scanHistory(repo, .range("\(added)..\(head)"))
        XCTAssertEqual(nothing.findings.count, 0)
    }

    func testRangeAcrossAMergeAttributesToTheBranchCommit() throws {
        let repo = try TestRepository()
        let base = try repo.commit("base", ["README.md": "base\n"])
        try repo.git(["checkout", "-q", "-b", "feature"])
        let featureCommit = try repo.commit("feature adds token", ["feature.env": "T=\(Tokens.three)\n"])
        try repo.git(["checkout", "-q", "main"])
        try repo.commit("main work", ["main.txt": "work\n"])
        try repo.git(["merge", "-q", "--no-ff", "-m", "merge feature", "feature"])
        let merge = try repo.git(["rev-parse", "HEAD"])

        let all = try scanHistory(repo, .range("\(base)..\(merge)"))
        XCTAssertEqual(all.findings.count, 1)
        XCTAssertEqual(all.findings.first?.commit?.id, featureCommit, "the merge only carries the secret along")
        XCTAssertEqual(all.introductions.count, 1)

        // The feature branch was already checked: merging it in adds nothing new.
        let afterFeature = try scanHistory(repo, .range("\(featureCommit)..\(merge)"))
        XCTAssertEqual(afterFeature.findings.count, 0)
    }

    func testMergeResolutionThatAddsASecretIsAttributedToTheMerge() throws {
        let repo = try TestRepository()
        let base = try repo.commit("base", ["conf.env": "A=1\n"])
        try repo.git(["checkout", "-q", "-b", "feature"])
        try repo.commit("feature", ["conf.env": "A=2\n"])
        try repo.git(["checkout", "-q", "main"])
        try repo.commit("main", ["conf.env": "A=3\n"])
        _ = try? repo.git(["merge", "-q", "feature"])
        try repo.write(["conf.env": "A=4\nTOKEN=\(Tokens.four)\n"])
        try repo.git(["add", "-A"])
        try repo.git(["commit", "-q", "-m", "resolve with a token"])
        let merge = try repo.git(["rev-parse", "HEAD"])

        let result = try scanHistory(repo, .range("\(base)..\(merge)"))
        XCTAssertEqual(result.findings.first?.commit?.id, merge)
        XCTAssertEqual(result.findings.count, 1)
    }

    func testStagedScansTheIndexAgainstHead() throws {
        let repo = try TestRepository()
        try repo.commit("committed secret", ["old.env": "OLD=\(Tokens.one)\n"])
        try repo.write(["new.env": "NEW=\(Tokens.two)\n", "unstaged.env": "U=\(Tokens.three)\n"])
        try repo.git(["add", "new.env"])
        try repo.write(["old.env": "OLD=\(Tokens.one)\nX=1\n"])
        try repo.git(["add", "old.env"])

        let result = try scanHistory(repo, .staged)
        XCTAssertEqual(result.findings.map(\.secret), [Tokens.two])
        XCTAssertEqual(result.findings.first?.path, "new.env")
        XCTAssertNil(result.findings.first?.commit)
    }

    func testStagedWorksBeforeTheFirstCommit() throws {
        let repo = try TestRepository()
        try repo.write(["first.env": "T=\(Tokens.one)\n"])
        try repo.git(["add", "first.env"])
        let result = try scanHistory(repo, .staged)
        XCTAssertEqual(result.findings.count, 1)
    }

    func testInvalidRangesAreRejected() throws {
        let repo = try TestRepository()
        try repo.commit("one", ["a.txt": "a\n"])
        XCTAssertThrowsError(try scanHistory(repo, .range("main..nope"))) { error in
            guard case .invalidRange = error as? GitError else { return XCTFail("\(error)") }
        }
        XCTAssertThrowsError(try scanHistory(repo, .range("main")))
        XCTAssertThrowsError(try scanHistory(repo, .since("missing-ref")))
    }

    func testNotARepository() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hush-norepo-\(UUID())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        XCTAssertThrowsError(try scanHistory(TestRepository(existing: directory))) { error in
            XCTAssertEqual(error as? GitError, .notARepository(path: directory))
        }
    }

    func testBareRepositoryHistoryIsScanned() throws {
        let repo = try TestRepository()
        let added = try repo.commit("add", ["x.env": "T=\(Tokens.one)\n"])
        let bare = repo.path + "-bare.git"
        try repo.git(["clone", "-q", "--bare", repo.path, bare])
        let result = try scanHistory(TestRepository(existing: bare))
        XCTAssertEqual(result.findings.first?.commit?.id, added)
    }

    func testSubmodulesAndLFSPointersAreSkippedWithANote() throws {
        let repo = try TestRepository()
        try repo.commit(
            "lfs",
            [
                "big.bin": "version https://git-lfs.github.com/spec/v1\noid sha256:abc\nsize 12\n",
                "a.txt": "plain\n",
            ])
        let head = try repo.git(["rev-parse", "HEAD"])
        try repo.git(["update-index", "--add", "--cacheinfo", "160000,\(head),vendor/lib"])
        try repo.git(["commit", "-q", "-m", "add submodule"])
        let result = try scanHistory(repo)
        XCTAssertEqual(result.stats.submodules, ["vendor/lib"])
        XCTAssertEqual(result.stats.lfsPointers, 1)
        XCTAssertEqual(result.summary.skipped["lfs pointer"], 1)
        XCTAssertEqual(result.summary.skipped["submodule"], 1)
    }

    func testOversizeBlobsAreSkippedAndCounted() throws {
        let repo = try TestRepository()
        try repo.commit("big", ["big.env": String(repeating: "x", count: 5000) + "\nT=\(Tokens.one)\n"])
        var options = HistoryScanOptions()
        options.maxBlobSize = 1000
        let result = try HistoryScanner(engine: try makeEngine(), options: options).scan(repositoryPath: repo.path)
        XCTAssertEqual(result.findings.count, 0)
        XCTAssertEqual(result.summary.skipped[SkipReason.tooLarge.rawValue], 1)
    }

    func testUnreachableObjectsNeedAllObjects() throws {
        let repo = try TestRepository()
        try repo.commit("base", ["a.txt": "a\n"])
        try repo.write(["dangling.env": "T=\(Tokens.two)\n"])
        try repo.git(["add", "dangling.env"])
        try repo.git(["commit", "-q", "-m", "soon dangling"])
        try repo.git(["reset", "-q", "--hard", "HEAD~1"])
        try repo.git(["reflog", "expire", "--expire=now", "--all"])

        // A blob that was staged and then dropped: no commit records it.
        try repo.write(["staged-only.env": "T=\(Tokens.three)\n"])
        try repo.git(["add", "staged-only.env"])
        try repo.git(["rm", "-q", "--cached", "staged-only.env"])

        XCTAssertEqual(try scanHistory(repo).findings.count, 0)
        let all = try scanHistory(repo, .all(unreachable: true))
        XCTAssertEqual(Set(all.findings.map(\.secret)), [Tokens.two, Tokens.three])
        let dangling = try XCTUnwrap(all.findings.first { $0.secret == Tokens.two })
        XCTAssertEqual(dangling.commit?.summary, "soon dangling")
        let loose = try XCTUnwrap(all.findings.first { $0.secret == Tokens.three })
        XCTAssertNil(loose.commit)
        XCTAssertTrue(loose.path.hasPrefix("(unreachable blob "), loose.path)
    }
}
