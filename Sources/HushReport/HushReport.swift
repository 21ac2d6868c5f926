/// Report formats for findings.
public enum HushReport {}
