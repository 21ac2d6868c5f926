import Foundation
import PackagePlugin

/// Embeds every `patterns/*.yaml` file into the `HushRules` module as string
/// literals, so the `hush` binary carries its rules and `patterns/` stays the
/// one source of truth.
@main
struct EmbedPatterns: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let patterns = context.package.directoryURL.appending(path: "patterns")
        let files = try FileManager.default.contentsOfDirectory(
            at: patterns, includingPropertiesForKeys: nil
        )
        .filter { $0.pathExtension == "yaml" || $0.pathExtension == "yml" }
        .sorted { $0.lastPathComponent < $1.lastPathComponent }
        let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedPatterns.swift")
        return [
            .buildCommand(
                displayName: "Embedding \(files.count) pattern files",
                executable: try context.tool(named: "PatternEmbedder").url,
                arguments: [output.path] + files.map(\.path),
                inputFiles: files,
                outputFiles: [output]
            )
        ]
    }
}
