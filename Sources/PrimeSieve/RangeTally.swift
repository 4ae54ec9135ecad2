/// The tallies of the pieces of one range `[lo, hi)`, cut at given points, in one pass of the sieve.
struct RangeTally {
    let lo: UInt128
    let hi: UInt128
    let segmentBytes: Int
    let blockBytes: Int
    let vectorKernels: VectorKernels

    /// The tallies of `[lo, b1), [b1, b2), …, [bk, hi)` for the ascending `boundaries` inside `[lo, hi]`.
    func tallies(cutAt boundaries: [UInt128], progress: ((UInt64) -> Void)? = nil) -> [PrimeTally] {
        var pieces = [PrimeTally](repeating: .zero, count: boundaries.count + 1)
        for p: UInt128 in [2, 3, 5] where lo <= p && p < hi {
            let piece = boundaries.firstIndex { p < $0 } ?? boundaries.count
            pieces[piece] += PrimeTally(count: 1, sum: p)
        }
        guard hi > 7 && lo < hi else { return pieces }

        let sievingLimit = Swift.min(UInt64(hi - 1).squareRootFloor(), UInt64(UInt32.max))
        var sieve = SegmentSieve(firstByte: UInt64(lo / 30), endByte: UInt64((hi + 29) / 30),
                                 segmentBytes: segmentBytes, blockBytes: blockBytes, vectorKernels: vectorKernels)
        var sievingPrimes = SievingPrimes(upTo: sievingLimit, segmentBytes: segmentBytes, blockBytes: blockBytes,
                                          vectorKernels: vectorKernels)
        var piece = 0
        while sieve.sieveNextSegment(primesFrom: &sievingPrimes, { segment, segmentStart in
            let segmentBase = 30 * UInt128(segmentStart)
            let segmentEnd = Swift.min(segmentBase + 30 * UInt128(segment.count), hi)
            var cursor = Swift.max(segmentBase, lo)
            while piece < boundaries.count && boundaries[piece] < segmentEnd {
                pieces[piece] += Self.tally(segment, segmentStart: segmentStart, from: cursor,
                                            to: Swift.max(cursor, boundaries[piece]), kernels: vectorKernels)
                cursor = Swift.max(cursor, boundaries[piece])
                piece += 1
            }
            pieces[piece] += Self.tally(segment, segmentStart: segmentStart, from: cursor, to: segmentEnd,
                                        kernels: vectorKernels)
            progress?(UInt64(segmentEnd - Swift.max(segmentBase, lo)))
        }) {}
        return pieces
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
        if firstByte == lastByte {
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
