/// Sums and counts of the primes in ranges of `[0, 2^64]`.
///
/// The engine of PrimeSum. It knows nothing of MPI: the distributed job hands each rank its ranges and
/// calls ``tally(from:to:)`` or ``tallies(from:to:cutAt:)`` on them.
public struct PrimeSieve: Sendable {
    /// The end of the number line the engine covers: ranges are within `[0, 2^64]`.
    public static let upperLimit: UInt128 = 1 << 64

    /// The tuning of the sieve.
    public var configuration: SieveConfiguration

    public init(configuration: SieveConfiguration = .default) {
        self.configuration = configuration
    }

    /// The count and sum of the primes `p` with `lo <= p < hi`.
    /// - Precondition: `lo <= hi <= 2^64`.
    public func tally(from lo: UInt128, to hi: UInt128) -> PrimeTally {
        tallies(from: lo, to: hi, cutAt: [])[0]
    }

    /// The tallies of the pieces `[lo, b₁), [b₁, b₂), …, [bₖ, hi)` of `[lo, hi)`, in one pass of the sieve.
    ///
    /// This is how a batch of bounds costs one sieve of its largest bound: the sum below each bound is the
    /// running total of the pieces.
    /// - Precondition: `lo <= b₁ <= … <= bₖ <= hi <= 2^64`.
    /// - Parameters:
    ///   - sievingPrimes: primes already generated (shared by the ranges a process sieves), read instead of
    ///     generating the range's own when the list reaches `sqrt(hi)`.
    ///   - progress: called after each segment with the number of integers it covered.
    public func tallies(from lo: UInt128, to hi: UInt128, cutAt boundaries: [UInt128],
                        sievingPrimes: SievingPrimeList? = nil, progress: ((UInt64) -> Void)? = nil) -> [PrimeTally] {
        precondition(lo <= hi && hi <= Self.upperLimit, "range [\(lo), \(hi)) is not inside [0, 2^64]")
        precondition(boundaries.indices.allSatisfy { k in (k == 0 ? lo : boundaries[k - 1]) <= boundaries[k] }
                     && (boundaries.last ?? lo) <= hi, "cuts must be ascending and inside the range")
        return rangeTally(from: lo, to: hi, sievingPrimes: sievingPrimes).tallies(cutAt: boundaries, progress: progress)
    }

    /// Calls `atCut` with the count and sum of the primes in `[lo, c)` at each cut point `c` that `nextCut`
    /// gives, in one pass of the sieve, and returns those of the whole range: for cut points too many to
    /// hold (the combinatorial sum's P2 has hundreds of millions), produced and consumed on the fly.
    /// - Precondition: `lo <= hi <= 2^64`; `nextCut` gives ascending points inside `[lo, hi]`, then nil.
    public func runningTallies(from lo: UInt128, to hi: UInt128, nextCut: () -> UInt128?,
                               atCut: (PrimeTally) -> Void) -> PrimeTally {
        precondition(lo <= hi && hi <= Self.upperLimit, "range [\(lo), \(hi)) is not inside [0, 2^64]")
        var last = lo
        return rangeTally(from: lo, to: hi).runningTallies(nextCut: {
            let cut = nextCut()
            if let cut {
                precondition(last <= cut && cut <= hi, "cuts must be ascending and inside the range")
                last = cut
            }
            return cut
        }, atCut: atCut)
    }

    /// The largest sieving prime a range ending at `hi` may need: `sqrt(hi - 1)`, below 2^32.
    public static func sievingLimit(forRangeEndingAt hi: UInt128) -> UInt64 {
        hi <= 1 ? 0 : Swift.min(UInt64(Swift.min(hi - 1, UInt128(UInt64.max))).squareRootFloor(), UInt64(UInt32.max))
    }

    private func rangeTally(from lo: UInt128, to hi: UInt128, sievingPrimes: SievingPrimeList? = nil) -> RangeTally {
        let segmentBytes = configuration.segmentBytes(forRangeEndingAt: hi)
        return RangeTally(lo: lo, hi: hi, segmentBytes: segmentBytes,
                          blockBytes: Swift.min(configuration.blockBytes, segmentBytes),
                          vectorKernels: configuration.vectorKernels, sharedPrimes: sievingPrimes)
    }
}

/// The tuning one engine runs with: its segment, block and kernels (defaults from ``Tuning``).
public struct SieveConfiguration: Sendable, Hashable {
    /// Bytes of bitmap sieved at a time (30 integers per byte), a power of two: see
    /// `Tuning.defaultSegmentBytes` for the trade-off. Ranges with small sieving primes use less: see
    /// ``segmentBytes(forRangeEndingAt:)``.
    public var segmentBytes: Int
    /// Bytes of a segment that small primes cross off at a time: see `Tuning.defaultBlockBytes`.
    public var blockBytes: Int
    /// Whether the pre-sieve and the tally run AVX-512 kernels: where the CPU has them, by default.
    public var vectorKernels: VectorKernels

    /// - Parameters:
    ///   - segmentBytes: rounded up to a power of two, at least 8 and at most 2^23
    ///     (the bucket sieve's 23-bit byte index).
    ///   - blockBytes: at most the segment.
    ///   - vectorKernels: `.portable` where the CPU lacks the ones asked for.
    public init(segmentBytes: Int = Tuning.defaultSegmentBytes, blockBytes: Int = Tuning.defaultBlockBytes,
                vectorKernels: VectorKernels = .fastestAvailable) {
        self.segmentBytes = Swift.min(Swift.max(segmentBytes, 8), BucketSieve.largestSegmentBytes).nextPowerOfTwo
        self.blockBytes = Swift.max(1, Swift.min(blockBytes, self.segmentBytes))
        self.vectorKernels = vectorKernels == .avx512 ? VectorKernels.fastestAvailable : .portable
    }

    public static let `default` = SieveConfiguration()

    /// The segment for a range ending at `hi`: ``segmentBytes``, or less when the range's sieving primes are
    /// small — down to `Tuning.smallestSegmentBytes`, but never below one wheel turn of the largest sieving
    /// prime (`sqrt(hi)` bytes), so that every medium prime keeps at least 8 multiples per visit.
    public func segmentBytes(forRangeEndingAt hi: UInt128) -> Int {
        segmentBytes(forLargestSievingPrime: UInt64(Swift.min(hi, UInt128(UInt64.max))).squareRootFloor())
    }

    /// ``segmentBytes(forRangeEndingAt:)`` from the range's largest sieving prime, `sqrt(hi)`.
    func segmentBytes(forLargestSievingPrime largest: UInt64) -> Int {
        Swift.min(segmentBytes, Swift.max(Int(largest), Tuning.smallestSegmentBytes).nextPowerOfTwo)
    }
}
