import Foundation
import HushScan
import HushSources
import HushTestSupport
import XCTest

/// A fast-import commit on `main`, dated and named by `version`, that
/// writes `text` to `path`.
private func fastImportCommit(_ version: Int, path: String, _ text: String) -> String {
    "commit refs/heads/main\ncommitter Dev <dev@example.com> \(1_700_000_000 + version * 60) +0000\n"
        + "data \(("v\(version)").utf8.count)\nv\(version)\n"
        + "M 100644 inline \(path)\ndata \(text.utf8.count)\n\(text)\n"
}

/// Hush reads packed blobs itself (pack index, zlib, deltas); every blob must
/// come out exactly as git stores it, and damage must not lose the rest.
final class PackReaderTests: XCTestCase {
    /// A repository whose one file has `versions` versions (a line inserted
    /// somewhere in each, some edited), written with fast-import, then
    /// packed with deltas.
    /// `planted` maps a version to a line that version (only) holds.
    private func makeHistory(versions: Int, planted: [Int: String] = [:], offsetDeltas: Bool = true) throws
        -> TestRepository
    {
        let repo = try TestRepository()
        var stream = ""
        var lines: [String] = []
        for version in 0..<versions {
            // Edits in the middle too, so that deltas copy from all over their bases.
            lines.insert("setting_\(version) = value \(version * 7919 % 1000)", at: version * 37 % (lines.count + 1))
            if version % 3 == 0 { lines[version * 13 % lines.count] += " # edited in \(version)" }
            var content = lines
            if let line = planted[version] { content.insert(line, at: content.count / 2) }
            let text = content.joined(separator: "\n") + "\n"
            stream += fastImportCommit(version, path: "config/app.ini", text)
            // A second file, so that blobs of two families share the pack.
            let other = "name = other \(version)\nshared = \(String(repeating: "x", count: 200))\n"
            stream += "M 100644 inline other.txt\ndata \(other.utf8.count)\n\(other)\n"
        }
        try repo.git(["fast-import", "--quiet"], input: stream)
        try repo.git(["reset", "-q", "--hard", "main"])
        try repo.git(
            ["-c", "repack.useDeltaBaseOffset=\(offsetDeltas)", "repack", "-adfq", "--window=20", "--depth=30"])
        return repo
    }

    private func blobIDs(_ repo: TestRepository) throws -> [GitObjectID] {
        let listing = try repo.git([
            "cat-file", "--batch-all-objects", "--batch-check=%(objecttype) %(objectname)",
        ])
        return listing.split(separator: "\n").filter { $0.hasPrefix("blob ") }
            .compactMap { GitObjectID(hex: String($0.dropFirst(5))) }
    }

    /// Reads every blob through the plan and the pack reader and compares
    /// it with libgit2's copy.
    private func assertPackReaderMatchesLibgit2(
        _ repo: TestRepository, file: StaticString = #filePath, line: UInt = #line
    )
        throws
    {
        let git = try GitRepository(path: repo.path)
        let ids = try blobIDs(repo)
        let plan = GitPackPlan.make(ids, objectsDirectory: git.commonDirectory + "objects", maxFamily: 37)
        XCTAssertEqual(plan.unpacked, [], "every blob is in the pack", file: file, line: line)
        let planned = plan.families.flatMap { $0.members.map(\.index) }
        XCTAssertEqual(planned.sorted(), Array(0..<Int32(ids.count)), "each blob once", file: file, line: line)
        XCTAssertTrue(plan.families.allSatisfy { $0.members.count <= 37 }, file: file, line: line)
        var readers: [Int: GitPackReader] = [:]
        for family in plan.families {
            let reader =
                readers[family.pack] ?? GitPackReader(pack: plan.packs[family.pack], bases: plan.bases[family.pack])
            readers[family.pack] = reader
            XCTAssertEqual(family.members.map(\.offset), family.members.map(\.offset).sorted(), file: file, line: line)
            for member in family.members {
                let id = ids[Int(member.index)]
                guard case .content(let expected) = git.readBlob(id, limit: .max) else {
                    return XCTFail("libgit2 cannot read \(id)", file: file, line: line)
                }
                guard case .content(let bytes, _) = reader.readBlob(at: member.offset, limit: .max) else {
                    return XCTFail("the pack reader cannot read \(id)", file: file, line: line)
                }
                XCTAssertTrue(
                    bytes == expected, "blob \(id): \(bytes.count) bytes read, git has \(expected.count)", file: file,
                    line: line)
            }
        }
    }

