import Foundation
import HushScan

/// Unified diffs of a rewrite, with the secrets masked unless asked otherwise.
public enum UnifiedDiff {
    /// The diff between `old` and `new`, which have the same number of lines (a rewrite replaces values
    /// within lines). `mask` lists texts to mask in the output.
    public static func render(path: String, old: [UInt8], new: [UInt8], mask: [String], context: Int = 3) -> String {
        var oldLines = Bytes.lines(old)
        var newLines = Bytes.lines(new)
        if old.last == Bytes.newline, new.last == Bytes.newline {
            oldLines.removeLast()
            newLines.removeLast()
        }
        guard oldLines.count == newLines.count else {
            return "--- a/\(path)\n+++ b/\(path)\n(line structure changed; diff not shown)\n"
        }
        let changed = oldLines.indices.filter { oldLines[$0] != newLines[$0] }
        guard !changed.isEmpty else { return "" }
        func masked(_ line: String) -> String {
            var line = line
            for secret in mask.sorted(by: { $0.count > $1.count }) where !secret.isEmpty {
                line = line.replacingOccurrences(of: secret, with: Redaction.redact(secret))
            }
            return line
        }
        var out = "--- a/\(path)\n+++ b/\(path)\n"
        var hunks: [[Int]] = []
        for index in changed {
            if let last = hunks.last?.last, index - last <= 2 * context + 1 {
                hunks[hunks.count - 1].append(index)
            } else {
                hunks.append([index])
            }
        }
        for hunk in hunks {
            let start = max(0, hunk.first! - context)
            let end = min(oldLines.count - 1, hunk.last! + context)
            let count = end - start + 1
            out += "@@ -\(start + 1),\(count) +\(start + 1),\(count) @@\n"
            var index = start
            while index <= end {
                if oldLines[index] == newLines[index] {
                    out += " \(masked(oldLines[index]))\n"
                    index += 1
                    continue
                }
                var run = index
                while run <= end, oldLines[run] != newLines[run] { run += 1 }
                for line in oldLines[index..<run] { out += "-\(masked(line))\n" }
                for line in newLines[index..<run] { out += "+\(line)\n" }
                index = run
            }
        }
        return out
    }
}
