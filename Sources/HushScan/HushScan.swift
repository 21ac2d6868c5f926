import HushMatcher
import HushRules

/// The scan pipeline: chunks through the matcher and filters into findings.
public enum HushScan {}