    private func deltaCount(_ repo: TestRepository) throws -> Int {
        let pack = try XCTUnwrap(
            try FileManager.default.contentsOfDirectory(atPath: repo.path + "/.git/objects/pack")
                .first { $0.hasSuffix(".idx") })
        let verify = try repo.git(["verify-pack", "-v", ".git/objects/pack/" + pack])
        // Delta entries have two more columns: depth and base.
        return verify.split(separator: "\n").filter {
            $0.split(separator: " ", omittingEmptySubsequences: true).count == 7
        }
        .count
    }

    func testEveryBlobReadFromOffsetDeltasEqualsLibgit2s() throws {
        let repo = try makeHistory(versions: 120)
        XCTAssertGreaterThan(try deltaCount(repo), 100, "the history is stored as deltas")
        try assertPackReaderMatchesLibgit2(repo)
    }

    func testEveryBlobReadFromReferenceDeltasEqualsLibgit2s() throws {
        let repo = try makeHistory(versions: 80, offsetDeltas: false)
        XCTAssertGreaterThan(try deltaCount(repo), 60)
        try assertPackReaderMatchesLibgit2(repo)
    }

    func testLargeHistoryScanFindsAndAttributesASecretInADeltaBlob() throws {
        // Above HistoryScanner.packOrderThreshold blobs, so the pack reader is used.
        let secretVersion = 400
        let repo = try makeHistory(versions: 600, planted: [secretVersion: "token = \(Tokens.two)"])
        let result = try scanHistory(repo)
        XCTAssertEqual(result.stats.blobs, 1200)
        XCTAssertEqual(result.stats.blobsScanned, 1200)
        let finding = try XCTUnwrap(result.findings.first { $0.secret == Tokens.two })
        XCTAssertEqual(finding.path, "config/app.ini")
        XCTAssertEqual(finding.line, (secretVersion + 1) / 2 + 1, "the line in that version")
        XCTAssertEqual(finding.commit?.summary, "v\(secretVersion)")
        XCTAssertEqual(finding.commit?.presentAtHead, false)
    }

    func testDamagedBlobInAPackIsReportedAndTheRestIsScanned() throws {
        let repo = try makeHistory(versions: 600, planted: [599: "token = \(Tokens.three)"])
        // Damage one old version of other.txt (not a base of anything we can
        // tell; the scan must carry on whatever it hits).
        let victim = try repo.git(["rev-parse", "main~300:other.txt"])
        let packName = try XCTUnwrap(
            try FileManager.default.contentsOfDirectory(atPath: repo.path + "/.git/objects/pack")
                .first { $0.hasSuffix(".pack") })
        let packPath = repo.path + "/.git/objects/pack/" + packName
        let verify = try repo.git(["verify-pack", "-v", ".git/objects/pack/" + packName])
        let entry = try XCTUnwrap(verify.split(separator: "\n").first { $0.hasPrefix(victim) })
        let columns = entry.split(separator: " ", omittingEmptySubsequences: true)
        let offset = try XCTUnwrap(Int(columns[4]))
        let size = try XCTUnwrap(Int(columns[3]))
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: packPath)
        let handle = try XCTUnwrap(FileHandle(forUpdatingAtPath: packPath))
        try handle.seek(toOffset: UInt64(offset + size / 2))
        try handle.write(contentsOf: Data(repeating: 0xA5, count: max(1, size / 3)))
        try handle.close()

