#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Every tuning constant of the engine, with its trade-off. Measured on the benchmark (`./run.sh bench`).
public enum Tuning {
    /// Sieving primes up to `blockBytes / smallPrimeDivisor` cross off each block (`defaultBlockBytes`, kept in the
    /// L1 cache) in turn; larger ones cross off the whole segment at once. A prime's wheel turn spans `p` bytes, so
    /// a prime below `blockBytes / 3` makes at least 3 turns (24 multiples) per block. Per block, a prime pays a
    /// call, a dispatch on its wheel state and a loop tail; over the whole segment its writes miss the L1 cache
    /// instead. With 48 KiB blocks, a divisor of 3 (primes up to 16 K) cut L1 misses below 10^9 from 52 M to 21 M
    /// for 6 % more instructions against a divisor of 8 with 32 KiB blocks (cachegrind, `prime-sum-bench measure
    /// primesum 0 1e9`); instructions + 8 per L1 miss + 15 per misprediction fell by 16 %. Re-checked once the
    /// loops became one per prime class: divisors 3, 4, 6 and 8 came within 2 % of each other (alternating runs
    /// below 2·10^9, medians of 5), and 5 against 3 on [10^15, +10^9) was 1.00×. With today's 32 KiB blocks, primes
    /// up to ~11 K (primesieve's EratSmall: a fifth of the L1, ~10 K here); there, below 10^10, a divisor of 2 took
    /// 1.09×, 1 took 1.23×, 4 took 0.97–0.98× but 1.015× on [10^15, +2·10^9).
    public static let smallPrimeDivisor: UInt64 = 3
    /// Sieving primes above `bigPrimeSegments` segments' bytes go to the bucket sieve; those below are medium.
    /// A medium prime is visited every segment and pays a dispatch on its wheel state and a loop tail even
    /// when the segment holds few of its multiples; a bucket entry is visited once per multiple, with a
    /// load and a store of its entry. Above two segments a prime has at most ~2 multiples per segment
    /// (8 per `p` bytes), where the bucket's cost per multiple wins. On [10^15, +3·10^8), against half a
    /// segment: 11 % fewer instructions (cachegrind), 6–10 % faster in alternating runs on one core; 4 segments
    /// was no better (primesieve's EratMedium limit is 1.75–5 sieve sizes, depending on the version).
    public static let bigPrimeSegments: UInt64 = 2
    /// Default segment: bytes of bitmap sieved at a time (30 integers per byte). Every segment costs a visit
    /// of each medium prime and a pass over a bucket, which wants segments large; medium primes' scattered
    /// writes want the segment in a fast cache, which wants it small. A quarter of the L2 cache (found at
    /// run time; 512 KiB on this machine's 2 MiB L2) balances the two.
    public static let defaultSegmentBytes = CacheSizes.current.level2 / 4
    /// Ranges whose sieving primes are small (below 10^10 or so) need less: a segment of one wheel turn of the
    /// largest sieving prime (`sqrt(hi)` bytes) gives every medium prime at least 8 multiples per visit, and
    /// more segment only costs memory — below 10^10 the segment was the largest block of the heap (512 KiB of
    /// ~1.1 MiB). But not below this: smaller segments cost time in per-segment visits of the medium primes
    /// and partial L1 blocks. Against 512 KiB (alternating runs on one core, medians of 8–10 pairs): 128 KiB
    /// took 1.034× below 10^9, 0.96× below 3·10^9, 1.015× below 10^10 (peak memory −380 KiB there); 64 KiB
    /// took 1.09× below 10^9.
    public static let smallestSegmentBytes = 128 * 1024
    /// Small primes cross off a segment one block at a time, so that their dense writes stay in the L1 data
    /// cache. Two thirds of it (32 KiB of this machine's 48 KiB), not all of it: the block shares the cache with
    /// the small primes themselves (~1,300 of 12 bytes) and the pre-sieve patterns streaming into the block.
    /// Against the whole L1 (alternating runs on one core, medians of 8–12 pairs): 0.90–0.96× below 10^10,
    /// 0.95× below 3·10^9, 0.95–0.98× on [10^15, +10^9), 1.00× near 2^64; half of the L1 took 1.08× below
    /// 10^10. (cachegrind's L1 model, without prefetching, calls it a wash: 4 % more misses.)
    public static let defaultBlockBytes = (CacheSizes.current.level1Data * 2 / 3) & ~63

}

/// The data cache sizes of this machine, read from Linux's sysfs; common sizes when it cannot be read.
public struct CacheSizes: Sendable {
    public var level1Data: Int
    public var level2: Int

    public static let current: CacheSizes = {
        var sizes = CacheSizes(level1Data: 32 * 1024, level2: 1024 * 1024)
        for index in 0..<8 {
            let folder = "/sys/devices/system/cpu/cpu0/cache/index\(index)/"
            guard let level = read(folder + "level"), let type = read(folder + "type"),
                  let size = read(folder + "size") else { continue }
            let digits = size.prefix { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
            guard !digits.isEmpty else { continue }
            let number = digits.reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
            let bytes = size.last == UInt8(ascii: "M") ? number << 20 : number << 10
            if level == Array("1".utf8) && type == Array("Data".utf8) { sizes.level1Data = bytes }
            if level == Array("2".utf8) { sizes.level2 = bytes }
        }
        // Within reason; L2 a power of two (segments are), L1 whole cache lines (blocks need not be powers of two).
        sizes.level1Data = Swift.min(Swift.max(sizes.level1Data, 16 * 1024), 256 * 1024) & ~63
        sizes.level2 = Swift.min(Swift.max(sizes.level2, 256 * 1024), 64 * 1024 * 1024).powerOfTwoAtMost
        return sizes
    }()

    /// The first line of a sysfs file as bytes, without its line break. (Bytes, not `String`: Character
    /// properties would page in the standard library's Unicode tables, a megabyte of resident memory.)
    private static func read(_ path: String) -> [UInt8]? {
        guard let file = fopen(path, "r") else { return nil }
        defer { fclose(file) }
        var buffer = [CChar](repeating: 0, count: 64)
        guard fgets(&buffer, 64, file) != nil else { return nil }
        return buffer.prefix { $0 != 0 && $0 != 10 && $0 != 32 }.map { UInt8(bitPattern: $0) }
    }
}

extension Int {
    /// The largest power of two `<= self` (for `self >= 1`).
    var powerOfTwoAtMost: Int { 1 << (Int.bitWidth - 1 - leadingZeroBitCount) }
}
