#include "hush_text_scan.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

static inline int is_base64(uint8_t byte) {
    uint8_t folded = (uint8_t)(byte | 0x20);
    return (uint8_t)(folded - 'a') <= 25 || (uint8_t)(byte - '0') <= 9 || byte == '+' || byte == '/' || byte == '-'
        || byte == '_';
}

static inline int is_hex(uint8_t byte) {
    return (uint8_t)((byte | 0x20) - 'a') <= 5 || (uint8_t)(byte - '0') <= 9;
}

size_t hush_base64_words(size_t count) { return count / 64 + 2; }

#if defined(__SSE2__)
/// Bytes `low` ... `low + span` (unsigned) of `x`.
static inline __m128i in_range(__m128i x, char low, char span) {
    __m128i offset = _mm_sub_epi8(x, _mm_set1_epi8(low));
    return _mm_cmpeq_epi8(_mm_min_epu8(offset, _mm_set1_epi8(span)), offset);
}

/// Bit i of `*base64` set when byte i of the 16 is a base64 digit; of
/// `*nonHex` when it is one but no hexadecimal digit.
static inline void classify16(const uint8_t *bytes, uint32_t *base64, uint32_t *nonHex) {
    __m128i x = _mm_loadu_si128((const __m128i *)bytes);
    __m128i folded = _mm_or_si128(x, _mm_set1_epi8(0x20));  // letters of either case
    __m128i symbol = _mm_or_si128(
        _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('+')), _mm_cmpeq_epi8(x, _mm_set1_epi8('/'))),
        _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('-')), _mm_cmpeq_epi8(x, _mm_set1_epi8('_'))));
    __m128i other = _mm_or_si128(in_range(folded, 'g', 'z' - 'g'), symbol);
    __m128i hex = _mm_or_si128(in_range(folded, 'a', 5), in_range(x, '0', 9));
    *base64 = (uint32_t)_mm_movemask_epi8(_mm_or_si128(other, hex));
    *nonHex = (uint32_t)_mm_movemask_epi8(other);
}
#endif

void hush_classify_base64(const uint8_t *bytes, size_t count, uint64_t *bits, uint64_t *nonHex) {
    size_t words = hush_base64_words(count);
    size_t full = count / 64;
    for (size_t word = 0; word < full; word++) {
        const uint8_t *block = bytes + word * 64;
        uint64_t mask = 0, letters = 0;
#if defined(__SSE2__)
        for (int part = 0; part < 4; part++) {
            uint32_t base64, other;
            classify16(block + part * 16, &base64, &other);
            mask |= (uint64_t)base64 << (part * 16);
            letters |= (uint64_t)other << (part * 16);
        }
#else
        for (int bit = 0; bit < 64; bit++) {
            int digit = is_base64(block[bit]);
            mask |= (uint64_t)digit << bit;
            letters |= (uint64_t)(digit && !is_hex(block[bit])) << bit;
        }
#endif
        bits[word] = mask;
        nonHex[word] = letters;
    }
    for (size_t word = full; word < words; word++) bits[word] = nonHex[word] = 0;
    for (size_t index = full * 64; index < count; index++) {
        int digit = is_base64(bytes[index]);
        bits[index / 64] |= (uint64_t)digit << (index % 64);
        nonHex[index / 64] |= (uint64_t)(digit && !is_hex(bytes[index])) << (index % 64);
    }
}

int hush_any_bit(const uint64_t *bits, size_t start, size_t end) {
    if (start >= end) return 0;
    size_t first = start / 64, last = (end - 1) / 64;
    uint64_t head = ~0ULL << (start % 64);
    uint64_t tail = ~0ULL >> (63 - (end - 1) % 64);
    if (first == last) return (bits[first] & head & tail) != 0;
    if (bits[first] & head) return 1;
    for (size_t word = first + 1; word < last; word++) {
        if (bits[word]) return 1;
    }
    return (bits[last] & tail) != 0;
}