        let warnings = Locked([String]())
        var options = HistoryScanOptions()
        options.threads = 2
        let scanner = HistoryScanner(engine: try makeEngine(), options: options)
        scanner.onWarning = { warning in warnings.withLock { $0.append("\(warning)") } }
        let result = try scanner.scan(repositoryPath: repo.path)
        XCTAssertTrue(result.findings.contains { $0.secret == Tokens.three }, "other blobs are still scanned")
        XCTAssertGreaterThanOrEqual(result.stats.missingObjects, 1)
        let said = warnings.withLock { $0 }
        XCTAssertTrue(said.contains { $0.contains(victim) }, "the damaged blob is named: \(said)")
    }

    /// Scanning deltas only around their changes must find exactly what
    /// scanning every blob whole finds: secrets that come and go, sit next
    /// to edits, span lines, hide in base64, or lose an ignore comment.
    func testScanningAroundDeltaChangesFindsWhatWholeScansFind() throws {
        let repo = try TestRepository()
        var lines = (0..<1200).map { "option_\($0) = value \($0)" }
        var random = SeededGenerator(seed: 0x9E37_79B9_7F4A_7C15)
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        func randomBody(_ count: Int) -> String {
            String(decoding: (0..<count).map { _ in alphabet[Int(random.next() >> 58)] }, as: UTF8.self)
        }
        let privateKey =
            ["-----BEGIN RSA PRIVATE KEY-----"] + (0..<18).map { _ in randomBody(64) }
            + ["-----END RSA PRIVATE KEY-----"]
        let encoded = Data("password=\(Tokens.two)".utf8).base64EncodedString()
        let planted = ["api_token", "secret_blob", "RSA PRIVATE", "hush:", "db_password", "deploy_token", "-----"]
        var stream = ""
        for version in 0..<700 {
            // One edit per version somewhere, never on a planted line.
            let target = version * 31 % lines.count
            if !planted.contains(where: { lines[target].contains($0) }) && lines[target].count < 200 {
                lines[target] = "option_\(target) = value \(version * 7)"
            }
            switch version {
            case 100: lines.insert("api_token = \(Tokens.one)", at: 600)
            case 150: lines.insert("db_password = 'Xk9#mQ2$vL7pR4zW'", at: 300)
            case 200: lines.insert("# hush:ignore-next-line", at: lines.firstIndex { $0.hasPrefix("api_token") }!)
            case 250: lines.insert("secret_blob: \(encoded)", at: 900)
            case 300: lines.insert(contentsOf: privateKey, at: 1000)
            case 350: lines.removeAll { $0.hasPrefix("# hush:") }
            case 400: lines.removeAll { $0.hasPrefix("api_token") }
            case 450:
                // Right next to the line edited in this version.
                lines.insert("deploy_token = \(Tokens.three)", at: target + 1)
            case 500: lines.removeAll { $0.hasPrefix("-----") || ($0.count == 64 && !$0.contains(" ")) }
            default: break
            }
            let text = lines.joined(separator: "\n") + "\n"
            stream += fastImportCommit(version, path: "settings.conf", text)
        }
        try repo.git(["fast-import", "--quiet"], input: stream)
        try repo.git(["repack", "-adfq", "--window=20", "--depth=30"])

        let partial = try assertScansAroundChangesMatchWholeScans(repo, atLeast: 300)
        // And the findings are the ones planted.
        let secrets = Set(partial.findings.map(\.secret))
        XCTAssertTrue(secrets.contains(Tokens.one) && secrets.contains(Tokens.three), "\(secrets)")
        XCTAssertTrue(partial.findings.contains { $0.secret.contains(Tokens.two) || $0.encoding != nil })
        XCTAssertTrue(partial.findings.contains { $0.ruleID == "private-key-rsa" }, "\(partial.findings.map(\.ruleID))")
        XCTAssertTrue(partial.findings.contains { $0.secret == "Xk9#mQ2$vL7pR4zW" })
        let token = try XCTUnwrap(partial.findings.first { $0.secret == Tokens.one })
        XCTAssertEqual(token.commit?.summary, "v100")
    }

    /// Findings as lines that say where and when they are, sorted.
    func summary(_ findings: [Finding]) -> [String] {
        findings.map { "\($0.ruleID) \($0.path):\($0.line):\($0.column) \($0.secret) \($0.commit?.id ?? "-")" }
            .sorted()
    }

    /// Scans `repo` around changes and whole; both must report the same
    /// findings and introductions, and at least `atLeast` blobs must have
    /// been scanned in part. Returns the scan around changes.
    private func assertScansAroundChangesMatchWholeScans(
        _ repo: TestRepository, atLeast: Int, file: StaticString = #filePath, line: UInt = #line
    ) throws -> HistoryScanner.Result {
        let partial = try scanHistory(repo)
        let whole = try scanHistory(repo, changesOnly: false)
        XCTAssertGreaterThanOrEqual(
            partial.stats.blobsScannedAroundChanges, atLeast, "versions scanned in part", file: file, line: line)
        XCTAssertEqual(whole.stats.blobsScannedAroundChanges, 0, file: file, line: line)
        XCTAssertEqual(summary(partial.findings), summary(whole.findings), file: file, line: line)
        XCTAssertEqual(summary(partial.introductions), summary(whole.introductions), file: file, line: line)
        return partial
    }

    /// A version scanned around its changes that brings in an ignore
    /// comment is remembered as holding one: the versions after it are
    /// scanned whole, so a later edit that turns the comment into something
    /// else, in a long line and farther from the secret under it than a
    /// change is looked around, still reveals the secret.
    func testAnIgnoreCommentBroughtInByAChangeIsSeen() throws {
        let repo = try TestRepository()
        var lines = (0..<2000).map { "option_\($0) = value \($0)" }
        // The comment is read in the last 4 KB of the line above the secret.
        let padding = String(repeating: "pad ", count: 900)
        var stream = ""
        for version in 0..<520 {
            let target = version * 31 % 1000
            lines[target] = "option_\(target) = value \(version)"
            switch version {
            case 100:
                lines.insert(contentsOf: ["# hush:ignore-next-line " + padding, "api_token = \(Tokens.one)"], at: 1500)
            case 300: lines[1500] = "# nothing to ignore: none " + padding
            default: break
            }
            stream += fastImportCommit(version, path: "settings.conf", lines.joined(separator: "\n") + "\n")
        }
        try repo.git(["fast-import", "--quiet"], input: stream)
        try repo.git(["repack", "-adfq", "--window=0"])
        let partial = try assertScansAroundChangesMatchWholeScans(repo, atLeast: 50)
        let token = try XCTUnwrap(partial.findings.first { $0.secret == Tokens.one })
        XCTAssertEqual(token.commit?.summary, "v300")
    }

    /// A pack written without deltas: each version of a file is compared
    /// with the one it replaced. Secrets far out in a long line (generated
    /// data, minified code) must survive edits next to that line, in it,
    /// and of the line above it (an ignore comment coming and going).
    func testComparingWholeVersionsFindsWhatWholeScansFind() throws {
        let repo = try TestRepository()
        let encoded = Data("password=\(Tokens.four)".utf8).base64EncodedString()
        func record(_ index: Int) -> String {
            "{\"id\":\(index),\"name\":\"item \(index)\",\"digest\":\"\(index * 7919)\"}"
        }
        var items = (0..<1500).map(record)
        var lines = (0..<40).map { "setting_\($0) = value \($0)" }
        var stream = ""
        // Enough versions for the pack plan (see `HistoryScanner.packOrderThreshold`).
        for version in 0..<600 {
            // A short line edited, added or removed next to the long one.
            switch version % 3 {
            case 0: lines.insert("added_\(version) = \(version)", at: 21)
            case 1: lines[19] = "setting_19 = value \(version)"
            default: lines.remove(at: 21)
            }
            switch version {
            case 50: items.insert("{\"api_token\":\"\(Tokens.one)\"}", at: 700)
            case 100: items.insert("{\"blob\":\"\(encoded)\"}", at: 1200)
            case 150: lines.insert("# hush:ignore-next-line", at: 20)
            case 200: lines.removeAll { $0.hasPrefix("# hush:") }
            case 250: items[100] = record(99_999)  // an edit inside the long line, far before the secrets
            case 300: items.insert("{\"deploy_token\":\"\(Tokens.three)\"}", at: 3)
            case 350: items.removeAll { $0.contains("api_token") }
            case 500: items.removeAll { $0.contains("deploy_token") }
            default: break
            }
            var content = lines
            content.insert("[" + items.joined(separator: ",") + "]", at: 20)
            let text = content.joined(separator: "\n") + "\n"
            stream += fastImportCommit(version, path: "data/catalog.json", text)
        }
        try repo.git(["fast-import", "--quiet"], input: stream)
        try repo.git(["repack", "-adfq", "--window=0"])
        let partial = try assertScansAroundChangesMatchWholeScans(repo, atLeast: 400)
        let token = try XCTUnwrap(partial.findings.first { $0.secret == Tokens.one })
        XCTAssertEqual(token.commit?.summary, "v50")
        XCTAssertTrue(partial.findings.contains { $0.secret == Tokens.three })
        XCTAssertTrue(partial.findings.contains { $0.secret.contains(Tokens.four) || $0.encoding != nil })
    }
}

