import ArgumentParser
import Foundation
import HushScan
import HushSources

/// What to scan and how to walk it: shared by `scan` and `baseline`.
struct ScanInputs: ParsableArguments {
    @Argument(help: "Files or folders to scan ('-' reads standard input).")
    var paths: [String] = ["."]

    @Flag(help: "Scan files that .gitignore excludes.")
    var noIgnore = false

    @Flag(help: "Follow symbolic links (loops are detected).")
    var followSymlinks = false

    @Option(help: "Skip files larger than this (e.g. 500KB, 10MB, 1GB).", transform: { try ByteSize.parse($0) })
    var maxFileSize: Int = 10 * 1024 * 1024

    @Option(help: "Worker threads (default: one per core).")
    var threads: Int = 0

    @Option(help: "Configuration file (default: the nearest .hush.yaml).")
    var config: String?

    /// The folder that anchors configuration and fingerprint-key lookup.
    var root: String { paths.first { $0 != "-" } ?? "." }

    /// Scans every path (and stdin for `-`) and returns the engine used and the result.
    func scan(warnings quiet: Bool) throws -> (engine: ScanEngine, result: TreeScanner.Result) {
        for path in paths where path != "-" {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw CLIError.unreadableRoot(path, reason: "no such file or folder")
            }
            if isDirectory.boolValue, !FileManager.default.isReadableFile(atPath: path) {
                throw CLIError.unreadableRoot(path, reason: "permission denied")
            }
        }
        let engine = try EngineLoader.engine(root: root, configPath: config)
        var walk = WalkOptions()
        walk.respectIgnoreFiles = !noIgnore
        walk.followSymlinks = followSymlinks
        walk.maxFileSize = maxFileSize
        walk.threads = threads
        let scanner = TreeScanner(engine: engine, walkOptions: walk)
        scanner.onWarning = { warning in if !quiet { StandardError.print("warning: \(warning)") } }
        var result = scanner.scan(roots: paths.filter { $0 != "-" })
        if paths.contains("-") {
            let input = FileHandle.standardInput.readDataToEndOfFile()
            let piped = scanner.scan(bytes: [UInt8](input), path: "-")
            result.findings += piped.findings
            result.summary.add(piped.summary)
        }
        return (engine, result)
    }
}
