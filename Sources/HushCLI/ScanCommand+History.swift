import ArgumentParser
import Foundation
import HushRules
import HushScan
import HushSources

extension ScanCommand {
    /// `hush scan --git` and friends: history, ranges and the index.
    func runHistoryScan() throws -> Report {
        if inputs.paths.count > 1 || inputs.paths.first == "-" {
            throw ValidationError("with --git give one repository path (default: the current directory)")
        }
        let repository = inputs.paths.first ?? "."
        let result = try HistoryScanRunner.run(
            repository: repository, selection: history.selection, maxFileSize: inputs.maxFileSize,
            threads: inputs.threads, quiet: output.quiet, configPath: inputs.config, wholeBlobs: history.wholeBlobs)
        return Report(
            findings: result.findings, lines: result.introductions, summary: result.summary, rules: result.rules)
    }
}

/// Runs a history scan with warnings, notes and progress on standard error.
enum HistoryScanRunner {
    struct Outcome {
        var findings: [Finding]
        var introductions: [Finding]
        var summary: ScanSummary
        var stats: HistoryStats
        var rules: [HushRules.Rule]
    }

    static func run(
        repository: String, selection: HistorySelection, maxFileSize: Int, threads: Int, quiet: Bool,
        fromEnvironment: Bool = false, configPath: String? = nil, wholeBlobs: Bool = false
    ) throws -> Outcome {
        let engine = try EngineLoader.engine(root: repository, configPath: configPath)
        var options = HistoryScanOptions()
        options.selection = selection
        options.maxBlobSize = maxFileSize
        options.threads = threads
        options.fromEnvironment = fromEnvironment
        options.scanChangesOnly = !wholeBlobs
        let scanner = HistoryScanner(engine: engine, options: options)
        let progress = ProgressLine(enabled: !quiet && isatty(STDERR_FILENO) == 1)
        scanner.onWarning = { warning in
            if !quiet {
                progress.clear()
                StandardError.print("warning: \(warning)")
            }
        }
        scanner.onNote = { note in
            if !quiet {
                progress.clear()
                StandardError.print("note: \(note)")
            }
        }
        scanner.onProgress = { progress.update($0) }
        let result = try scanner.scan(repositoryPath: repository)
        progress.clear()
        if ProcessInfo.processInfo.environment["HUSH_DEBUG_TIMING"] != nil {
            let stats = result.stats
            StandardError.print(
                String(
                    format:
                        "timing: walk %.2fs (%d commits, %d changes), blobs %.2fs (%d blobs, %d scanned, %d around changes, %.1f MB of streams reused)",
                    stats.walkSeconds, stats.commits, stats.changes, stats.blobSeconds, stats.blobs,
                    stats.blobsScanned, stats.blobsScannedAroundChanges, Double(stats.compressedBytesReused) / 1e6))
        }
        return Outcome(
            findings: result.findings, introductions: result.introductions, summary: result.summary,
            stats: result.stats, rules: engine.matcher.rules)
    }
}

/// A self-erasing progress line on standard error (a terminal), at most ten updates a second.
final class ProgressLine: @unchecked Sendable {
    private let enabled: Bool
    private let lock = NSLock()
    private var lastUpdate = Date.distantPast
    private var shown = false

    init(enabled: Bool) { self.enabled = enabled }

    func update(_ progress: HistoryProgress) {
        guard enabled else { return }
        lock.lock()
        defer { lock.unlock() }
        let now = Date()
        let finished = progress.done >= progress.total
        guard finished || now.timeIntervalSince(lastUpdate) >= 0.1 else { return }
        lastUpdate = now
        var text: String
        switch progress.phase {
        case .commits:
            text = "walking history: \(progress.done)/\(progress.total) commits"
        case .blobs:
            let megabytes = Double(progress.bytes) / 1_000_000
            let rate = progress.seconds > 0 ? megabytes / progress.seconds : 0
            text = String(
                format: "scanning: %d/%d objects, %.1f MB, %.1f MB/s", progress.done, progress.total, megabytes, rate)
            if progress.done > 0, progress.done < progress.total {
                let perObject = progress.seconds / Double(progress.done)
                text += String(format: ", about %.0fs left", perObject * Double(progress.total - progress.done))
            }
        }
        FileHandle.standardError.write(Data(("\r\u{1B}[K" + text).utf8))
        shown = true
    }

    func clear() {
        guard enabled else { return }
        lock.lock()
        defer { lock.unlock() }
        if shown { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
        shown = false
    }
}
