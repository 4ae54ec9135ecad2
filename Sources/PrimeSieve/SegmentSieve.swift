/// The segmented sieve of Eratosthenes over the bitmap bytes `[firstByte, endByte)` of the number line
/// (byte `k` holds the integers `30k + residue`), one cache-sized segment at a time.
///
/// Each segment is crossed off by three kinds of sieving primes, each with the loop that suits it:
/// - small primes (at least 3 wheel turns per block): a whole wheel turn per iteration
///   (`crossOffUnrolled`), block by block so that their dense writes stay in the L1 cache; each block is
///   filled from the pre-sieve patterns just before, while it is in the L1 cache too;
/// - medium primes (up to two segments' bytes): the same loops over the whole segment, the primes kept in
///   lists by wheel state (``MediumPrimeSieve``);
/// - big primes (above that, at most ~2 multiples per segment): the bucket sieve, which touches only the
///   primes that have a multiple in the segment.
/// The limits are `Tuning.smallPrimeDivisor` and `Tuning.bigPrimeSegments`.
/// Sieving primes are taken from a ``SievingPrimeSource`` in increasing order and join only when the sieve
/// reaches their squares, so memory is one segment plus the primes up to the square root of the segment's end.
///
/// The source is the caller's, handed to each ``sieveNextSegment(primesFrom:_:)`` call, not a generic
/// parameter of this type: a generic value type's metadata is made at run time (to destroy it, say), and
/// making it needs a conformance lookup that scans every loaded library's conformance records, paging in a
/// megabyte of Foundation's. A generic method, specialised at compile time, needs no metadata.
struct SegmentSieve {
    let firstByte: UInt64
    let endByte: UInt64
    /// The next sieving prime, taken from the source but not yet sieving; nil once the source ran out.
    private var pendingPrime: UInt64?
    /// Whether ``pendingPrime`` was taken from the source yet.
    private var tookFirstPrime = false
    private var smallPrimes: [CrossingPrime] = []
    private var mediumPrimes = MediumPrimeSieve()
    private var bigPrimes: BucketSieve?
    private let largestSievingPrime: UInt64
    private let smallPrimeLimit: UInt64
    private let bigPrimeThreshold: UInt64
    private var segmentStart: UInt64
    private var bitmap: [UInt8]

    /// Small primes cross off a segment in blocks of this many bytes, which stay in the L1 cache.
    private let blockBytes: Int
    /// Whether blocks are pre-sieved with the AVX-512 kernel.
    private let vectorKernels: VectorKernels

    init(firstByte: UInt64, endByte: UInt64, segmentBytes: Int, blockBytes: Int, vectorKernels: VectorKernels) {
        precondition(segmentBytes.nonzeroBitCount == 1, "segments are a power of two bytes (the bucket sieve relies on it)")
        self.blockBytes = blockBytes
        self.vectorKernels = vectorKernels
        self.firstByte = firstByte
        self.endByte = endByte
        let highest = 30 * UInt128(endByte)
        largestSievingPrime = UInt64(Swift.min(highest, UInt128(UInt64.max))).squareRootFloor()
        smallPrimeLimit = UInt64(blockBytes) / Tuning.smallPrimeDivisor
        bigPrimeThreshold = UInt64(segmentBytes) * Tuning.bigPrimeSegments
        segmentStart = firstByte
        // A power of two bytes even for a short range: the bucket sieve may cross off past a last, short
        // segment's end (harmlessly) instead of testing every multiple against it.
        let rangeBytes = Int(Swift.min(UInt64(segmentBytes), Swift.max(endByte - firstByte, 1)))
        bitmap = [UInt8](repeating: 0, count: rangeBytes.nextPowerOfTwo)
    }

    /// Sieves the next segment, with the sieving primes taken from `source` (the same source on every call),
    /// and hands `body` its bitmap and the number of its first byte. Returns false, without calling `body`,
    /// when the range is done.
    ///
    /// The bitmap covers whole bytes: integers below `30 * firstByte`'s range start or past its end that share
    /// a byte with the range are the caller's to mask.
    mutating func sieveNextSegment<Source: SievingPrimeSource>(
        primesFrom source: inout Source, _ body: (UnsafeBufferPointer<UInt8>, UInt64) -> Void
    ) -> Bool {
        guard segmentStart < endByte else { return false }
        if !tookFirstPrime {
            pendingPrime = source.next()
            tookFirstPrime = true
        }
        let length = Int(Swift.min(UInt64(bitmap.count), endByte - segmentStart))
        let segmentEndValue = 30 * UInt128(segmentStart + UInt64(length))
        while let p = pendingPrime, UInt128(p * p) < segmentEndValue {
            if p > bigPrimeThreshold {
                // Big primes come by the hundred million near 2^64: one tight loop places them all.
                makeBucketSieve()
                pendingPrime = bigPrimes!.add(startingWith: p, from: &source, whileSquareBelow: segmentEndValue,
                                              segmentStart: segmentStart)
                break
            }
            if p > PreSieve.largestPrime { addSievingPrime(p) }
            pendingPrime = source.next()
        }
        let segmentStart = segmentStart
        let blockBytes = blockBytes, vectorKernels = vectorKernels
        bitmap.withUnsafeMutableBufferPointer { bitmap in
            let bits = bitmap.baseAddress!
            smallPrimes.withUnsafeMutableBufferPointer { primes in
                var blockEnd = 0
                while blockEnd < length {
                    let blockStart = blockEnd
                    blockEnd = Swift.min(blockEnd + blockBytes, length)
                    // Pre-sieved and crossed off while the block is in the L1 cache.
                    PreSieve.shared.fill(bits + blockStart, count: blockEnd - blockStart,
                                         firstByte: segmentStart + UInt64(blockStart), kernels: vectorKernels)
                    for j in primes.indices { primes[j].crossOffUnrolled(bits, until: blockEnd) }
                }
                for j in primes.indices { primes[j].multipleIndex &-= UInt32(length) }
            }
            mediumPrimes.crossOff(bits, length: length)
            bigPrimes?.crossOff(bits)
            body(UnsafeBufferPointer(rebasing: bitmap[0..<length]), segmentStart)
        }
        self.segmentStart += UInt64(length)
        return true
    }

    /// Adds a small or medium sieving prime.
    private mutating func addSievingPrime(_ p: UInt64) {
        if p <= smallPrimeLimit {
            smallPrimes.append(CrossingPrime(prime: p, segmentStart: segmentStart))
        } else {
            mediumPrimes.add(CrossingPrime(prime: p, segmentStart: segmentStart))
        }
    }

    /// Makes the bucket sieve when the first big prime joins.
    private mutating func makeBucketSieve() {
        guard bigPrimes == nil else { return }
        let segmentBytes = bitmap.count
        let segmentsLeft = Int((endByte - segmentStart + UInt64(segmentBytes) - 1) / UInt64(segmentBytes))
        bigPrimes = BucketSieve(segmentBytes: segmentBytes, segmentCount: segmentsLeft, largestPrime: largestSievingPrime)
    }
}

extension Int {
    /// The smallest power of two `>= self`.
    var nextPowerOfTwo: Int { self <= 1 ? 1 : 1 << (Int.bitWidth - (self - 1).leadingZeroBitCount) }
}
