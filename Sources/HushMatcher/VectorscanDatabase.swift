import CVectorscan
import Foundation

/// A compiled Vectorscan block-mode database of many patterns.
///
/// The database is immutable and shared; each scanning thread needs its own
/// `Scratch` (see `makeScratch()`).
public final class VectorscanDatabase: @unchecked Sendable {
    let database: OpaquePointer
    private let prototypeScratch: OpaquePointer

    /// One pattern to compile.
    public struct Pattern: Sendable {
        public var expression: String
        public var id: UInt32
        public var flags: UInt32
        public init(expression: String, id: UInt32, flags: UInt32) {
            self.expression = expression
            self.id = id
            self.flags = flags
        }
    }

    /// Flags: prefiltering mode (a superset of the PCRE2 matches is reported).
    public static let prefilterFlags = UInt32(HS_FLAG_PREFILTER)
    /// Flags: literal-ish pattern, matched case-insensitively.
    public static let caselessFlags = UInt32(HS_FLAG_CASELESS)

    /// Compiles all patterns into one database.
    public init(patterns: [Pattern]) throws(VectorscanError) {
        var compiled: OpaquePointer?
        var compileError: UnsafeMutablePointer<hs_compile_error_t>?
        let cStrings = patterns.map { strdup($0.expression) }
        defer { for string in cStrings { free(string) } }
        let expressions: [UnsafePointer<CChar>?] = cStrings.map { UnsafePointer($0) }
        let flags = patterns.map { $0.flags }
        let ids = patterns.map { $0.id }
        let status = hs_compile_multi(
            expressions, flags, ids, UInt32(patterns.count), UInt32(HS_MODE_BLOCK), nil,
            &compiled, &compileError)
        guard status == HS_SUCCESS, let compiled else {
            let message = compileError.flatMap { String(cString: $0.pointee.message) } ?? "status \(status)"
            let index = Int(compileError?.pointee.expression ?? -1)
            if let compileError { hs_free_compile_error(compileError) }
            throw .compile(index: index, message: message)
        }
        database = compiled
        prototypeScratch = try Self.allocateScratch(for: compiled)
    }

    /// Restores a database written by `serialized()`; throws if the bytes are
    /// not a valid database for this library and machine.
    public init(serialized bytes: [UInt8]) throws(VectorscanError) {
        var restored: OpaquePointer?
        let status = bytes.withUnsafeBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
                hs_deserialize_database($0, buffer.count, &restored)
            }
        }
        guard status == HS_SUCCESS, let restored else { throw .deserialize(status: status) }
        database = restored
        prototypeScratch = try Self.allocateScratch(for: restored)
    }

    deinit {
        hs_free_scratch(prototypeScratch)
        hs_free_database(database)
    }

    /// The database as bytes, for the on-disk cache.
    public func serialized() throws(VectorscanError) -> [UInt8] {
        var bytes: UnsafeMutablePointer<CChar>?
        var length = 0
        let status = hs_serialize_database(database, &bytes, &length)
        guard status == HS_SUCCESS, let bytes else { throw .serialize(status: status) }
        defer { free(bytes) }
        return bytes.withMemoryRebound(to: UInt8.self, capacity: length) {
            Array(UnsafeBufferPointer(start: $0, count: length))
        }
    }

    /// Per-thread scan state.
    public final class Scratch {
        let pointer: OpaquePointer
        init(pointer: OpaquePointer) { self.pointer = pointer }
        deinit { hs_free_scratch(pointer) }
    }

    /// A new scratch space for one thread.
    public func makeScratch() -> Scratch {
        var clone: OpaquePointer?
        let status = hs_clone_scratch(prototypeScratch, &clone)
        precondition(status == HS_SUCCESS && clone != nil, "Vectorscan could not allocate scratch memory")
        return Scratch(pointer: clone!)
    }

    /// Reports `(patternID, endOffset)` for every match in `bytes`.
    ///
    /// The handler returns `false` to stop the scan.
    public func scan(
        _ bytes: UnsafeRawBufferPointer, scratch: Scratch,
        onMatch: (_ id: UInt32, _ end: Int) -> Bool
    ) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        typealias Handler = (UInt32, Int) -> Bool
        withoutActuallyEscaping(onMatch) { handler in
            // hs_scan takes a 32-bit length: feed larger inputs in slices that
            // overlap by `sliceOverlap`, so a match that straddles a cut is seen whole.
            var offset = 0
            while offset < bytes.count {
                let length = min(Self.sliceLength, bytes.count - offset)
                let sliceStart = offset
                var shifted: Handler = { id, end in handler(id, end + sliceStart) }
                let status = withUnsafeMutablePointer(to: &shifted) { context in
                    hs_scan(
                        database, base.advanced(by: offset).assumingMemoryBound(to: CChar.self),
                        UInt32(length), 0, scratch.pointer,
                        { id, _, to, _, context in
                            let handler = context!.assumingMemoryBound(to: Handler.self)
                            return handler.pointee(id, Int(to)) ? 0 : 1
                        }, context)
                }
                if status == HS_SCAN_TERMINATED || offset + length >= bytes.count { return }
                offset += length - Self.sliceOverlap
            }
        }
    }

    static let sliceLength = 1 << 30
    static let sliceOverlap = 1 << 20

    /// The library's version string, part of the cache key.
    public static var libraryVersion: String { String(cString: hs_version()) }

    /// A description of this machine's platform as Vectorscan sees it.
    public static var platformKey: String {
        var platform = hs_platform_info_t()
        hs_populate_platform(&platform)
        return "\(platform.tune)-\(platform.cpu_features)"
    }

    private static func allocateScratch(for database: OpaquePointer) throws(VectorscanError) -> OpaquePointer {
        var scratch: OpaquePointer?
        let status = hs_alloc_scratch(database, &scratch)
        guard status == HS_SUCCESS, let scratch else { throw .scratch(status: status) }
        return scratch
    }
}

/// Failures of the Vectorscan library.
public enum VectorscanError: Error, CustomStringConvertible {
    case compile(index: Int, message: String)
    case deserialize(status: Int32)
    case serialize(status: Int32)
    case scratch(status: Int32)

    public var description: String {
        switch self {
        case .compile(let index, let message): "pattern \(index): \(message)"
        case .deserialize(let status): "cannot load compiled rules (status \(status))"
        case .serialize(let status): "cannot save compiled rules (status \(status))"
        case .scratch(let status): "cannot allocate scan memory (status \(status))"
        }
    }
}
