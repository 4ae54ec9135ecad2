#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Every tuning constant of the combinatorial engine, with its trade-off.
enum Tuning {
    /// Bits (odd integers) of the hard leaves' sieve segment: 2^19 bits is a 64 KiB bitmap, which stays in
    /// the L2 cache with its counters; a longer segment means fewer visits of each sieving prime.
    static let segmentBits = 1 << 19
    /// Bits per counter block of the hard leaves' sieve: a leaf's φ reads the counters of the blocks before
    /// it, then at most this many bits word by word. Smaller blocks mean more counters to walk.
    static let blockBits = 256
    /// Blocks per superblock: a query walks at most a segment's superblocks, then this many blocks.
    static let blocksPerSuperblock = 32

    /// `α` of `y = α·x^(1/3)`, ≈ 0.00036·ln³x: about 4 at 10^10, 18 at 10^16, 32 at 2^64 (the growth primesum
    /// uses), never below 1.
    static func alpha(_ x: UInt64) -> Double {
        let l = log(Double(x))
        return Swift.max(1, 0.00036 * l * l * l)
    }

    /// Easy leaves are taken by runs of equal π(v) once q² > clusteredFactor·x/p: a run (length about q/v)
    /// costs about two sparse leaves, so runs pay where q/v passes 1–2. 2 measured best at 10^16 (1: 20 %
    /// slower, 4: 5 %, 8: 23 %).
    static let clusteredFactor: UInt64 = 2

    /// The width of the segments of v in which the easy leaves are taken: the look-ups of one segment read
    /// S/128 entries of π's bitmap and about S/ln S prime sums, which should stay in the L1/L2 cache, while
    /// each b costs a division and a look-up per segment.
    static let easySegment: UInt64 = 1 << 16

    /// The most cut points a P2 piece holds, about: pieces near √x, where the cut points crowd, stay short
    /// (2^16 cut points are a few million integers there), so that they spread over threads and ranks.
    static let p2CutsPerPiece = 1 << 16

    /// `y` stays below 2^31: the prime tables hold the primes up to `y` as `UInt32`. A bound, not a tuning:
    /// `y` is about 2^26 at 2^64.
    static let largestY: UInt64 = 1 << 31 - 1
}