extension PackReaderTests {
    /// A line added above a long line (or removed from above it) ends just
    /// where the long line starts: the long line starts as it did, so its
    /// findings past the change's reach are the old version's, moved. But
    /// when the line did not start there before (the version where it was
    /// joined to the line above, whose `hush:ignore` silenced it), the next
    /// version must scan it again, and a joined line is no longer the line
    /// whose findings were the old version's.
    func testALineAddedAboveALongLineLeavesTheLongLinesFindingsToTheOldVersion() throws {
        let repo = try TestRepository()
        func record(_ index: Int) -> String {
            "{\"id\":\(index),\"name\":\"item \(index)\",\"digest\":\"\(index * 7919)\"}"
        }
        var items = (0..<1500).map(record)
        // Short lines after the long one: it is under half of the file.
        let rest = (0..<4000).map { "row_\($0) = value \($0)\n" }.joined()
        var stream = ""
        for version in 0..<600 {
            if version == 100 { items.insert("{\"api_token\":\"\(Tokens.one)\"}", at: 700) }
            let long = "[" + items.joined(separator: ",") + "]\n" + rest
            // In fours: the long line alone, then a short line above it,
            // changed twice, or joined to it (and parted again) now and then.
            let text: String
            switch version % 4 {
            case 0: text = long
            case 1: text = "a = \(version)\n" + long
            case 2 where version % 40 == 2: text = "a = \(version - 1) # hush:ignore " + long
            default: text = "a = \(version)\n" + long
            }
            stream += fastImportCommit(version, path: "data/catalog.json", text)
            // Enough blobs for the pack plan (see `HistoryScanner.packOrderThreshold`).
            stream += fastImportCommit(version, path: "counter.txt", "count = \(version)\n")
        }
        try repo.git(["fast-import", "--quiet"], input: stream)
        try repo.git(["repack", "-adfq", "--window=0"])
        // 385 versions are scanned in part (how far into the long line: see
        // `ChangeRegionTests.testALineAddedAboveALongLineDoesNotTakeItWhole`).
        let partial = try assertScansAroundChangesMatchWholeScans(repo, atLeast: 350)
        let token = try XCTUnwrap(partial.findings.first { $0.secret == Tokens.one })
        XCTAssertEqual(token.commit?.summary, "v100")
        let found = Set(partial.introductions.filter { $0.secret == Tokens.one }.compactMap { $0.commit?.summary })
        XCTAssertTrue(found.contains("v163"), "found again once parted from the silencing line: \(found.sorted())")
        XCTAssertFalse(found.contains("v162"), "silenced while joined")
    }
}

