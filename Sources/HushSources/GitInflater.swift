import CDeflate

/// A zlib inflater (libdeflate) for whole pack entries; one per thread.
///
/// libdeflate inflates a stream whose size is known in one call, two to three
/// times faster than zlib's streaming `inflate`.
public final class GitInflater {
    private let decompressor: OpaquePointer
    private var input: UnsafeMutableBufferPointer<UInt8> = .allocate(capacity: 1 << 16)
    /// The pack bytes the input buffer holds (see `GitPack.loadEntry`).
    var loaded: (pack: ObjectIdentifier, offset: Int, count: Int)?

    public init() {
        decompressor = libdeflate_alloc_decompressor()
    }

    deinit {
        libdeflate_free_decompressor(decompressor)
        input.deallocate()
    }

    /// Lends a buffer of at least `count` bytes for compressed input.
    func withInput<T>(_ count: Int, _ body: (UnsafeMutableBufferPointer<UInt8>) -> T) -> T {
        loaded = nil
        if input.count < count {
            input.deallocate()
            input = .allocate(capacity: max(count, input.count * 2))
        }
        return body(input)
    }

    /// The input buffer as it is (holding what `loaded` says).
    func withLoadedInput<T>(_ body: (UnsafeMutableBufferPointer<UInt8>) -> T) -> T { body(input) }

    /// Inflates the zlib stream at `input` (at most `count` bytes, the stream
    /// may end before) into exactly `size` bytes; nil when it is corrupt or of
    /// another size.
    public func inflate(_ input: UnsafeRawPointer, count: Int, size: Int) -> [UInt8]? {
        var failed = false
        let output = [UInt8](unsafeUninitializedCapacity: max(size, 1)) { buffer, initialized in
            var consumed = 0
            var produced = 0
            let result = libdeflate_zlib_decompress_ex(
                decompressor, input, count, buffer.baseAddress, size, &consumed, &produced)
            failed = result != LIBDEFLATE_SUCCESS || produced != size
            initialized = failed ? 0 : size
        }
        return failed ? nil : output
    }
}
