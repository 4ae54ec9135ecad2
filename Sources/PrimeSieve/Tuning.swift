/// Every tuning constant of the engine, with its trade-off. Measured on the benchmark (`./run.sh bench`).
public enum Tuning {
    /// Sieving primes up to `segmentBytes * smallPrimeFactor` use the unrolled wheel-turn loop: it pays 8
    /// offset computations per prime per segment, worth it once a prime makes a few turns per segment
    /// (a turn is `p` bytes).
    public static let smallPrimeFactor: UInt64 = 1
    /// Sieving primes above `segmentBytes * bigPrimeFactor` go to the bucket sieve: a prime makes one
    /// multiple per `p / 8` bytes on average, so above a few segments' worth most segments hold none of
    /// its multiples and visiting it every segment would be wasted work.
    public static let bigPrimeFactor: UInt64 = 4
    /// Default segment: bytes of bitmap sieved at a time (30 integers per byte). Small primes' scattered
    /// writes want the segment in a fast cache; every segment costs a visit of each small and medium prime,
    /// which wants it large. 256 KiB sits inside this machine's 2 MiB L2 per core.
    public static let defaultSegmentBytes = 256 * 1024
}
