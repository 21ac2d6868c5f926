import Foundation
import HushMatcher
import HushSources

/// Scans files and folders on all cores and collects findings and totals.
public final class TreeScanner: @unchecked Sendable {
    public let engine: ScanEngine
    public let walkOptions: WalkOptions
    /// Lines longer than this get a warning (they are still scanned).
    public var hugeLineWarning = 1 << 20
    /// Called, possibly from worker threads, for each warning.
    public var onWarning: @Sendable (ScanWarning) -> Void = { _ in }

    public init(engine: ScanEngine, walkOptions: WalkOptions) {
        self.engine = engine
        self.walkOptions = walkOptions
    }

    /// The result of scanning some roots.
    public struct Result: Sendable {
        public var findings: [Finding]
        public var summary: ScanSummary
    }

    /// Scans each root (a folder or a file). Paths in findings are relative
    /// to the folder, or as given for a file.
    public func scan(roots: [String]) -> Result {
        let started = Date()
        let collected = Locked((findings: [Finding](), summary: ScanSummary()))
        let threads = walkOptions.threads > 0 ? walkOptions.threads : ProcessInfo.processInfo.activeProcessorCount
        let scratches = (0..<threads).map { _ in engine.makeScratch() }
        for root in roots {
            let isFileRoot = !isDirectory(root)
            let walker = DirectoryWalker(root: root, options: walkOptions)
            walker.walk(
                visit: { file, worker in
                    let path = isFileRoot ? root : file.path
                    let (found, local) = self.scanFile(file, as: path, scratch: scratches[worker % scratches.count])
                    collected.withLock {
                        $0.findings.append(contentsOf: found)
                        $0.summary.add(local)
                    }
                },
                skip: { path, reason, detail in
                    let warns = reason == .unreadable || reason == .permissionDenied || reason == .symlinkLoop
                    collected.withLock {
                        $0.summary.skip(reason)
                        if warns { $0.summary.warnings += 1 }
                    }
                    if warns {
                        self.warn(path: isFileRoot ? root : path, "\(reason.rawValue)\(detail.map { ": \($0)" } ?? "")")
                    }
                })
        }
        var (findings, summary) = collected.withLock { $0 }
        findings.sort { ($0.path, $0.line, $0.column, $0.ruleID) < ($1.path, $1.line, $1.column, $1.ruleID) }
        summary.findings = findings.count
        summary.seconds = Date().timeIntervalSince(started)
        return Result(findings: findings, summary: summary)
    }

    /// Scans bytes that came from somewhere other than a file (stdin).
    public func scan(bytes: [UInt8], path: String) -> Result {
        let started = Date()
        var (findings, summary) = scanContent(bytes, path: path, scratch: engine.makeScratch())
        summary.findings = findings.count
        summary.seconds = Date().timeIntervalSince(started)
        return Result(findings: findings, summary: summary)
    }

    private func scanFile(_ file: WalkedFile, as path: String, scratch: Matcher.Scratch) -> ([Finding], ScanSummary) {
        let bytes: [UInt8]
        do {
            bytes = try FileContent.read(path: file.absolutePath, limit: walkOptions.maxFileSize)
        } catch {
            var summary = ScanSummary()
            summary.skip(error.isPermissionDenied ? .permissionDenied : .unreadable)
            summary.warnings += 1
            warn(path: path, "cannot read: \(error)")
            return ([], summary)
        }
        return scanContent(bytes, path: path, scratch: scratch)
    }

    private func scanContent(_ bytes: [UInt8], path: String, scratch: Matcher.Scratch) -> ([Finding], ScanSummary) {
        var summary = ScanSummary()
        switch FileContent.prepare(bytes) {
        case .binary:
            summary.skip(.binary)
            return ([], summary)
        case .text(let content):
            if content.hasInvalidUTF8 {
                warn(path: path, "not valid UTF-8; scanned as raw bytes")
                summary.warnings += 1
            }
            if content.longestLine > hugeLineWarning {
                warn(path: path, "has a line of \(content.longestLine) bytes; scanned, context cut short")
                summary.warnings += 1
            }
            summary.filesScanned = 1
            summary.bytesScanned = bytes.count
            return (engine.findings(in: content.bytes, path: path, scratch: scratch), summary)
        }
    }

    private func warn(path: String, _ message: String) { onWarning(ScanWarning(path: path, message: message)) }

    private func isDirectory(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
    }
}
