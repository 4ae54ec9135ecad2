#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Every tuning constant of the engine, with its trade-off and its precondition. How each was chosen is in
/// docs/performance-history.md; the distributed job's constants are in `PrimeSum`'s `JobTuning`.
public enum Tuning {
    /// Sieving primes up to `blockBytes / smallPrimeDivisor` cross off each block (kept in the L1 cache) in
    /// turn; larger ones cross off the whole segment at once. Per block, a prime pays a call, a dispatch on its
    /// wheel state and a loop tail; over the whole segment its writes miss the L1 cache instead. 3 makes every
    /// small prime do at least 3 wheel turns (24 multiples) per block. Precondition: at least 1.
    public static let smallPrimeDivisor: UInt64 = 3
    /// Sieving primes above `bigPrimeSegments` segments' bytes go to the bucket sieve; those below are medium.
    /// A medium prime is visited every segment even when it has few multiples there; a bucket entry is visited
    /// once per multiple but loads and stores its entry. Above two segments a prime has at most ~2 multiples
    /// per segment, where the bucket's cost per multiple wins. Precondition: at least 1.
    public static let bigPrimeSegments: UInt64 = 2
    /// Default segment: bytes of bitmap sieved at a time (30 integers per byte). Every segment costs a visit
    /// of each medium prime and a pass over a bucket, which wants segments large; medium primes' scattered
    /// writes want the segment in a fast cache, which wants it small: a quarter of the L2 cache. A power of two.
    public static let defaultSegmentBytes = CacheSizes.current.level2 / 4
    /// The smallest segment, used where the sieving primes are small (below ~10^10): a segment of one wheel
    /// turn of the largest sieving prime (`sqrt(hi)` bytes) already gives every medium prime 8 multiples per
    /// visit, and more only costs memory; below this size, per-segment visits and partial blocks cost time.
    /// A power of two.
    public static let smallestSegmentBytes = 128 * 1024
    /// Small primes cross off a segment one block at a time so that their dense writes stay in the L1 data
    /// cache: two thirds of it, since the block shares the cache with the small primes themselves and the
    /// pre-sieve patterns streaming into it. A multiple of 64 (whole cache lines).
    public static let defaultBlockBytes = (CacheSizes.current.level1Data * 2 / 3) & ~63
    /// The pre-sieve ANDs its patterns into a block this many bytes at a time: small enough that a chunk and
    /// its 8 patterns' windows stay in the L1 cache, large enough that the loop overhead per chunk is small.
    /// Each pattern carries a copy of this many of its first bytes after its end, so no read wraps.
    static let preSieveChunkBytes = 2048

    /// Cost model: filling and tallying the bitmap, per integer, in the units of `costDensity(at:)`, where a
    /// crossing by a small prime costs 1.
    static let baseCostPerInteger = 0.05
    /// Cost model: a crossing by a medium or big prime (whose writes leave the L1 cache) against one by a
    /// small prime. Fitted so that two ranks splitting [0, 10^11) by estimated cost finish together (load
    /// imbalance within 1.01–1.06, the machine's own noise between its cores).
    static let largePrimeCrossingWeight = 2.5

    /// Block pools (`BlockPool`) take their block size as a generic argument, which must be a literal, so
    /// these two are written at their type aliases, `MediumPrimeSieve.Pool` and `BucketSieve.Pool`:
    /// - medium primes, 256-byte blocks: 64 lists each keep up to two partial blocks, which dominate the pool
    ///   when few primes are medium (below ~10^10), and 256 bytes was no slower than 1 KiB;
    /// - big primes, 8 KiB blocks: a bucket is walked block by block, and larger blocks mean fewer block
    ///   changes per visit; the pool's largest (`BlockPool.largestBlockBytes`).
    /// Slabs of `blockPoolBlocksPerSlab` blocks are carved in order from one allocation each.
    static let blockPoolBlocksPerSlab = 64
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
