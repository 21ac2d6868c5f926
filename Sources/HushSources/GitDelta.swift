/// A run of a delta's result copied from its base: `count` bytes at
/// `source` in the base are `target` in the result.
public struct GitDeltaCopy: Sendable, Equatable {
    public var target: Int
    public var source: Int
    public var count: Int
    /// The run starts where a line of the base starts (at the base's
    /// start, or after a line break).
    public var startsLine: Bool

    public init(target: Int, source: Int, count: Int, startsLine: Bool = false) {
        self.target = target
        self.source = source
        self.count = count
        self.startsLine = startsLine
    }
}

/// Git's delta format: the base's size, the result's size, then instructions
/// that copy a range of the base or insert literal bytes.
public enum GitDelta {
    /// The sizes a delta declares for its base and its result; nil when malformed.
    public static func sizes(_ delta: [UInt8]) -> (base: Int, result: Int)? {
        var position = 0
        guard let base = varint(delta, &position), let result = varint(delta, &position) else { return nil }
        return (base, result)
    }

    /// Applies `delta` to `base`; nil when the delta is malformed or does not
    /// fit the base.
    public static func apply(_ delta: [UInt8], to base: [UInt8]) -> [UInt8]? {
        var copies: [GitDeltaCopy] = []
        return apply(delta, to: base, copies: &copies)
    }

    /// Applies `delta` to `base`, as `apply(_:to:)`; the copy instructions are appended to `copies`
    /// (adjacent ones merged), so callers know which parts of the result
    /// are unchanged base content.
    public static func apply(_ delta: [UInt8], to base: [UInt8], copies: inout [GitDeltaCopy]) -> [UInt8]? {
        var position = 0
        guard let baseSize = varint(delta, &position), baseSize == base.count,
            let resultSize = varint(delta, &position), resultSize <= Int(Int32.max)
        else { return nil }
        var failed = false
        let result = [UInt8](unsafeUninitializedCapacity: max(resultSize, 1)) { output, initialized in
            initialized = 0
            delta.withUnsafeBufferPointer { instructions in
                base.withUnsafeBufferPointer { source in
                    var written = 0
                    while position < instructions.count {
                        let operation = instructions[position]
                        position += 1
                        if operation & 0x80 != 0 {
                            var offset = 0
                            var count = 0
                            for bit in 0..<4 where operation & (1 << bit) != 0 {
                                guard position < instructions.count else {
                                    failed = true
                                    return
                                }
                                offset |= Int(instructions[position]) << (8 * bit)
                                position += 1
                            }
                            for bit in 0..<3 where operation & (0x10 << bit) != 0 {
                                guard position < instructions.count else {
                                    failed = true
                                    return
                                }
                                count |= Int(instructions[position]) << (8 * bit)
                                position += 1
                            }
                            if count == 0 { count = 0x10000 }
                            guard offset + count <= source.count, written + count <= resultSize else {
                                failed = true
                                return
                            }
                            (output.baseAddress! + written).update(from: source.baseAddress! + offset, count: count)
                            if let last = copies.last, last.target + last.count == written,
                                last.source + last.count == offset
                            {
                                copies[copies.count - 1].count += count
                            } else {
                                copies.append(
                                    GitDeltaCopy(
                                        target: written, source: offset, count: count,
                                        startsLine: offset == 0 || source[offset - 1] == 10))
                            }
                            written += count
                        } else if operation != 0 {
                            let count = Int(operation)
                            guard position + count <= instructions.count, written + count <= resultSize else {
                                failed = true
                                return
                            }
                            (output.baseAddress! + written).update(
                                from: instructions.baseAddress! + position, count: count)
                            position += count
                            written += count
                        } else {
                            failed = true
                            return  // reserved instruction
                        }
                    }
                    failed = failed || written != resultSize
                }
            }
            initialized = failed ? 0 : resultSize
        }
        return failed ? nil : result
    }

    private static func varint(_ bytes: [UInt8], _ position: inout Int) -> Int? {
        var value = 0
        var shift = 0
        while position < bytes.count, shift < 63 {
            let byte = bytes[position]
            position += 1
            value |= Int(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return value }
            shift += 7
        }
        return nil
    }
}
