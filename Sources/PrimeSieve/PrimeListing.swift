extension PrimeSieve {
    /// Calls `body` with every prime `p` in `[lo, hi)`, in increasing order, a sieved segment at a time.
    ///
    /// For the engines built on this one (the combinatorial sum needs its prime tables and the primes of
    /// P2's sub-ranges): memory is one segment and the sieving primes up to `sqrt(hi)`, whatever the width.
    /// - Precondition: `lo <= hi`; `hi <= 2^64 - 1`.
    public func forEachPrime(from lo: UInt64, to hi: UInt64, _ body: (UInt64) -> Void) {
        precondition(lo <= hi && hi < UInt64.max, "range [\(lo), \(hi)) is not inside [0, 2^64 - 1)")
        for p: UInt64 in [2, 3, 5] where lo <= p && p < hi { body(p) }
        guard hi > 7 && lo < hi else { return }
        let segmentBytes = configuration.segmentBytes(forRangeEndingAt: UInt128(hi))
        let blockBytes = Swift.min(configuration.blockBytes, segmentBytes)
        var sieve = SegmentSieve(firstByte: lo / 30, endByte: (hi + 29) / 30, segmentBytes: segmentBytes,
                                 blockBytes: blockBytes, vectorKernels: configuration.vectorKernels)
        var sievingPrimes = SievingPrimes(upTo: Swift.min((hi - 1).squareRootFloor(), UInt64(UInt32.max)),
                                          segmentBytes: segmentBytes, blockBytes: blockBytes,
                                          vectorKernels: configuration.vectorKernels)
        let lowest = Swift.max(lo, 7)
        while sieve.sieveNextSegment(primesFrom: &sievingPrimes, { bitmap, firstByte in
            Self.forEachSetBit(of: bitmap, firstByte: firstByte) { n in
                if n >= lowest && n < hi { body(n) }
            }
        }) {}
    }

    /// The primes up to `limit` (below 2^32), in increasing order: a table for engines that index primes.
    public func primes(upTo limit: UInt64) -> [UInt32] {
        precondition(limit < 1 << 32, "prime tables hold 32-bit primes")
        var primes: [UInt32] = []
        let naturalLog = Double(UInt64.bitWidth - limit.leadingZeroBitCount) * 0.693  // ln(limit), within 0.7
        primes.reserveCapacity(Int(Double(limit) / Swift.max(1, naturalLog - 1.8)) + 16)  // pi(limit), rounded up
        forEachPrime(from: 0, to: limit + 1) { primes.append(UInt32(truncatingIfNeeded: $0)) }
        return primes
    }

    /// The integer of every set bit of a sieved wheel bitmap, in increasing order (bytes past the range's end
    /// may hold bits: the caller filters).
    private static func forEachSetBit(of bitmap: UnsafeBufferPointer<UInt8>, firstByte: UInt64,
                                      _ body: (UInt64) -> Void) {
        let raw = UnsafeRawPointer(bitmap.baseAddress!)
        var j = 0
        while j < bitmap.count {
            var word: UInt64 = 0
            if j + 8 <= bitmap.count {
                word = raw.loadUnaligned(fromByteOffset: j, as: UInt64.self)
            } else {
                for k in 0..<(bitmap.count - j) { word |= UInt64(bitmap[j + k]) << (8 * k) }
            }
            let base = 30 * (firstByte + UInt64(j))
            while word != 0 {
                let bit = word.trailingZeroBitCount
                body(base + 30 * UInt64(bit >> 3) + Wheel.residue(bit & 7))
                word &= word - 1
            }
            j += 8
        }
    }
}
