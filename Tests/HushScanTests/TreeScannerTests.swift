import Foundation
import HushMatcher
import HushRules
import HushScan
import HushSources
import XCTest

final class TreeScannerTests: XCTestCase {
    static let token = "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"
    var root: String!

    override func setUpWithError() throws {
        root = NSTemporaryDirectory() + "hush-tree-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: root) }

    func scanner() throws -> TreeScanner {
        let rules = try RuleSet([
            Rule(id: "gh", description: "GitHub", regex: #"\b(ghp_[A-Za-z0-9]{36})\b"#, checksum: "crc32-base62")
        ])
        let engine = ScanEngine(matcher: try Matcher(rules: rules, cache: nil), fingerprinter: Fingerprinter(key: [1]))
        return TreeScanner(engine: engine, walkOptions: WalkOptions())
    }

    func write(_ path: String, _ bytes: [UInt8]) throws {
        let url = URL(fileURLWithPath: root + "/" + path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(bytes).write(to: url)
    }

    func testFindingsAreSortedAndSummaryCountsEverything() throws {
        try write("b/config.env", Array("x=1\nTOKEN=\(Self.token)\n".utf8))
        try write("a.env", Array("TOKEN=\(Self.token)\n".utf8))
        try write("image.png", [0x89, 0x50, 0x4E, 0x47, 0x00, 0x00] + Array("TOKEN=\(Self.token)".utf8))
        var utf16: [UInt8] = [0xFF, 0xFE]
        for unit in "TOKEN=\(Self.token)\n".utf16 { utf16 += [UInt8(unit & 0xFF), UInt8(unit >> 8)] }
        try write("win.ini", utf16)
        let warnings = Locked<[ScanWarning]>([])
        let scanner = try scanner()
        scanner.onWarning = { warning in warnings.withLock { $0.append(warning) } }
        let result = scanner.scan(roots: [root])
        XCTAssertEqual(result.findings.map(\.path), ["a.env", "b/config.env", "win.ini"])
        XCTAssertEqual(result.findings.map(\.line), [1, 2, 1])
        XCTAssertEqual(result.summary.filesScanned, 3)
        XCTAssertEqual(result.summary.skipped[SkipReason.binary.rawValue], 1)
        XCTAssertEqual(result.summary.findings, 3)
        XCTAssertTrue(warnings.withLock { $0 }.isEmpty)
    }

    func testInvalidUTF8AndHugeLinesWarnButAreStillScanned() throws {
        try write("latin1.txt", Array("caf".utf8) + [0xE9] + Array(" TOKEN=\(Self.token)\n".utf8))
        try write("minified.js", Array((String(repeating: "a", count: 3_000_000) + " \(Self.token)\n").utf8))
        let warnings = Locked<[ScanWarning]>([])
        let scanner = try scanner()
        scanner.hugeLineWarning = 1_000_000
        scanner.onWarning = { warning in warnings.withLock { $0.append(warning) } }
        let result = scanner.scan(roots: [root])
        XCTAssertEqual(result.findings.map(\.path), ["latin1.txt", "minified.js"])
        let messages = warnings.withLock { $0 }.map(\.description).sorted()
        XCTAssertEqual(messages.count, 2)
        XCTAssertTrue(messages[0].hasPrefix("latin1.txt: not valid UTF-8"), messages[0])
        XCTAssertTrue(messages[1].hasPrefix("minified.js: has a line of"), messages[1])
        XCTAssertEqual(result.summary.warnings, 2)
    }

    func testAFileRootIsReportedUnderTheGivenPath() throws {
        try write("one.env", Array("TOKEN=\(Self.token)\n".utf8))
        let result = try scanner().scan(roots: [root + "/one.env"])
        XCTAssertEqual(result.findings.map(\.path), [root + "/one.env"])
    }
}
