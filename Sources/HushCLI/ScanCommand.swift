import ArgumentParser
import Foundation
import HushReport
import HushScan
import HushSources

/// `hush scan`: find credentials in files and folders.
struct ScanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scan",
        abstract: "Find credentials in files and folders.",
        discussion: """
            Exit status: 0 no findings, 1 findings, 2 error (bad arguments, unreadable root).
            Use '-' as a path to scan standard input.
            """
    )

    @Argument(help: "Files or folders to scan ('-' reads standard input).")
    var paths: [String] = ["."]

    @OptionGroup var output: OutputOptions

    @OptionGroup var history: HistoryOptions

    @Flag(help: "Scan files that .gitignore excludes.")
    var noIgnore = false

    @Flag(help: "Follow symbolic links (loops are detected).")
    var followSymlinks = false

    @Option(help: "Skip files larger than this (e.g. 500KB, 10MB, 1GB).", transform: ByteSize.parse)
    var maxFileSize: Int = 10 * 1024 * 1024

    @Option(help: "Worker threads (default: one per core).")
    var threads: Int = 0

    mutating func run() throws {
        if history.isGitScan {
            try runHistoryScan()
            return
        }
        let root = paths.first { $0 != "-" } ?? "."
        let engine = try EngineLoader.engine(root: root)
        var walk = WalkOptions()
        walk.respectIgnoreFiles = !noIgnore
        walk.followSymlinks = followSymlinks
        walk.maxFileSize = maxFileSize
        walk.threads = threads
        let scanner = TreeScanner(engine: engine, walkOptions: walk)
        let quiet = output.quiet
        scanner.onWarning = { warning in if !quiet { StandardError.print("warning: \(warning)") } }

        for path in paths where path != "-" {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw CLIError.unreadableRoot(path, reason: "no such file or folder")
            }
            if isDirectory.boolValue, !FileManager.default.isReadableFile(atPath: path) {
                throw CLIError.unreadableRoot(path, reason: "permission denied")
            }
        }
        var result = scanner.scan(roots: paths.filter { $0 != "-" })
        if paths.contains("-") {
            let input = FileHandle.standardInput.readDataToEndOfFile()
            let stdinResult = scanner.scan(bytes: [UInt8](input), path: "-")
            result.findings += stdinResult.findings
            result.summary.filesScanned += stdinResult.summary.filesScanned
            result.summary.bytesScanned += stdinResult.summary.bytesScanned
            result.summary.findings = result.findings.count
        }
        try output.emit(findings: result.findings, summary: result.summary, rules: engine.matcher.rules)
        if !result.findings.isEmpty { throw ExitCode(1) }
    }
}
