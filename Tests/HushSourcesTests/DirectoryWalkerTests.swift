import Foundation
import HushSources
import XCTest

final class DirectoryWalkerTests: XCTestCase {
    var root: String!

    override func setUpWithError() throws {
        root = NSTemporaryDirectory() + "hush-walk-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: root) }

    func write(_ path: String, _ text: String = "x") throws {
        let url = URL(fileURLWithPath: root + "/" + path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: url, atomically: true, encoding: .utf8)
    }

    func walk(_ options: WalkOptions = WalkOptions()) -> (files: [String], skipped: [String: SkipReason]) {
        let files = Locked<[String]>([])
        let skipped = Locked<[String: SkipReason]>([:])
        DirectoryWalker(root: root, options: options).walk(
            visit: { file, _ in files.withLock { $0.append(file.path) } },
            skip: { path, reason, _ in skipped.withLock { $0[path] = reason } })
        return (files.withLock { $0 }.sorted(), skipped.withLock { $0 })
    }

    func testHonoursGitignoreInsideAGitWorkTreeUnlessToldNotTo() throws {
        try write(".gitignore", "*.secret\nbuild/\n")
        try write("a.txt")
        try write("b.secret")
        try write("build/out.txt")
        try write("src/c.txt")
        try write(".git/config", "[core]")
        XCTAssertEqual(walk().files, [".gitignore", "a.txt", "src/c.txt"])
        var options = WalkOptions()
        options.respectIgnoreFiles = false
        XCTAssertEqual(walk(options).files, [".gitignore", "a.txt", "b.secret", "build/out.txt", "src/c.txt"])
    }

    func testGitignoreMeansNothingOutsideAGitWorkTree() throws {
        try write(".gitignore", "*.secret\n")
        try write("b.secret")
        XCTAssertEqual(walk().files, [".gitignore", "b.secret"])
    }

    func testSkipsLargeFilesSymlinksAndFIFOs() throws {
        try write("big.txt", String(repeating: "a", count: 2000))
        try write("small.txt")
        try FileManager.default.createSymbolicLink(atPath: root + "/link.txt", withDestinationPath: root + "/small.txt")
        XCTAssertEqual(mkfifo(root + "/pipe", 0o600), 0)
        var options = WalkOptions()
        options.maxFileSize = 1000
        let result = walk(options)
        XCTAssertEqual(result.files, ["small.txt"])
        XCTAssertEqual(result.skipped["big.txt"], .tooLarge)
        XCTAssertEqual(result.skipped["link.txt"], .symlink)
        XCTAssertEqual(result.skipped["pipe"], .special)
    }

    func testFollowedSymlinkLoopsAreDetected() throws {
        try write("dir/file.txt")
        try FileManager.default.createSymbolicLink(atPath: root + "/dir/loop", withDestinationPath: root + "/dir")
        try FileManager.default.createSymbolicLink(atPath: root + "/self", withDestinationPath: root + "/self")
        var options = WalkOptions()
        options.followSymlinks = true
        let result = walk(options)
        XCTAssertEqual(result.files, ["dir/file.txt"])
        XCTAssertEqual(result.skipped["dir/loop"], .symlinkLoop)
        XCTAssertEqual(result.skipped["self"], .symlinkLoop)
    }

    func testWalksManyFilesOnSeveralThreads() throws {
        for index in 0..<300 { try write("d\(index % 17)/f\(index).txt") }
        var options = WalkOptions()
        options.threads = 4
        XCTAssertEqual(walk(options).files.count, 300)
    }
}
