/// Shannon entropy and character-class measures of candidate secrets.
public enum Entropy {
    /// Shannon entropy in bits per byte of `bytes`.
    public static func shannon<C: Collection>(_ bytes: C) -> Double where C.Element == UInt8 {
        guard !bytes.isEmpty else { return 0 }
        var counts = [Int](repeating: 0, count: 256)
        for byte in bytes { counts[Int(byte)] += 1 }
        let total = Double(bytes.count)
        var entropy = 0.0
        for count in counts where count > 0 {
            let p = Double(count) / total
            entropy -= p * log2(p)
        }
        return entropy
    }

    /// Shannon entropy in bits per character of a string's UTF-8 bytes.
    public static func shannon(_ text: String) -> Double { shannon(Array(text.utf8)) }

    /// How many of the classes lower, upper, digit and other the text uses.
    public static func characterClassCount(_ text: String) -> Int {
        var lower = false, upper = false, digit = false, other = false
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"): lower = true
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): upper = true
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = true
            default: other = true
            }
        }
        return [lower, upper, digit, other].filter { $0 }.count
    }
}

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
