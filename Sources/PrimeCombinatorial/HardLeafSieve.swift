/// One segment `[low, low + 2·bitCount)` of the hard leaves' sieve of `[0, z]`: bit i stands for the odd
/// integer `low + 2i + 1` (`low` even) while it has no prime factor crossed off yet.
///
/// A leaf needs the count and sum of the integers standing in `[low, v]`. Counters per block of
/// `CombinatorialTuning.blockBits` bits keep the count and the bit positions' sum, updated as integers are
/// crossed off; a query adds the counters of the blocks before v (a cursor moving forward as the leaves of
/// one prime come in increasing v), then at most a block's words, popcount by popcount.
struct HardLeafSieve {
    private static let blockBits = CombinatorialTuning.blockBits
    private static let blockShift = blockBits.trailingZeroBitCount
    private static let wordsPerBlock = blockBits / 64
    private(set) var low: UInt64 = 0
    private(set) var bitCount = 0
    private var words: [UInt64]
    private var blockCounts: [UInt32]
    private var blockPositions: [UInt64]
    /// The integers standing in the whole segment.
    private(set) var standing = (count: UInt64(0), positions: UInt64(0))
    /// The query cursor: the words before `word` are summed in `count` and `positions`.
    private var cursor = (word: 0, count: UInt64(0), positions: UInt64(0))

    init(capacity bits: Int) {
        words = [UInt64](repeating: 0, count: (bits + 63) / 64)
        blockCounts = [UInt32](repeating: 0, count: (bits + Self.blockBits - 1) / Self.blockBits)
        blockPositions = [UInt64](repeating: 0, count: blockCounts.count)
    }

    /// Starts the segment `[low, low + 2·bits)` with every odd integer standing except the multiples of
    /// `smallPrimes` (the primes 3…p_c; their own multiples' `next` are not kept, recomputing is cheap).
    mutating func start(low: UInt64, bits: Int, smallPrimes: ArraySlice<UInt32>) {
        precondition(low % 2 == 0 && bits <= words.count * 64)
        self.low = low
        bitCount = bits
        let wordCount = (bits + 63) / 64
        for w in 0..<wordCount { words[w] = ~0 }
        if bits % 64 != 0 { words[wordCount - 1] = (1 << UInt64(bits % 64)) - 1 }
        for p in smallPrimes where p != 2 {
            var i = Int(firstOddMultiple(of: UInt64(p)) - low - 1) / 2
            while i < bits { words[i >> 6] &= ~(1 << UInt64(i & 63)); i += Int(p) }
        }
        standing = (0, 0)
        for block in 0..<(bits + Self.blockBits - 1) / Self.blockBits {
            var count: UInt64 = 0, positions: UInt64 = 0
            for w in (block << (Self.blockShift - 6))..<Swift.min(wordCount, (block + 1) << (Self.blockShift - 6)) {
                count += UInt64(words[w].nonzeroBitCount)
                positions += PrimeTables.sumOfBitPositions(words[w]) + UInt64(64 * w) * UInt64(words[w].nonzeroBitCount)
            }
            blockCounts[block] = UInt32(count)
            blockPositions[block] = positions
            standing.count += count
            standing.positions += positions
        }
    }

    /// The first odd multiple of `p` that is at least `max(p, low + 1)`: where crossing off p begins (p
    /// itself included: Φ(v, b) counts only the integers with no prime factor up to p_b).
    func firstOddMultiple(of p: UInt64) -> UInt64 {
        let from = Swift.max(p, low + 1)
        var m = (from + p - 1) / p * p
        if m % 2 == 0 { m += p }
        return m
    }

    /// The count and sum of the integers standing in `[low, low + 2·bitCount)`.
    var standingTally: LeafTally { tally(standing) }

    /// Moves the query cursor back to the segment's start: before the leaves of the next prime.
    mutating func rewind() { cursor = (0, 0, 0) }

    /// The count and sum of the integers standing in `[low, v]`, `low ≤ v < low + 2·bitCount`. Successive
    /// calls between ``rewind()``s must not decrease `v`: the cursor moves forward by whole blocks (their
    /// counters), then by whole words (popcounts), so that dense leaves share the words between them.
    mutating func standing(upTo v: UInt64) -> LeafTally {
        guard v > low else { return .zero }
        let t = Int(v - low - 1) / 2
        let targetWord = t >> 6
        if targetWord - cursor.word >= Self.wordsPerBlock {
            while cursor.word % Self.wordsPerBlock != 0 { addWordToCursor() }  // the rest of this block
            while cursor.word + Self.wordsPerBlock <= targetWord {
                let block = cursor.word / Self.wordsPerBlock
                cursor.count += UInt64(blockCounts[block])
                cursor.positions += blockPositions[block]
                cursor.word += Self.wordsPerBlock
            }
        }
        while cursor.word < targetWord { addWordToCursor() }
        var bits = words[targetWord]
        if t & 63 != 63 { bits &= (1 << UInt64((t & 63) + 1)) - 1 }
        let n = UInt64(bits.nonzeroBitCount)
        return tally((cursor.count + n, cursor.positions + PrimeTables.sumOfBitPositions(bits) + UInt64(64 * targetWord) * n))
    }

    @inline(__always)
    private mutating func addWordToCursor() {
        let bits = words[cursor.word]
        let n = UInt64(bits.nonzeroBitCount)
        cursor.count += n
        cursor.positions += PrimeTables.sumOfBitPositions(bits) + UInt64(64 * cursor.word) * n
        cursor.word += 1
    }

    /// Crosses off the odd multiples of `p` from `next` (an odd multiple) to the segment's end; returns the
    /// first one past it.
    ///
    /// Branch-free: whether a multiple still stood is unpredictable, so its bit (0 or 1) scales the counter
    /// updates instead of deciding them.
    mutating func crossOff(_ p: UInt64, from next: UInt64) -> UInt64 {
        let end = low + 2 * UInt64(bitCount)
        guard next < end else { return next }
        var i = Int(next - low - 1) / 2
        let step = Int(p), bitCount = bitCount, shift = Self.blockShift
        var removed: UInt64 = 0, removedPositions: UInt64 = 0
        words.withUnsafeMutableBufferPointer { words in
            blockCounts.withUnsafeMutableBufferPointer { counts in
                blockPositions.withUnsafeMutableBufferPointer { positions in
                    while i < bitCount {
                        let word = words[i >> 6]
                        let bit = (word >> UInt64(i & 63)) & 1
                        words[i >> 6] = word & ~(1 << UInt64(i & 63))
                        counts[i >> shift] &-= UInt32(truncatingIfNeeded: bit)
                        positions[i >> shift] &-= bit &* UInt64(i)
                        removed &+= bit
                        removedPositions &+= bit &* UInt64(i)
                        i += step
                    }
                }
            }
        }
        standing.count -= removed
        standing.positions -= removedPositions
        return low + 2 * UInt64(i) + 1
    }

    private func tally(_ t: (count: UInt64, positions: UInt64)) -> LeafTally {
        LeafTally(count: t.count, sum: UInt128(t.count) &* UInt128(low + 1) &+ 2 &* UInt128(t.positions))
    }
}
