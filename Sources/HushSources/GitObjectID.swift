import CGit2

/// A git object id (SHA-1, 20 bytes), cheap to hash and compare.
public struct GitObjectID: Hashable, Sendable, Comparable, CustomStringConvertible {
    var high: UInt64
    var middle: UInt64
    var low: UInt32

    /// The id of a libgit2 `git_oid`.
    public init(_ oid: git_oid) {
        var copy = oid
        (high, middle, low) = withUnsafeBytes(of: &copy.id) { raw in
            (
                UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: 0, as: UInt64.self)),
                UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self)),
                UInt32(bigEndian: raw.loadUnaligned(fromByteOffset: 16, as: UInt32.self))
            )
        }
    }

    /// The id from 20 raw bytes at `pointer` (as in a pack `.idx` file).
    init(rawBytes pointer: UnsafeRawPointer) {
        high = UInt64(bigEndian: pointer.loadUnaligned(fromByteOffset: 0, as: UInt64.self))
        middle = UInt64(bigEndian: pointer.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
        low = UInt32(bigEndian: pointer.loadUnaligned(fromByteOffset: 16, as: UInt32.self))
    }

    /// Parses 40 hexadecimal digits; nil for anything else.
    public init?(hex: String) {
        var hex = hex
        guard let id = hex.withUTF8({ GitObjectID(hexDigits: $0) }) else { return nil }
        self = id
    }

    /// Parses 40 hexadecimal digits (either case) in place, as a commit
    /// object writes its tree and parents; nil for anything else.
    init?(hexDigits digits: UnsafeBufferPointer<UInt8>) {
        guard digits.count == 40 else { return nil }
        var words: (UInt64, UInt64, UInt64) = (0, 0, 0)
        for index in 0..<40 {
            let byte = digits[index]
            let value: UInt8
            switch byte {
            case 48...57: value = byte - 48
            case 97...102: value = byte - 87
            case 65...70: value = byte - 55
            default: return nil
            }
            switch index {
            case 0..<16: words.0 = words.0 << 4 | UInt64(value)
            case 16..<32: words.1 = words.1 << 4 | UInt64(value)
            default: words.2 = words.2 << 4 | UInt64(value)
            }
        }
        self.init(high: words.0, middle: words.1, low: UInt32(words.2))
    }

    /// The libgit2 form.
    public var oid: git_oid {
        var oid = git_oid()
        withUnsafeMutableBytes(of: &oid.id) { raw in
            raw.storeBytes(of: high.bigEndian, toByteOffset: 0, as: UInt64.self)
            raw.storeBytes(of: middle.bigEndian, toByteOffset: 8, as: UInt64.self)
            raw.storeBytes(of: low.bigEndian, toByteOffset: 16, as: UInt32.self)
        }
        return oid
    }

    /// Whether every digit is zero (git's "no object", e.g. a new branch in a push).
    public var isZero: Bool { high == 0 && middle == 0 && low == 0 }

    /// The all-zero id.
    public static let zero = GitObjectID(high: 0, middle: 0, low: 0)

    init(high: UInt64, middle: UInt64, low: UInt32) {
        self.high = high
        self.middle = middle
        self.low = low
    }

    /// 40 lower-case hexadecimal digits.
    public var description: String {
        func hex<T: FixedWidthInteger>(_ value: T) -> String {
            let text = String(value, radix: 16)
            return String(repeating: "0", count: T.bitWidth / 4 - text.count) + text
        }
        return hex(high) + hex(middle) + hex(low)
    }

    /// Hashes the first eight bytes only: an id is a SHA-1, and those
    /// bytes already tell ids apart (equal ids still hash equally).
    public func hash(into hasher: inout Hasher) {
        hasher.combine(high)
    }

    /// What hashed collections use: the first eight bytes and the
    /// collection's seed through splitmix64's finaliser instead of SipHash
    /// (a third of the cost of the walk's dictionaries). Every bit of the
    /// result depends on every bit of both, so ids chosen to collide under
    /// one seed do not collide under another.
    public func _rawHashValue(seed: Int) -> Int {
        var mixed = (high ^ UInt64(truncatingIfNeeded: seed)) &+ 0x9E37_79B9_7F4A_7C15
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return Int(truncatingIfNeeded: mixed ^ (mixed >> 31))
    }

    public static func < (lhs: GitObjectID, rhs: GitObjectID) -> Bool {
        (lhs.high, lhs.middle, lhs.low) < (rhs.high, rhs.middle, rhs.low)
    }
}
