/// The sealed secret store.
public enum HushVault {}
