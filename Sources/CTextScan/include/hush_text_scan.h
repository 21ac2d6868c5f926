#ifndef HUSH_TEXT_SCAN_H
#define HUSH_TEXT_SCAN_H

#include <stddef.h>
#include <stdint.h>

/// Sets bit i of `bits` when bytes[i] is a base64 digit of either alphabet
/// (A-Z a-z 0-9 + / - _), and bit i of `nonHex` when it is one of those but
/// no hexadecimal digit. Each holds hush_base64_words(count) words; the bits
/// past `count` are cleared.
void hush_classify_base64(const uint8_t *bytes, size_t count, uint64_t *bits, uint64_t *nonHex);

/// Whether any of bits start..<end is set.
int hush_any_bit(const uint64_t *bits, size_t start, size_t end);

/// The number of words `hush_classify_base64` writes for `count` bytes
/// (one spare word, so that runs can be looked for past a word's end).
size_t hush_base64_words(size_t count);

/// The start of the first run of at least `shortest` (1...64) set bits
/// that starts at or after `from` and is not preceded by a set bit at
/// or after `from`; its end (the first clear bit after it) in `end`.
/// Returns `count` when there is none.
size_t hush_next_base64_run(const uint64_t *bits, size_t count, size_t from, size_t shortest, size_t *end);

/// Like hush_next_base64_run, skipping runs in which no bit of `nonHex` is
/// set (hexadecimal runs: hashes and ids, never base64 of text).
size_t hush_next_lettered_base64_run(
    const uint64_t *bits, const uint64_t *nonHex, size_t count, size_t from, size_t shortest, size_t *end);

/// The number of line feeds (10) in bytes[0..<count].
size_t hush_count_line_feeds(const uint8_t *bytes, size_t count);

/// Writes the offset of every line feed in bytes[0..<count], plus `first`,
/// to `offsets`, in order; `offsets` holds hush_count_line_feeds(bytes,
/// count) of them.
void hush_line_feed_offsets(const uint8_t *bytes, size_t count, long first, long *offsets);

/// The offset of the last line feed in bytes[0..<offset], or -1 when there is none.
long hush_last_line_feed(const uint8_t *bytes, size_t offset);

#endif