/// Bit i (0...63) set when bits word*64+i ... +shortest-1 are all set.
static inline uint64_t run_starts(const uint64_t *bits, size_t word, size_t shortest) {
    unsigned __int128 window = (unsigned __int128)bits[word] | (unsigned __int128)bits[word + 1] << 64;
    // Doubling: `covered` has bit i when bits i ... i+length-1 are set.
    unsigned __int128 covered = window;
    size_t length = 1;
    while (length * 2 <= shortest) {
        covered &= covered >> length;
        length *= 2;
    }
    if (length < shortest) covered &= covered >> (shortest - length);
    return (uint64_t)covered;
}

size_t hush_next_base64_run(const uint64_t *bits, size_t count, size_t from, size_t shortest, size_t *end) {
    if (shortest < 1 || shortest > 64) return count;
    size_t full = count / 64 + 1;  // words that may hold set bits
    size_t word = from / 64;
    uint64_t starts = word < full ? run_starts(bits, word, shortest) & (~0ULL << (from % 64)) : 0;
    while (starts == 0) {
        word += 1;
        if (word >= full) return count;
        starts = run_starts(bits, word, shortest);
    }
    // The first qualifying bit at or after `from` starts its run: the bit
    // before it is clear, or it would qualify too (or be before `from`).
    size_t start = word * 64 + (size_t)__builtin_ctzll(starts);
    if (start >= count) return count;
    size_t last = full + 1;  // words in `bits`
    size_t at = start / 64;
    uint64_t clear = ~bits[at] & (~0ULL << (start % 64));
    while (clear == 0) {
        at += 1;
        clear = at < last ? ~bits[at] : 1;
    }
    size_t stop = at * 64 + (size_t)__builtin_ctzll(clear);
    *end = stop < count ? stop : count;
    return start;
}

size_t hush_next_lettered_base64_run(
    const uint64_t *bits, const uint64_t *nonHex, size_t count, size_t from, size_t shortest, size_t *end) {
    while (from < count) {
        size_t start = hush_next_base64_run(bits, count, from, shortest, end);
        if (start >= count) return count;
        if (hush_any_bit(nonHex, start, *end)) return start;
        from = *end;
    }
    return count;
}

/// Bit i set when byte i of the 64 at `bytes` is a line feed.
static inline uint64_t line_feeds64(const uint8_t *bytes) {
#if defined(__SSE2__)
    __m128i newline = _mm_set1_epi8(10);
    uint64_t mask = 0;
    for (int part = 0; part < 4; part++) {
        __m128i x = _mm_loadu_si128((const __m128i *)(bytes + part * 16));
        mask |= (uint64_t)(uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(x, newline)) << (part * 16);
    }
    return mask;
#else
    uint64_t mask = 0;
    for (int i = 0; i < 64; i++) mask |= (uint64_t)(bytes[i] == 10) << i;
    return mask;
#endif
}

size_t hush_count_line_feeds(const uint8_t *bytes, size_t count) {
    size_t total = 0;
    size_t position = 0;
    for (; position + 64 <= count; position += 64) total += (size_t)__builtin_popcountll(line_feeds64(bytes + position));
    for (; position < count; position++) total += bytes[position] == 10;
    return total;
}

void hush_line_feed_offsets(const uint8_t *bytes, size_t count, long first, long *offsets) {
    size_t written = 0;
    size_t position = 0;
    for (; position + 64 <= count; position += 64) {
        uint64_t mask = line_feeds64(bytes + position);
        while (mask) {
            offsets[written++] = first + (long)(position + (size_t)__builtin_ctzll(mask));
            mask &= mask - 1;
        }
    }
    for (; position < count; position++) {
        if (bytes[position] == 10) offsets[written++] = first + (long)position;
    }
}

long hush_last_line_feed(const uint8_t *bytes, size_t offset) {
    size_t position = offset;
    while (position % 64 != 0) {
        position--;
        if (bytes[position] == 10) return (long)position;
    }
    while (position >= 64) {
        position -= 64;
        uint64_t mask = line_feeds64(bytes + position);
        if (mask) return (long)(position + 63 - (size_t)__builtin_clzll(mask));
    }
    return -1;
}