/// Large versions of a file stored whole are inflated from where their
/// zlib streams part from the previous version's (see `GitInflateTrail`):
/// the bytes must be git's, and damage must still be caught.
final class InflateTrailTests: XCTestCase {
    /// Five versions of a 700 KB data file, packed without deltas: a line
    /// appended, one prepended, one appended, one edited near the end.
    private func makeVersions() throws -> (repo: TestRepository, ids: [GitObjectID]) {
        let repo = try TestRepository()
        var random = SeededGenerator(seed: 0x2545_F491_4F6C_DD1D)
        func record(_ index: Int) -> String {
            let value = random.next()
            return "{\"id\":\(index),\"digest\":\"\(String(value >> 20, radix: 16))\",\"weight\":\(value % 977)}"
        }
        var lines = (0..<12_000).map(record)
        var stream = ""
        for version in 0..<5 {
            switch version {
            case 1, 3: lines.append(record(lines.count))
            case 2: lines.insert(record(-1), at: 0)
            case 4: lines[lines.count - 40] = record(99_999)
            default: break
            }
            let text = lines.joined(separator: "\n") + "\n"
            stream += fastImportCommit(version, path: "data/records.json", text)
        }
        try repo.git(["fast-import", "--quiet"], input: stream)
        try repo.git(["repack", "-adfq", "--window=0"])
        let ids = try (0..<5).map { version in
            try XCTUnwrap(GitObjectID(hex: try repo.git(["rev-parse", "main~\(4 - version):data/records.json"])))
        }
        return (repo, ids)
    }

