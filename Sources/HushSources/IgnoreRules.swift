import Foundation

/// The patterns of one `.gitignore`-format file, relative to its folder.
public struct IgnoreFile: Sendable {
    struct Pattern: Sendable {
        var glob: Glob
        var negated: Bool
        var directoryOnly: Bool
        /// Matched against the path relative to the file's folder; otherwise
        /// against the last path component only.
        var anchored: Bool
    }

    /// Folder of the file, relative to the walk root ("" for the root).
    public let base: String
    let patterns: [Pattern]

    /// Parses gitignore text.
    public init(base: String, text: String) {
        self.base = base
        var patterns: [Pattern] = []
        for rawLine in text.split(omittingEmptySubsequences: true, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            var line = String(rawLine)
            if line.hasSuffix("\r") { line.removeLast() }
            if line.isEmpty || line.hasPrefix("#") { continue }
            // Trailing spaces are dropped unless escaped.
            while line.hasSuffix(" ") && !line.hasSuffix("\\ ") { line.removeLast() }
            var negated = false
            if line.hasPrefix("!") {
                negated = true
                line.removeFirst()
            } else if line.hasPrefix("\\!") || line.hasPrefix("\\#") {
                line.removeFirst()
            }
            var directoryOnly = false
            if line.hasSuffix("/") {
                directoryOnly = true
                line.removeLast()
            }
            if line.isEmpty { continue }
            var anchored = line.dropLast().contains("/")
            if line.hasPrefix("/") {
                anchored = true
                line.removeFirst()
            }
            patterns.append(
                Pattern(glob: Glob(line), negated: negated, directoryOnly: directoryOnly, anchored: anchored))
        }
        self.patterns = patterns
    }

    /// nil when no pattern matches; otherwise whether the last match ignores.
    func verdict(relativePath: String, name: String, isDirectory: Bool) -> Bool? {
        let pathBytes = Array(relativePath.utf8)
        let nameBytes = Array(name.utf8)
        for pattern in patterns.reversed() {
            if pattern.directoryOnly && !isDirectory { continue }
            let subject = pattern.anchored ? pathBytes : nameBytes
            if pattern.glob.matches(subject) { return !pattern.negated }
        }
        return nil
    }
}

/// The ignore files in force for one folder: its own and its ancestors'.
public final class IgnoreStack: Sendable {
    let file: IgnoreFile?
    let parent: IgnoreStack?

    public init(file: IgnoreFile?, parent: IgnoreStack?) {
        self.file = file
        self.parent = parent
    }

    /// Whether the entry at `path` (relative to the walk root) is ignored.
    /// Deeper files take precedence over their ancestors.
    public func isIgnored(path: String, isDirectory: Bool) -> Bool {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        var stack: IgnoreStack? = self
        while let current = stack {
            if let file = current.file {
                let relative: String
                if file.base.isEmpty {
                    relative = path
                } else if path.hasPrefix(file.base + "/") {
                    relative = String(path.dropFirst(file.base.count + 1))
                } else {
                    stack = current.parent
                    continue
                }
                if let verdict = file.verdict(relativePath: relative, name: name, isDirectory: isDirectory) {
                    return verdict
                }
            }
            stack = current.parent
        }
        return false
    }
}
