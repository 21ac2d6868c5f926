import Foundation

/// Readable, stable vault entry names derived from a file and the key path of a value in it:
/// `config/database.yml` + `production.password` → `database.production.password`.
public enum EntryNaming {
    /// The file part of a name: the file name without leading dots and without a config extension
    /// (`database.yml` → `database`, `.env` → `env`, `Dockerfile` → `Dockerfile`).
    public static func stem(of path: String) -> String {
        var name = (path as NSString).lastPathComponent
        while name.hasPrefix(".") { name.removeFirst() }
        let known: Set<String> = [
            "yml", "yaml", "json", "properties", "ini", "cfg", "toml", "tf", "tfvars", "hcl", "xml", "config",
        ]
        let ext = (name as NSString).pathExtension.lowercased()
        if known.contains(ext) { name = (name as NSString).deletingPathExtension }
        return sanitize(name)
    }

    /// One name component: bytes outside `[A-Za-z0-9_-]` become `_`.
    public static func sanitize(_ component: String) -> String {
        var out = ""
        for scalar in component.unicodeScalars {
            let ok =
                (scalar >= "a" && scalar <= "z") || (scalar >= "A" && scalar <= "Z") || (scalar >= "0" && scalar <= "9")
                || scalar == "_" || scalar == "-"
            out.unicodeScalars.append(ok ? scalar : "_")
        }
        while out.hasPrefix("-") { out.removeFirst() }
        while out.hasSuffix("-") { out.removeLast() }
        return out
    }

    /// The entry name for a value at `keyPath` in the file at `path`; `line` is used when there is no key path.
    public static func name(path: String, keyPath: [String], line: Int) -> String {
        var parts = [stem(of: path)]
        let keys = keyPath.flatMap { $0.split(separator: ".").map(String.init) }.map(sanitize).filter { !$0.isEmpty }
        parts += keys.isEmpty ? ["line\(line)"] : keys
        var name = parts.filter { !$0.isEmpty }.joined(separator: ".")
        if name.isEmpty || name.first == "." || name.first == "-" { name = "secret" + name }
        if name.utf8.count > 200 { name = String(decoding: Array(name.utf8).prefix(200), as: UTF8.self) }
        while let last = name.last, ".-/".contains(last) { name.removeLast() }
        return name
    }

    /// Names to try in order for a value at `keyPath` in `path`: the plain name, then with more and more of the
    /// folders above the file in front (`svc1.config.db.password`), so that same-named files in different
    /// folders get readable names rather than numbers.
    public static func candidates(path: String, keyPath: [String], line: Int) -> [String] {
        let base = name(path: path, keyPath: keyPath, line: line)
        var out = [base]
        let folders = path.split(separator: "/").dropLast().map { sanitize(String($0)) }.filter {
            !$0.isEmpty && $0 != "."
        }
        var prefix: [String] = []
        for folder in folders.reversed() {
            prefix.insert(folder, at: 0)
            out.append(prefix.joined(separator: ".") + "." + base)
        }
        return out
    }

    /// `base` if unused, else `base_2`, `base_3`, …
    public static func unique(_ base: String, taken: (String) -> Bool) -> String {
        if !taken(base) { return base }
        var counter = 2
        while taken("\(base)_\(counter)") { counter += 1 }
        return "\(base)_\(counter)"
    }
}
