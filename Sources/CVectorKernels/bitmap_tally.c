// The bitmap tally's AVX-512 kernel. Same arithmetic as `BitmapTally` (PrimeSieve), eight words at a time:
//
// - the count and the weighted count take one `vpopcntq` per 8 words (the portable tally: one `popcnt` per
//   word, as primesieve's count);
// - the value is linear in the bits, so it needs only how many words set each bit: those column counts are
//   kept bit-sliced by carry-save adders, each one `vpternlogq` for the sum and one for the carry; every
//   512 bytes leave one vector of eights, whose value (8 masked popcounts) is taken once.
//
// Per 512 bytes: 8 loads, 8 popcounts and 16 adds for the counts, 14 ternary-logic operations, 8 ANDs,
// 8 popcounts and 8 adds for the value: ~70 vector operations where the portable tally takes ~640 scalar
// ones and a popcount-only count 128.
#include "vector_kernels.h"

#if defined(__x86_64__)
#include <immintrin.h>

#define TALLY_TARGET __attribute__((target("avx512f,avx512vpopcntdq")))

/// A carry-save adder on 512 one-bit columns: adds `a` and `b` into `sum`, the carries going to `carry`.
#define CARRY_SAVE(carry, sum, a, b)                                     \
    do {                                                                 \
        __m512i previous = (sum);                                        \
        (sum) = _mm512_ternarylogic_epi64(previous, (a), (b), 0x96);     \
        (carry) = _mm512_ternarylogic_epi64(previous, (a), (b), 0xE8);   \
    } while (0)

/// Bit `k` of every bit's value `30·(b/8) + residue(b % 8)`, as a mask over the word's bits, k = 1…7
/// (bit 0 is set in every value: all are odd). The same masks as `BitmapTally.value`.
static const uint64_t valueBitMasks[7] = {
    0x9966996699669966u, 0xAC3553CAAC3553CAu, 0xCE46627331B99D8Cu, 0x0F878383C1C1E1F0u,
    0xF007FC03FE01FE00u, 0xFFF80003FFFE0000u, 0xFFFFFFFC00000000u,
};

/// `Σ_k 2^k · popcount(w & V_k)` lane by lane.
TALLY_TARGET static inline __m512i laneValues(__m512i w) {
    __m512i value = _mm512_popcnt_epi64(w);
    for (int k = 0; k < 7; k++) {
        __m512i bits = _mm512_popcnt_epi64(_mm512_and_si512(w, _mm512_set1_epi64((long long)valueBitMasks[k])));
        value = _mm512_add_epi64(value, _mm512_slli_epi64(bits, k + 1));
    }
    return value;
}

TALLY_TARGET void primesum_tally_avx512(const uint8_t *bytes, size_t units, primesum_tally_sums *sums) {
    // Lane `l` of vector `t` is the word at byte 64t + 8l. Per lane, `runningCount` is the count so far and
    // `runningCountSum` the sum of those running counts: Σ_t t·c_t = n·C − Σ_t P_t over n vectors, as in the
    // portable tally, with two adds per vector instead of a multiply.
    __m512i runningCount = _mm512_setzero_si512(), runningCountSum = _mm512_setzero_si512();
    __m512i ones = _mm512_setzero_si512(), twos = _mm512_setzero_si512(), fours = _mm512_setzero_si512();
    __m512i eightsValue = _mm512_setzero_si512();
    for (size_t unit = 0; unit < units; unit++) {
        const uint8_t *p = bytes + 512 * unit;
        __m512i w[8];
        for (int i = 0; i < 8; i++) {
            w[i] = _mm512_loadu_si512((const void *)(p + 64 * i));
            runningCount = _mm512_add_epi64(runningCount, _mm512_popcnt_epi64(w[i]));
            runningCountSum = _mm512_add_epi64(runningCountSum, runningCount);
        }
        __m512i twosA, twosB, foursA, foursB, eights;
        CARRY_SAVE(twosA, ones, w[0], w[1]);
        CARRY_SAVE(twosB, ones, w[2], w[3]);
        CARRY_SAVE(foursA, twos, twosA, twosB);
        CARRY_SAVE(twosA, ones, w[4], w[5]);
        CARRY_SAVE(twosB, ones, w[6], w[7]);
        CARRY_SAVE(foursB, twos, twosA, twosB);
        CARRY_SAVE(eights, fours, foursA, foursB);
        eightsValue = _mm512_add_epi64(eightsValue, laneValues(eights));
    }
    __m512i value = _mm512_slli_epi64(eightsValue, 3);
    value = _mm512_add_epi64(value, _mm512_slli_epi64(laneValues(fours), 2));
    value = _mm512_add_epi64(value, _mm512_slli_epi64(laneValues(twos), 1));
    value = _mm512_add_epi64(value, laneValues(ones));

    // Per lane l: Σ_t (64t + 8l)·c_t,l = 64·(n·C_l − Σ_t P_t,l) + 8l·C_l over the n vectors.
    uint64_t laneCounts[8], laneCountSums[8], laneValueSums[8];
    _mm512_storeu_si512((void *)laneCounts, runningCount);
    _mm512_storeu_si512((void *)laneCountSums, runningCountSum);
    _mm512_storeu_si512((void *)laneValueSums, value);
    const uint64_t vectors = 8 * (uint64_t)units;
    for (int lane = 0; lane < 8; lane++) {
        sums->count += laneCounts[lane];
        sums->weightedCount += 64 * (vectors * laneCounts[lane] - laneCountSums[lane]) + 8 * (uint64_t)lane * laneCounts[lane];
        sums->valueSum += laneValueSums[lane];
    }
}

#else

void primesum_tally_avx512(const uint8_t *bytes, size_t units, primesum_tally_sums *sums) {
    (void)bytes; (void)units; (void)sums;
}

#endif
