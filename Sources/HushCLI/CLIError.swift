/// Errors the command line reports to the user (exit status 2).
enum CLIError: Error, CustomStringConvertible {
    case unreadableRoot(String, reason: String)
    case cannotWrite(String, reason: String)
    case unknownRule(String)
    case ruleTestsFailed(Int)
    case git(String)

    var description: String {
        switch self {
        case .unreadableRoot(let path, let reason): "cannot scan '\(path)': \(reason)"
        case .cannotWrite(let path, let reason): "cannot write '\(path)': \(reason)"
        case .unknownRule(let id): "no rule has the id '\(id)'; 'hush rules list' shows them all"
        case .ruleTestsFailed(let count): "\(count) rule sample(s) failed"
        case .git(let message): message
        }
    }
}
