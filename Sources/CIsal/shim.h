#include <isa-l/igzip_lib.h>

#include <stddef.h>

/// The bytes of an inflate state that hold its progress through a stream:
/// all but the output staging buffer, which is unused while the output
/// space is larger than the stream's result.
static inline size_t hush_inflate_progress_size(void) {
    return offsetof(struct inflate_state, tmp_out_buffer);
}
