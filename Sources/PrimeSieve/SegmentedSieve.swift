/// The segmented sieve of Eratosthenes over one range `[lo, hi)` of the 64-bit number line.
///
/// The range's mod-30 bitmap is sieved one cache-sized segment at a time, so memory is one segment plus the
/// sieving primes up to `sqrt(hi)` (added only once the sieve reaches their squares), whatever the range's
/// length. After each segment is sieved, the primes in it are tallied into the pieces the caller asked for.
struct SegmentedSieve {
    let lo: UInt128
    let hi: UInt128
    let segmentBytes: Int

    /// The tallies of the pieces `[lo, b1), [b1, b2), …, [bk, hi)` cut at `boundaries` (ascending, inside
    /// `[lo, hi]`).
    func tallies(cutAt boundaries: [UInt128]) -> [PrimeTally] {
        var pieces = [PrimeTally](repeating: .zero, count: boundaries.count + 1)
        for p: UInt128 in [2, 3, 5] where lo <= p && p < hi {
            let piece = boundaries.firstIndex { p < $0 } ?? boundaries.count
            pieces[piece] += PrimeTally(count: 1, sum: p)
        }
        guard hi > 7 && lo < hi else { return pieces }

        let firstByte = UInt64(lo / 30)
        let endByte = UInt64((hi + 29) / 30)
        let sieveLimit = Swift.min(UInt64(hi - 1).squareRootFloor(), UInt64(UInt32.max))
        var sievingPrimes = SievingPrimes(upTo: sieveLimit)
        var pendingPrime = sievingPrimes.next()
        var crossingPrimes: [CrossingPrime] = []

        var bitmap = [UInt8](repeating: 0, count: Int(Swift.min(UInt64(segmentBytes), endByte - firstByte)))
        var piece = 0
        var segmentStart = firstByte
        Wheel.crossingStates.withUnsafeBufferPointer { states in
        Wheel.residueSum.withUnsafeBufferPointer { residueSums in
        bitmap.withUnsafeMutableBufferPointer { bitmap in
            while segmentStart < endByte {
                let length = Int(Swift.min(UInt64(bitmap.count), endByte - segmentStart))
                let segmentEndValue = 30 * UInt128(segmentStart + UInt64(length))
                bitmap.update(repeating: 0xFF)

                while let p = pendingPrime, UInt128(p * p) < segmentEndValue {
                    crossingPrimes.append(CrossingPrime(prime: p, segmentStart: segmentStart))
                    pendingPrime = sievingPrimes.next()
                }
                crossingPrimes.withUnsafeMutableBufferPointer { primes in
                    for j in primes.indices {
                        primes[j].crossOff(bitmap.baseAddress!, length: length, states: states.baseAddress!)
                    }
                }
                if segmentStart == 0 { bitmap[0] &= ~1 }  // 1 is not prime
                if segmentStart == firstByte { bitmap[0] &= ~Wheel.bitsBelow[Int(lo % 30)] }
                if segmentStart + UInt64(length) == endByte {
                    bitmap[length - 1] &= Wheel.bitsBelow[Int(hi - 30 * UInt128(endByte - 1))]
                }

                let segment = UnsafeBufferPointer(rebasing: bitmap[0..<length])
                var cursor = 30 * UInt128(segmentStart)
                while piece < boundaries.count && boundaries[piece] < segmentEndValue {
                    pieces[piece] += tally(segment, segmentStart: segmentStart, from: cursor, to: boundaries[piece],
                                           residueSums: residueSums.baseAddress!)
                    cursor = Swift.max(cursor, boundaries[piece])
                    piece += 1
                }
                pieces[piece] += tally(segment, segmentStart: segmentStart, from: cursor, to: segmentEndValue,
                                       residueSums: residueSums.baseAddress!)
                segmentStart += UInt64(length)
            }
        }
        }
        }
        return pieces
    }

    /// The primes of the sieved `segment` that lie in `[from, to)`; both inside the segment's numbers.
    private func tally(_ segment: UnsafeBufferPointer<UInt8>, segmentStart: UInt64, from: UInt128, to: UInt128,
                       residueSums: UnsafePointer<UInt16>) -> PrimeTally {
        guard from < to else { return .zero }
        let base = 30 * UInt128(segmentStart)
        let firstByte = Int((from - base) / 30), firstMask = ~Wheel.bitsBelow[Int((from - base) % 30)]
        let lastByte = Int((to - base) / 30), lastMask = Wheel.bitsBelow[Int((to - base) % 30)]
        var tally = BitmapTally()
        if firstByte == lastByte {
            tally.add(byte: segment[firstByte] & firstMask & lastMask, at: firstByte, residueSums: residueSums)
        } else {
            tally.add(byte: segment[firstByte] & firstMask, at: firstByte, residueSums: residueSums)
            tally.add(segment, from: firstByte + 1, to: lastByte, residueSums: residueSums)
            if lastByte < segment.count {
                tally.add(byte: segment[lastByte] & lastMask, at: lastByte, residueSums: residueSums)
            }
        }
        return tally.tally(baseByte: segmentStart)
    }
}
