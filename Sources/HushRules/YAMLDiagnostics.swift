import Yams

/// Turns YAML and decoding errors into `file:line: problem` messages.
enum YAMLDiagnostics {
    /// A message naming the file, the line of the offending node and the problem.
    static func message(for error: any Error, yaml: String, file: String) -> String {
        if let yamlError = error as? YamlError {
            switch yamlError {
            case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _),
                .composer(_, let problem, let mark, _):
                return "\(file):\(mark.line): \(problem)"
            default:
                return "\(file): \(yamlError)"
            }
        }
        guard let decoding = error as? DecodingError else { return "\(file): \(error)" }
        let (path, problem) = describe(decoding)
        let line = self.line(of: path, in: yaml)
        let location = line.map { "\(file):\($0)" } ?? file
        let field = path.isEmpty ? "" : " (at \(render(path)))"
        return "\(location): \(problem)\(field)"
    }

    static func describe(_ error: DecodingError) -> ([any CodingKey], String) {
        switch error {
        case .keyNotFound(let key, let context):
            return (context.codingPath, "missing field '\(key.stringValue)'")
        case .typeMismatch(let type, let context):
            return (context.codingPath, "expected \(typeName(type))")
        case .valueNotFound(let type, let context):
            return (context.codingPath, "expected \(typeName(type)), found nothing")
        case .dataCorrupted(let context):
            return (context.codingPath, context.debugDescription)
        @unknown default:
            return ([], "\(error)")
        }
    }

    static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type: "a whole number"
        case is Double.Type: "a number"
        case is Bool.Type: "true or false"
        case is [String].Type: "a list of strings"
        default: "\(type)"
        }
    }

    static func render(_ path: [any CodingKey]) -> String {
        path.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            .trimmingPrefix(".").description
    }

    /// The line of the node at `path` (or of its deepest existing ancestor).
    static func line(of path: [any CodingKey], in yaml: String) -> Int? {
        guard let root = try? Yams.compose(yaml: yaml) else { return nil }
        var node = root
        for key in path {
            if let index = key.intValue, let sequence = node.sequence, index < sequence.count {
                node = sequence[index]
            } else if let mapping = node.mapping, let child = mapping[key.stringValue] {
                node = child
            } else {
                break
            }
        }
        return node.mark?.line
    }
}

extension String {
    fileprivate func trimmingPrefix(_ prefix: String) -> Substring {
        hasPrefix(prefix) ? dropFirst(prefix.count) : self[...]
    }
}
