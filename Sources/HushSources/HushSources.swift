/// Sources of bytes to scan: directory trees, standard input and git history.
public enum HushSources {}
