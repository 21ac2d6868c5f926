/// Errors of the audit store, runner and reports, with what to do about them.
public enum AuditError: Error, CustomStringConvertible, Sendable, Equatable {
    case cannotOpenStore(path: String, reason: String)
    case newerSchema(path: String, found: Int, supported: Int)
    case repositoryNotFound(String)
    case cloneFailed(url: String, reason: String)
    case unknownFingerprint(String)
    case ambiguousFingerprint(String, matches: Int)
    case invalidStatus(String)
    case reposFile(path: String, reason: String)
    case emptyStore(path: String)

    public var description: String {
        switch self {
        case .cannotOpenStore(let path, let reason):
            "cannot open the findings store '\(path)': \(reason); check the path and permissions, or pass --db PATH"
        case .newerSchema(let path, let found, let supported):
            "the findings store '\(path)' has schema version \(found), newer than this hush supports "
                + "(\(supported)); upgrade hush or use another --db"
        case .repositoryNotFound(let location):
            "'\(location)' is not a git repository (or does not exist); give a repository path or a clone URL"
        case .cloneFailed(let url, let reason):
            "cannot clone or fetch '\(url)': \(reason); check the URL, network access and credentials"
        case .unknownFingerprint(let fingerprint):
            "no finding with fingerprint '\(fingerprint)' in the store; list them with 'hush triage list'"
        case .ambiguousFingerprint(let prefix, let matches):
            "'\(prefix)' matches \(matches) fingerprints; give more digits"
        case .invalidStatus(let status):
            "unknown status '\(status)'; use one of: \(TriageStatus.allCases.map(\.rawValue).joined(separator: ", "))"
        case .reposFile(let path, let reason):
            "cannot read the repository list '\(path)': \(reason)"
        case .emptyStore(let path):
            "the findings store '\(path)' has no scans yet; run 'hush audit REPO' first"
        }
    }
}

/// A triage decision about a finding.
public enum TriageStatus: String, CaseIterable, Sendable, Codable {
    case open
    case revoked
    case falsePositive = "false-positive"
    case accepted
}