    private func openPack(_ repo: TestRepository) throws -> (pack: GitPack, path: String) {
        let directory = repo.path + "/.git/objects/pack/"
        let index = try XCTUnwrap(
            try FileManager.default.contentsOfDirectory(atPath: directory).first { $0.hasSuffix(".idx") })
        let pack = try XCTUnwrap(GitPack(indexPath: directory + index))
        return (pack, directory + index.dropLast(4) + ".pack")
    }

    func testVersionsInflatedFromTheirPredecessorsAreGitsBytes() throws {
        let (repo, ids) = try makeVersions()
        let git = try GitRepository(path: repo.path)
        let (pack, _) = try openPack(repo)
        let reader = GitPackReader(pack: pack, bases: [])
        var reused: [Int] = []
        for (version, id) in ids.enumerated() {
            let offset = try XCTUnwrap(pack.offset(of: id))
            let previous = version > 0 ? pack.offset(of: ids[version - 1]) : nil
            let before = reader.reusedInput
            guard
                case .content(let bytes, nil) = reader.readBlob(
                    at: offset, limit: .max, previous: previous, keepsTrail: true)
            else { return XCTFail("the pack reader cannot read version \(version)") }
            guard case .content(let expected) = git.readBlob(id, limit: .max) else {
                return XCTFail("libgit2 cannot read version \(version)")
            }
            XCTAssertGreaterThan(expected.count, GitPackReader.trailMinimum)
            XCTAssertTrue(bytes == expected, "version \(version): \(bytes.count) bytes, git has \(expected.count)")
            reused.append(reader.reusedInput - before)
            if let previous { reader.forgetTrail(at: previous) }
        }
        XCTAssertEqual(reused[0], 0, "the first version is inflated whole")
        XCTAssertGreaterThanOrEqual(reused[1], 128 * 1024, "an appended line leaves the stream's start as it was")
        XCTAssertEqual(reused[2], 0, "a prepended line changes the stream from its start")
        XCTAssertGreaterThanOrEqual(reused[3], 128 * 1024)
        XCTAssertGreaterThanOrEqual(reused[4], 128 * 1024, "an edit near the end")
    }

    func testDamageAfterTheSharedStartIsCaught() throws {
        let (repo, ids) = try makeVersions()
        let (pack, packPath) = try openPack(repo)
        // Damage version 3 (an appended line) near the end of its stream,
        // where it parts from version 2's.
        let verify = try repo.git(["verify-pack", "-v", String(packPath.dropFirst(repo.path.count + 1))])
        let entry = try XCTUnwrap(verify.split(separator: "\n").first { $0.hasPrefix(ids[3].description) })
        let columns = entry.split(separator: " ", omittingEmptySubsequences: true)
        let offset = try XCTUnwrap(Int(columns[4]))
        let size = try XCTUnwrap(Int(columns[3]))
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: packPath)
        let handle = try XCTUnwrap(FileHandle(forUpdatingAtPath: packPath))
        try handle.seek(toOffset: UInt64(offset + size - 200))
        try handle.write(contentsOf: Data(repeating: 0xA5, count: 8))
        try handle.close()

        let reader = GitPackReader(pack: pack, bases: [])
        let previous = try XCTUnwrap(pack.offset(of: ids[2]))
        guard case .content = reader.readBlob(at: previous, limit: .max, keepsTrail: true) else {
            return XCTFail("version 2 is intact")
        }
        let damaged = try XCTUnwrap(pack.offset(of: ids[3]))
        guard case .unreadable = reader.readBlob(at: damaged, limit: .max, previous: previous, keepsTrail: true)
        else { return XCTFail("a damaged stream must not come back as content") }
    }
}

