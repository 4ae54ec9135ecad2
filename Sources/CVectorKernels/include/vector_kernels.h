// The engine's AVX-512 kernels in C, chosen at run time: the engine is built for x86-64-v2, and Swift has no
// per-function CPU targets, so the few loops that gain from 64-byte vectors live here, each function compiled
// with its own `target` attribute and called only where `primesum_avx512_available()` says so.
// The portable versions, and what the kernels compute, are in the PrimeSieve target (`BitmapTally`, `PreSieve`).
#ifndef PRIMESUM_VECTOR_KERNELS_H
#define PRIMESUM_VECTOR_KERNELS_H

#include <stddef.h>
#include <stdint.h>

/// Whether this CPU and OS can run the kernels below: AVX-512 Foundation and VPOPCNTDQ, with the OS saving
/// the vector registers (XCR0). Always 0 off x86-64.
int primesum_avx512_available(void);

/// Sums over the 8-byte words of a bitmap: see `BitmapTally`.
typedef struct {
    /// Σ popcount(w): the number of set bits.
    uint64_t count;
    /// Σ j · popcount(w), `j` the word's first byte relative to the bitmap's first byte.
    uint64_t weightedCount;
    /// Σ value(w), `value` the sum of the words' set bits' offsets `30·(b/8) + residue(b % 8)`.
    uint64_t valueSum;
} primesum_tally_sums;

/// Adds the sums of `bytes[0 ..< 512 * units]` (any alignment) to `sums`.
void primesum_tally_avx512(const uint8_t *bytes, size_t units, primesum_tally_sums *sums);

/// `target[j] = AND of sources[0…7][j]` (or `target[j] &= …` when `andInto` is non-zero) for `j < count`:
/// one pass of the pre-sieve (see `PreSieve`).
void primesum_and8_avx512(const uint8_t *const sources[8], uint8_t *target, size_t count, int andInto);

#endif
