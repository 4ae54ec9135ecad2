#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension PrimeSieve {
    /// Calls `body` with every prime `p` in `[lo, hi)`, in increasing order, a sieved segment at a time.
    ///
    /// For the engines built on this one (the combinatorial sum needs its prime tables and the primes of
    /// P2's sub-ranges): memory is one segment and the sieving primes up to `sqrt(hi)`, whatever the width.
    /// - Precondition: `lo <= hi`; `hi <= 2^64 - 1`.
    public func forEachPrime(from lo: UInt64, to hi: UInt64, _ body: (UInt64) -> Void) {
        forEachBlockOfPrimes(from: lo, to: hi) { primes in
            for p in primes { body(p) }
        }
    }

    /// Calls `body` with the primes in `[lo, hi)`, in increasing order, as blocks of at most
    /// `primesPerBlock` (possibly empty): one call per block instead of one per prime, so that the caller's
    /// loop over a block is its own and inlined. Memory as ``forEachPrime(from:to:_:)``, plus the block.
    /// - Precondition: `lo <= hi`; `hi <= 2^64 - 1`.
    public func forEachBlockOfPrimes(from lo: UInt64, to hi: UInt64, _ body: (UnsafeBufferPointer<UInt64>) -> Void) {
        precondition(lo <= hi && hi < UInt64.max, "range [\(lo), \(hi)) is not inside [0, 2^64 - 1)")
        let smallest = [2, 3, 5].filter { lo <= $0 && $0 < hi } as [UInt64]
        if !smallest.isEmpty { smallest.withUnsafeBufferPointer(body) }
        guard hi > 7 && lo < hi else { return }
        let segmentBytes = configuration.segmentBytes(forRangeEndingAt: UInt128(hi))
        let blockBytes = Swift.min(configuration.blockBytes, segmentBytes)
        var sieve = SegmentSieve(firstByte: lo / 30, endByte: (hi + 29) / 30, segmentBytes: segmentBytes,
                                 blockBytes: blockBytes, vectorKernels: configuration.vectorKernels)
        var sievingPrimes = SievingPrimes(upTo: Self.sievingLimit(forRangeEndingAt: UInt128(hi)),
                                          segmentBytes: segmentBytes, blockBytes: blockBytes,
                                          vectorKernels: configuration.vectorKernels)
        let block = UnsafeMutableBufferPointer<UInt64>.allocate(capacity: Self.primesPerBlock)
        defer { block.deallocate() }
        let lowest = Swift.max(lo, 7)
        while sieve.sieveNextSegment(primesFrom: &sievingPrimes, { bitmap, firstByte in
            Self.forEachBlockOfSetBits(of: bitmap, firstByte: firstByte, in: block) { primes in
                var first = 0, count = primes.count
                while first < count && primes[first] < lowest { first += 1 }
                while count > first && primes[count - 1] >= hi { count -= 1 }
                body(UnsafeBufferPointer(rebasing: primes[first..<count]))
            }
        }) {}
    }

    /// The most primes ``forEachBlockOfPrimes(from:to:_:)`` hands over at once: 32 KiB of them.
    static let primesPerBlock = 4096

    /// The primes up to `limit` (below 2^32), in increasing order: a table for engines that index primes.
    public func primes(upTo limit: UInt64) -> [UInt32] {
        precondition(limit < 1 << 32, "prime tables hold 32-bit primes")
        return primes(from: 0, to: limit + 1)
    }

    /// The primes in `[lo, hi)`, `hi ≤ 2^32`, in increasing order, in an array reserved once.
    public func primes(from lo: UInt64, to hi: UInt64) -> [UInt32] {
        precondition(lo <= hi && hi <= 1 << 32, "prime tables hold 32-bit primes")
        var primes: [UInt32] = []
        primes.reserveCapacity(Self.primeCountBound(from: lo, to: hi))
        forEachBlockOfPrimes(from: lo, to: hi) { block in
            for p in block { primes.append(UInt32(truncatingIfNeeded: p)) }
        }
        return primes
    }

    /// At least π(hi − 1) − π(lo − 1), for reserving: π(n) < 1.26·n/ln n for n > 1 (Rosser and Schoenfeld)
    /// above, π(n) > n/ln n for n ≥ 17 below.
    static func primeCountBound(from lo: UInt64, to hi: UInt64) -> Int {
        let n = Double(hi)
        let above = Int(1.26 * n / log(Swift.max(n, 3))), below = lo > 17 ? Int(Double(lo) / log(Double(lo))) : 0
        return Swift.max(0, above - below) + 16
    }

    /// Calls `flush` with the integers of the set bits of a sieved wheel bitmap, in increasing order, a
    /// `buffer`ful at a time (bytes past the range's end may hold bits: the caller filters).
    private static func forEachBlockOfSetBits(of bitmap: UnsafeBufferPointer<UInt8>, firstByte: UInt64,
                                              in buffer: UnsafeMutableBufferPointer<UInt64>,
                                              _ flush: (UnsafeBufferPointer<UInt64>) -> Void) {
        var count = 0
        Wheel.forEachSetBit(of: bitmap, firstByte: firstByte) { n in
            if count == buffer.count {
                flush(UnsafeBufferPointer(buffer))
                count = 0
            }
            buffer[count] = n
            count += 1
            return true
        }
        if count > 0 { flush(UnsafeBufferPointer(rebasing: buffer[..<count])) }
    }
}