/// The history walk reads trees out of packs itself; it must see exactly
/// the changes libgit2's trees give.
final class TreeReaderTests: XCTestCase {
    func testTreesReadFromPacksGiveTheSameChangesAsLibgit2() throws {
        let repo = try TestRepository()
        var stream = ""
        var mark = 0
        func commit(_ version: Int, merging: Int? = nil, _ commands: [String]) {
            mark += 1
            stream += "commit refs/heads/\(merging == nil ? "main" : "main")\nmark :\(mark)\n"
            stream += "committer Dev <dev@example.com> \(1_700_000_000 + version * 60) +0000\ndata 2\nc\n"
            if let merging { stream += "merge :\(merging)\n" }
            for command in commands { stream += command + "\n" }
            stream += "\n"
        }
        func file(_ path: String, _ text: String, mode: String = "100644") -> String {
            "M \(mode) inline \(path)\ndata \(text.utf8.count)\n\(text)"
        }
        for version in 0..<90 {
            var commands = [
                file("src/module_\(version % 7)/file_\(version % 5).txt", "value = \(version)\n"),
                file("config/app.ini", "revision = \(version)\n"),
            ]
            switch version {
            // Names whose order differs between a folder and a file (git sorts `lib` as `lib/`).
            case 5: commands += [file("lib-extra", "1\n"), file("lib.txt", "1\n"), file("lib/x", "1\n")]
            case 80: commands.append(file("lib/x", "2\n"))
            case 10: commands.append(file("tools/run.sh", "echo run\n", mode: "100755"))
            case 20: commands.append(file("tools/run.sh", "echo run\n"))  // mode change only
            case 30: commands.append(file("link", "config/app.ini", mode: "120000"))
            case 40: commands.append("M 160000 \(String(repeating: "ab", count: 20)) vendor/lib")
            case 50: commands += ["D config/app.ini", file("config/app.ini/nested.ini", "now a folder\n")]
            case 60: commands += ["D config/app.ini", file("config/app.ini", "a file again\n")]
            case 70: commands.append("D src/module_3")
            default: break
            }
            commit(version, commands)
        }
        // A side branch merged back, touching the same file.
        stream += "reset refs/heads/side\nfrom :60\n"
        mark += 1
        let side = mark
        stream += "commit refs/heads/side\nmark :\(side)\ncommitter Dev <dev@example.com> 1700009000 +0000\ndata 2\ns\n"
        stream += file("config/side.ini", "side = 1\n") + "\n" + file("src/module_1/file_1.txt", "from side\n") + "\n\n"
        commit(95, merging: side, [file("src/module_1/file_1.txt", "merged\n")])
        try repo.git(["fast-import", "--quiet"], input: stream)
        try repo.git(["repack", "-adfq", "--window=20", "--depth=30"])

        func changes(readsPacks: Bool) throws -> [String] {
            var walker = GitHistoryWalker(repository: try GitRepository(path: repo.path))
            walker.readsPacks = readsPacks
            walker.threads = 2
            let set = walker.changes(selection: .all(unreachable: false))
            let rows = set.changes.map { change in
                let previous = set.previousBlobs(of: change).map { set.blobs[Int($0)].description }
                return "\(set.commits[Int(change.commit)].id) \(set.paths[Int(change.path)]) "
                    + "\(set.blobs[Int(change.blob)]) <- \(previous.joined(separator: ","))"
            }
            return rows.sorted() + set.submodulePaths.sorted() + set.missingTrees.map(\.description)
        }
        let fromPacks = try changes(readsPacks: true)
        XCTAssertGreaterThan(fromPacks.count, 150)
        XCTAssertTrue(fromPacks.contains("vendor/lib"), "the submodule is seen")
        XCTAssertTrue(fromPacks.contains { $0.contains(" config/app.ini/nested.ini ") })
        XCTAssertEqual(fromPacks.filter { $0.contains(" lib/x ") }.count, 2, "added, then changed once")
        XCTAssertEqual(fromPacks.filter { $0.contains(" lib.txt ") }.count, 1)
        XCTAssertEqual(fromPacks, try changes(readsPacks: false))
    }

