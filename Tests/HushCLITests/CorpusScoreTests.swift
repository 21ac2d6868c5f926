import Foundation
import XCTest

/// Scores the scanner on the shared labelled development corpus with its own
/// scorer, and holds it to the project's bar: recall and precision ≥ 0.97.
final class CorpusScoreTests: XCTestCase {
    static var corpus: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/corpus")
    }

    func testDevelopmentCorpusRecallAndPrecisionAreAtLeast97Percent() throws {
        let corpus = Self.corpus
        guard FileManager.default.fileExists(atPath: corpus.appendingPathComponent("score.py").path) else {
            throw XCTSkip("the shared corpus is not at \(corpus.path)")
        }
        let files = corpus.appendingPathComponent("dev/files").path
        let scan = try HushProcess.run(["scan", files, "--format", "jsonl", "--no-redact", "--quiet"])
        XCTAssertEqual(scan.status, 1, scan.stderr)
        let findings = FileManager.default.temporaryDirectory.appendingPathComponent("hush-corpus-\(UUID()).jsonl")
        try scan.stdout.write(to: findings, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: findings) }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "python3", corpus.appendingPathComponent("score.py").path, "--labels",
            corpus.appendingPathComponent("dev/labels.jsonl").path, "--findings", findings.path, "--root", files,
            "--json",
        ]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let score = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
        let recall = try XCTUnwrap(score["recall"] as? Double)
        let precision = try XCTUnwrap(score["precision"] as? Double)
        XCTAssertGreaterThanOrEqual(recall, 0.97, "recall")
        XCTAssertGreaterThanOrEqual(precision, 0.97, "precision")
    }
}
