import Foundation
import HushCrypto
import HushRules

/// The version of a compiled rule set: a hash of everything that decides what
/// a blob's findings are (every rule's fields, the project's allowlist of
/// secrets, lines and stopwords, and the engine version). Blobs recorded under
/// one rules version are rescanned under any other.
public enum RulesVersion {
    /// 16 hex digits.
    public static func compute(rules: [Rule], configSignature: String, engineVersion: String) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var text = Array("hush-rules-v1\n\(engineVersion)\n\(configSignature)\n".utf8)
        for rule in rules {
            text += (try? encoder.encode(rule)).map { Array($0) } ?? Array(rule.id.utf8)
            text.append(10)
        }
        return Digest.hex(Digest.sha256(text).prefix(8))
    }
}