    func testCommitsReadAheadFromThePackEqualLibgit2s() throws {
        let repo = try TestRepository()
        var stream = ""
        // Over a thousand commits (read by several threads), a merge, and
        // signatures with odd names, zones and times.
        let signatures = [
            "Dev <dev@example.com> 1700000000 +0000", "Dév Ölç <d@example.com> 1700000100 -0130",
            "<nobody@example.com> 0 +0000", "Some One <one@example.com> 1700000200 +1400",
        ]
        for version in 0..<1100 {
            stream += "commit refs/heads/\(version >= 1000 && version < 1050 ? "side" : "main")\nmark :\(version + 1)\n"
            stream += "author \(signatures[(version + 1) % signatures.count])\n"
            stream += "committer \(signatures[version % signatures.count])\ndata 4\nc\(version % 10)\n\n"
            if version == 1000 { stream += "from :1000\n" }  // the side branch starts at main's commit 999
            if version == 1050 { stream += "from :1000\nmerge :1050\n" }
            stream +=
                "M 100644 inline file_\(version % 13).txt\ndata 8\nv\(String(version).padding(toLength: 6, withPad: " ", startingAt: 0))\n\n"
        }
        try repo.git(["fast-import", "--quiet"], input: stream)
        try repo.git(["repack", "-adfq"])
        let repository = try GitRepository(path: repo.path)
        let packs = GitPackSet(objectsDirectory: repository.commonDirectory + "objects").packs
        let headers = GitCommitHeader.leadingCommits(in: packs, workers: 2)
        XCTAssertEqual(headers.count, 1100)
        // Read a few kilobytes at a time, the commits come out the same.
        XCTAssertEqual(GitCommitHeader.leadingCommits(in: packs, workers: 2, window: 4096), headers)
        XCTAssertTrue(headers.values.contains { $0.parents.count == 2 }, "the merge is read")
        for (id, header) in headers {
            XCTAssertEqual(header, repository.commit(id)?.header, "\(id)")
        }
    }
}

extension PackReaderTests {
    /// A large file whose versions git mostly stored whole, but now and then
    /// as a delta of another file that shares a third of it (fast-import
    /// deltas each blob against the one written before it). Such a delta
    /// changes most of its base, and it and the whole version after it are
    /// read in other work items than the versions they replaced: those
    /// pass between the items on the shelf (see `VersionShelf`), and both
    /// are compared with them instead of scanned whole.
    func testVersionsReadInAnotherWorkItemAreComparedThroughTheShelf() throws {
        let repo = try TestRepository()
        var random = SeededGenerator(seed: 0x5EED_0F5E_1F00_D00D)
        func record(_ index: Int) -> String {
            "{\"id\":\(index),\"digest\":\"\(String(random.next() >> 4, radix: 16))\"}"
        }
        var items = (0..<1200).map(record)
        var stream = ""
        for version in 0..<300 {
            items[(version * 37) % items.count] = record(version + 10_000)
            switch version {
            case 40: items.insert("{\"api_token\":\"\(Tokens.one)\"}", at: 900)
            case 120: items.insert("{\"deploy_token\":\"\(Tokens.two)\"}", at: 200)
            case 201: items.removeAll { $0.contains("api_token") }
            default: break
            }
            let text = items.joined(separator: "\n") + "\n"
            // A small blob between versions keeps fast-import from making deltas of them.
            stream += fastImportCommit(version, path: "counter.txt", "count = \(version)\n")
            if version % 10 == 0 {
                // Shares the first third of the file: the version after it is stored as its delta.
                let share = text.utf8.count / 3
                let other = String(text.prefix(share)) + (0..<800).map { _ in record(-1) }.joined(separator: "\n")
                stream += fastImportCommit(version, path: "other.json", other + "\n")
            }
            stream += fastImportCommit(version, path: "data/records.json", text)
        }
        try repo.git(["fast-import", "--quiet"], input: stream)
        // On one thread the order is fixed: 296 of the 300 versions are
        // scanned in part, 56 of them (deltas of other.json and the versions
        // after them) against a version taken from the shelf; 240 without
        // it. On two, which thread comes first varies: the findings may not.
        let whole = try scanHistory(repo, changesOnly: false)
        let partial = try scanHistory(repo, threads: 1)
        XCTAssertGreaterThanOrEqual(partial.stats.blobsScannedAroundChanges, 290)
        for scan in [partial, try scanHistory(repo, threads: 2)] {
            XCTAssertEqual(summary(scan.findings), summary(whole.findings))
            XCTAssertEqual(summary(scan.introductions), summary(whole.introductions))
        }
        XCTAssertEqual(partial.findings.first { $0.secret == Tokens.one }?.commit?.summary, "v40")
        XCTAssertEqual(partial.findings.first { $0.secret == Tokens.two }?.commit?.summary, "v120")
    }
}
