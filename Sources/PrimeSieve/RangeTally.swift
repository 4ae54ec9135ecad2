/// The tallies of the pieces of one range `[lo, hi)`, cut at given points, in one pass of the sieve.
struct RangeTally {
    let lo: UInt128
    let hi: UInt128
    let segmentBytes: Int
    let blockBytes: Int
    let vectorKernels: VectorKernels
    /// Sieving primes already generated, read instead of generating them when they reach `sqrt(hi)`.
    let sharedPrimes: SievingPrimeList?

    /// The tallies of `[lo, b1), [b1, b2), …, [bk, hi)` for the ascending `boundaries` inside `[lo, hi]`.
    func tallies(cutAt boundaries: [UInt128], progress: ((UInt64) -> Void)? = nil) -> [PrimeTally] {
        var pieces: [PrimeTally] = []
        pieces.reserveCapacity(boundaries.count + 1)
        var before = PrimeTally.zero
        let total = runningTallies(nextCut: { pieces.count < boundaries.count ? boundaries[pieces.count] : nil },
                                   atCut: { running in
                                       pieces.append(running.minus(before))
                                       before = running
                                   }, progress: progress)
        pieces.append(total.minus(before))
        return pieces
    }

    /// Calls `atCut` with the tally of the primes in `[lo, c)` at each cut point `c` that `nextCut` gives
    /// (ascending, inside `[lo, hi]`; nil when there are no more), in one pass of the sieve; returns the
    /// tally of the whole range. A cut point costs the tally of the bitmap since the one before: a masked
    /// word when they are close, word-wise popcounts (or the vector kernel) when they are far apart.
    func runningTallies(nextCut: () -> UInt128?, atCut: (PrimeTally) -> Void,
                        progress: ((UInt64) -> Void)? = nil) -> PrimeTally {
        var running = PrimeTally.zero
        var cut = nextCut()
        for p: UInt128 in [2, 3, 5, 7] where lo <= p && p < hi {  // below the wheel's first prime, 7
            while let c = cut, c <= p {
                atCut(running)
                cut = nextCut()
            }
            if p < 7 { running += PrimeTally(count: 1, sum: p) }
        }
        // Sieves every segment, tallying at the cut points, whichever source the sieving primes come from.
        func sieveAll<Source: SievingPrimeSource>(_ sieve: inout SegmentSieve, primesFrom source: inout Source) {
            while sieve.sieveNextSegment(primesFrom: &source, { segment, segmentStart in
                let segmentBase = 30 * UInt128(segmentStart)
                let segmentEnd = Swift.min(segmentBase + 30 * UInt128(segment.count), hi)
                var cursor = Swift.max(segmentBase, lo, 7)
                while let c = cut, c < segmentEnd {
                    running += Self.tally(segment, segmentStart: segmentStart, from: cursor, to: Swift.max(cursor, c),
                                          kernels: vectorKernels)
                    atCut(running)
                    cursor = Swift.max(cursor, c)
                    cut = nextCut()
                }
                running += Self.tally(segment, segmentStart: segmentStart, from: cursor, to: segmentEnd,
                                      kernels: vectorKernels)
                progress?(UInt64(segmentEnd - Swift.max(segmentBase, lo)))
            }) {}
        }
        if hi > 7 && lo < hi {
            let sievingLimit = PrimeSieve.sievingLimit(forRangeEndingAt: hi)
            var sieve = SegmentSieve(firstByte: UInt64(lo / 30), endByte: UInt64((hi + 29) / 30),
                                     segmentBytes: segmentBytes, blockBytes: blockBytes, vectorKernels: vectorKernels)
            if let sharedPrimes, sharedPrimes.limit >= sievingLimit {
                var source = sharedPrimes.reader(upTo: sievingLimit)
                sieveAll(&sieve, primesFrom: &source)
            } else {
                var source = SievingPrimes(upTo: sievingLimit, segmentBytes: segmentBytes, blockBytes: blockBytes,
                                           vectorKernels: vectorKernels)
                sieveAll(&sieve, primesFrom: &source)
            }
        }
        while cut != nil {  // cut points at hi
            atCut(running)
            cut = nextCut()
        }
        return running
    }

    /// The primes of the sieved `segment` that lie in `[from, to)`, both inside the segment's integers.
    static func tally(_ segment: UnsafeBufferPointer<UInt8>, segmentStart: UInt64, from: UInt128,
                      to: UInt128, kernels: VectorKernels) -> PrimeTally {
        guard from < to else { return .zero }
        // Offsets in the segment fit an Int: their divisions by 30 become multiplications (a UInt128
        // division is a library call, and P2 tallies hundreds of thousands of short ranges).
        let base = 30 * UInt128(segmentStart)
        let fromOffset = Int(truncatingIfNeeded: from - base), toOffset = Int(truncatingIfNeeded: to - base)
        let firstByte = fromOffset / 30, firstMask = ~Wheel.bitsBelow[fromOffset % 30]
        let lastByte = toOffset / 30, lastMask = Wheel.bitsBelow[toOffset % 30]
        var tally = BitmapTally(kernels: kernels)
        if lastByte &- firstByte < 8 && firstByte &+ 8 <= segment.count {
            // A short range (P2's cut points crowd: a few bytes apart): one masked word, not byte by byte.
            let word = UnsafeRawPointer(segment.baseAddress!).loadUnaligned(fromByteOffset: firstByte, as: UInt64.self)
            let bytes = UInt64(lastByte &- firstByte) &* 8
            let below = bytes == 0 ? 0 : UInt64.max >> (64 &- bytes)  // the whole bytes before the last one
            let mask = (~0xFF | UInt64(firstMask)) & (below | UInt64(lastMask) << bytes)
            tally.add(word: word & mask, at: firstByte)
        } else if firstByte == lastByte {
            tally.add(byte: segment[firstByte] & firstMask & lastMask, at: firstByte)
        } else {
            tally.add(byte: segment[firstByte] & firstMask, at: firstByte)
            tally.add(segment, from: firstByte + 1, to: lastByte)
            if lastByte < segment.count {
                tally.add(byte: segment[lastByte] & lastMask, at: lastByte)
            }
        }
        return tally.tally(baseByte: segmentStart)
    }
}
