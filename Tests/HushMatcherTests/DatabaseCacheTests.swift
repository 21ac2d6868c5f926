import Foundation
import HushMatcher
import HushRules
import XCTest

final class DatabaseCacheTests: XCTestCase {
    var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("hush-cache-\(UUID())")
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: directory) }

    func rules() throws -> RuleSet {
        try RuleSet([Rule(id: "t", description: "t", regex: #"\b(tok_[a-z]{8})\b"#)])
    }

    func cachedFiles() throws -> [URL] {
        try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
    }

    func testFirstBuildWritesTheCacheAndLaterBuildsUseIt() throws {
        let cache = DatabaseCache(directory: directory)
        _ = try Matcher(rules: rules(), cache: cache)
        let files = try cachedFiles()
        XCTAssertEqual(files.count, 1)
        let matcher = try Matcher(rules: rules(), cache: cache)
        XCTAssertEqual(matcher.scan(Array("x tok_abcdefgh y".utf8)).count, 1)
    }

    func testCorruptOrTruncatedCacheIsRebuiltSilently() throws {
        let cache = DatabaseCache(directory: directory)
        _ = try Matcher(rules: rules(), cache: cache)
        let file = try XCTUnwrap(cachedFiles().first)
        let original = try Data(contentsOf: file)
        for damaged in [Data("garbage".utf8), original.prefix(original.count / 2), flipLastByte(original)] {
            try damaged.write(to: file)
            let matcher = try Matcher(rules: rules(), cache: cache)
            XCTAssertEqual(matcher.scan(Array("tok_abcdefgh".utf8)).count, 1)
            XCTAssertEqual(try Data(contentsOf: file), original, "the cache was rewritten")
        }
    }

    func testDifferentRulesUseDifferentCacheEntries() throws {
        let cache = DatabaseCache(directory: directory)
        _ = try Matcher(rules: rules(), cache: cache)
        _ = try Matcher(rules: RuleSet([Rule(id: "u", description: "u", regex: "other_[0-9]{4}")]), cache: cache)
        XCTAssertEqual(try cachedFiles().count, 2)
    }

    private func flipLastByte(_ data: Data) -> Data {
        var copy = data
        copy[copy.count - 1] ^= 0xFF
        return copy
    }
}
