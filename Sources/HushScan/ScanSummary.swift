import HushSources

/// Totals of a scan: what was read, what was passed over and why.
public struct ScanSummary: Sendable, Codable, Equatable {
    public var filesScanned = 0
    public var bytesScanned = 0
    /// Entries passed over, by reason.
    public var skipped: [String: Int] = [:]
    /// Warnings emitted (unreadable files, invalid UTF-8, huge lines, ...).
    public var warnings = 0
    /// Findings reported.
    public var findings = 0
    /// Findings left out because the baseline accepts them.
    public var baselined = 0
    /// Wall time in seconds.
    public var seconds = 0.0

    public init() {}

    mutating func skip(_ reason: SkipReason) { skipped[reason.rawValue, default: 0] += 1 }

    /// Adds another scan's counts (files, bytes, warnings, findings, skips) to these.
    public mutating func add(_ other: ScanSummary) {
        filesScanned += other.filesScanned
        bytesScanned += other.bytesScanned
        warnings += other.warnings
        findings += other.findings
        for (reason, count) in other.skipped { skipped[reason, default: 0] += count }
    }
}

/// A warning about one input that did not stop the scan.
public struct ScanWarning: Sendable, CustomStringConvertible {
    public var path: String
    public var message: String
    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }
    public var description: String { "\(path): \(message)" }
}
