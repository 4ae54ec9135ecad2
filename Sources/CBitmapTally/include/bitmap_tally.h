// The bitmap tally's vector kernel: counts and sums the primes of a sieved mod-30 bitmap with AVX-512,
// chosen at run time (the engine is built for x86-64-v2; this kernel runs only where the CPU has it).
// The portable tally, and what the three sums mean, is `BitmapTally` in the PrimeSieve target.
#ifndef PRIMESUM_BITMAP_TALLY_H
#define PRIMESUM_BITMAP_TALLY_H

#include <stddef.h>
#include <stdint.h>

/// Sums over the 8-byte words of a bitmap: see `BitmapTally`.
typedef struct {
    /// Σ popcount(w): the number of set bits.
    uint64_t count;
    /// Σ j · popcount(w), `j` the word's first byte relative to the bitmap's first byte.
    uint64_t weightedCount;
    /// Σ value(w), `value` the sum of the words' set bits' offsets `30·(b/8) + residue(b % 8)`.
    uint64_t valueSum;
} primesum_tally_sums;

/// Whether this CPU and OS can run `primesum_tally_avx512`: AVX-512 Foundation and VPOPCNTDQ, with the
/// OS saving the vector registers (XCR0). Always 0 off x86-64.
int primesum_tally_avx512_available(void);

/// Adds the sums of `bytes[0 ..< 512 * units]` (any alignment) to `sums`. Only where
/// `primesum_tally_avx512_available()` said so.
void primesum_tally_avx512(const uint8_t *bytes, size_t units, primesum_tally_sums *sums);

#endif
