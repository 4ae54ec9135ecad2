/// One segment `[low, low + 2·bitCount)` of the hard leaves' sieve of `[0, z]`: bit i stands for the odd
/// integer `low + 2i + 1` (`low` even) while it has no prime factor crossed off yet.
///
/// A leaf needs the count and sum of the integers standing in `[low, v]`. Counters per block of
/// `Tuning.blockBits` bits and per superblock of `Tuning.blocksPerSuperblock`
/// blocks keep the count and the bit positions' sum, updated as integers are crossed off. A query moves a
/// cursor forward (the leaves of one prime come in increasing v) by superblocks, blocks, then words
/// (popcounts): a prime's sparse leaves skip most of the segment, its dense ones share the words between them.
///
/// A class over buffers of its own: the hot loops read and write them unchecked (every index is below
/// `bitCount`, itself within the capacity, by construction).
final class HardLeafSieve {
    private static let wordsPerBlock = Tuning.blockBits / 64
    private static let wordsPerSuperblock = wordsPerBlock * Tuning.blocksPerSuperblock
    private static let blockShift = Tuning.blockBits.trailingZeroBitCount
    private static let superblockShift = blockShift + Tuning.blocksPerSuperblock.trailingZeroBitCount

    private(set) var low: UInt64 = 0
    private(set) var bitCount = 0
    private let capacity: Int
    private let words: UnsafeMutablePointer<UInt64>
    private let blocks: UnsafeMutablePointer<Counter>
    private let superblocks: UnsafeMutablePointer<Counter>
    /// The integers standing in the whole segment.
    private var standing = Counter()
    /// Whether the multiples of 3, 5 and 7 were crossed off when the segment started: then crossing off a
    /// larger prime skips them (the multiples m·p with m coprime to 210, 48 of every 105 odd ones).
    private var skipsMultiplesOf3To7 = false
    /// The query cursor: the words before `word` are summed in `sum`.
    private var cursor = (word: 0, sum: Counter())

    /// A count of standing integers and the sum of their bit positions.
    private struct Counter {
        var count: UInt64 = 0
        var positions: UInt64 = 0

        @inline(__always) mutating func add(_ other: Counter) {
            count &+= other.count
            positions &+= other.positions
        }

        /// The standing bits of `bits`, word `w` of the segment.
        @inline(__always) init(word bits: UInt64, at w: Int) {
            let n = UInt64(bits.nonzeroBitCount)
            count = n
            positions = PrimeTables.sumOfBitPositions(bits) &+ UInt64(64 * w) &* n
        }

        init() {}
    }

    /// - Parameter bits: the longest segment, a multiple of a superblock.
    init(capacity bits: Int) {
        precondition(bits % (Self.wordsPerSuperblock * 64) == 0)
        capacity = bits
        words = .allocate(capacity: bits / 64)
        blocks = .allocate(capacity: bits / 64 / Self.wordsPerBlock)
        superblocks = .allocate(capacity: bits / 64 / Self.wordsPerSuperblock)
    }

    deinit {
        words.deallocate()
        blocks.deallocate()
        superblocks.deallocate()
    }

    /// Starts the segment `[low, low + 2·bits)` with every odd integer standing except the multiples of
    /// `smallPrimes` (the primes 3…p_c; their own multiples' `next` are not kept, recomputing is cheap).
    func start(low: UInt64, bits: Int, smallPrimes: ArraySlice<UInt32>) {
        precondition(low % 2 == 0 && bits <= capacity)
        self.low = low
        bitCount = bits
        skipsMultiplesOf3To7 = smallPrimes.starts(with: [2, 3, 5, 7])
        let wordCount = (bits + 63) / 64
        // Whole superblocks, so that the counters past the end count nothing.
        let paddedWords = (wordCount + Self.wordsPerSuperblock - 1) / Self.wordsPerSuperblock * Self.wordsPerSuperblock
        if smallPrimes.elementsEqual(WheelPattern.primes) {
            WheelPattern.copy(into: words, count: wordCount, low: low)
        } else {
            (words).update(repeating: ~0, count: wordCount)
            for p in smallPrimes where p != 2 {
                var i = Int(firstOddMultiple(of: UInt64(p)) - low - 1) / 2
                while i < bits { words[i >> 6] &= ~(1 << UInt64(i & 63)); i += Int(p) }
            }
        }
        (words + wordCount).update(repeating: 0, count: paddedWords - wordCount)
        if bits % 64 != 0 { words[wordCount - 1] &= (1 << UInt64(bits % 64)) - 1 }
        standing = Counter()
        for s in 0..<(paddedWords / Self.wordsPerSuperblock) {
            superblocks[s] = Counter()
            for b in (s * Tuning.blocksPerSuperblock)..<((s + 1) * Tuning.blocksPerSuperblock) {
                var block = Counter()
                for w in (b * Self.wordsPerBlock)..<((b + 1) * Self.wordsPerBlock) { block.add(Counter(word: words[w], at: w)) }
                blocks[b] = block
                superblocks[s].add(block)
            }
            standing.add(superblocks[s])
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
    func rewind() { cursor = (0, Counter()) }

    /// The count and sum of the integers standing in `[low, v]`, `low ≤ v < low + 2·bitCount`. Successive
    /// calls between ``rewind()``s must not decrease `v`.
    func standing(upTo v: UInt64) -> LeafTally {
        guard v > low else { return .zero }
        let t = Int(v &- low &- 1) >> 1
        let target = t >> 6
        // The cursor in registers while it moves (a class's stored property would be written back each step).
        var word = cursor.word, sum = cursor.sum
        if target &- word >= Self.wordsPerBlock {
            while word % Self.wordsPerBlock != 0 {
                sum.add(Counter(word: words[word], at: word))
                word &+= 1
            }
            while word % Self.wordsPerSuperblock != 0 && word &+ Self.wordsPerBlock <= target {
                sum.add(blocks[word / Self.wordsPerBlock])
                word &+= Self.wordsPerBlock
            }
            while word &+ Self.wordsPerSuperblock <= target {
                sum.add(superblocks[word / Self.wordsPerSuperblock])
                word &+= Self.wordsPerSuperblock
            }
            while word &+ Self.wordsPerBlock <= target {
                sum.add(blocks[word / Self.wordsPerBlock])
                word &+= Self.wordsPerBlock
            }
        }
        while word < target {
            sum.add(Counter(word: words[word], at: word))
            word &+= 1
        }
        cursor = (word, sum)
        var bits = words[target]
        if t & 63 != 63 { bits &= (1 << UInt64((t & 63) + 1)) &- 1 }
        sum.add(Counter(word: bits, at: target))
        return tally(sum)
    }

    /// Crosses off the odd multiples of `p` (p > 5) from `next` (an odd multiple) to the segment's end;
    /// returns the first one past it.
    ///
    /// When the multiples of 3, 5 and 7 are already off, only the multiples m·p with m coprime to 210 are
    /// visited (``CrossingWheel``: 48 of every 105 odd multiples). Branch-free:
    /// whether a multiple still stood is unpredictable, so its bit (0 or 1) scales the counter updates
    /// instead of deciding them.
    func crossOff(_ p: UInt64, from next: UInt64) -> UInt64 {
        let end = low + 2 * UInt64(bitCount)
        guard next < end else { return next }
        let wheel = skipsMultiplesOf3To7 ? CrossingWheel.coprimeTo210 : CrossingWheel.odd
        var (m, place) = wheel.firstCofactor(atLeast: next / p)
        var i = Int((m * p - low - 1) / 2)
        let bitCount = bitCount, stepCount = wheel.halfGaps.count
        var removed = Counter()
        wheel.halfGaps.withUnsafeBufferPointer { halfGaps in
            while i < bitCount {
                let word = words[i >> 6]
                let bit = (word >> UInt64(i & 63)) & 1
                words[i >> 6] = word & ~(1 << UInt64(i & 63))
                let removedPosition = bit &* UInt64(i)
                blocks[i >> Self.blockShift].count &-= bit
                blocks[i >> Self.blockShift].positions &-= removedPosition
                superblocks[i >> Self.superblockShift].count &-= bit
                superblocks[i >> Self.superblockShift].positions &-= removedPosition
                removed.count &+= bit
                removed.positions &+= removedPosition
                i &+= Int(halfGaps[place]) &* Int(p)
                place &+= 1
                if place == stepCount { place = 0 }
            }
        }
        standing.count &-= removed.count
        standing.positions &-= removed.positions
        return low + 2 * UInt64(i) + 1
    }

    private func tally(_ t: Counter) -> LeafTally {
        LeafTally(count: t.count, sum: UInt128(t.count) &* UInt128(low + 1) &+ 2 &* UInt128(t.positions))
    }
}

/// The cofactors m whose multiples m·p a prime p crosses off: the odd ones, or those coprime to 210 once the
/// multiples of 3, 5 and 7 are off — their residues in one period, as the halved gaps between them.
struct CrossingWheel {
    /// Per residue of the period, its place in the cycle of coprime residues; −1 for the others.
    let places: [Int]
    /// Per place, half the gap to the next coprime residue (the step in bits is the half gap times p).
    let halfGaps: [UInt8]

    static let odd = CrossingWheel(primes: [2])
    static let coprimeTo210 = CrossingWheel(primes: [2, 3, 5, 7])

    private init(primes: [Int]) {
        let period = primes.reduce(1, *)
        let residues = (1...period).filter { r in primes.allSatisfy { r % $0 != 0 } }
        places = (0..<period).map { residues.firstIndex(of: $0) ?? -1 }
        halfGaps = residues.indices.map { k in UInt8(((k + 1 < residues.count ? residues[k + 1] : period + 1) - residues[k]) / 2) }
    }

    /// The least coprime cofactor at least `m` (odd), and its place in the cycle.
    func firstCofactor(atLeast m: UInt64) -> (UInt64, place: Int) {
        var m = m
        while places[Int(m % UInt64(places.count))] < 0 { m += 2 }
        return (m, places[Int(m % UInt64(places.count))])
    }
}

/// The odd integers with no prime factor up to 13, as bits (bit j: 2j + 1), a pattern of period 15015 bits
/// stored 64 times over (15015 words) so that any 64 bits of it are two adjacent words: a segment of the hard
/// leaves' sieve starts as a copy of it instead of crossing off 3, 5, 7, 11 and 13 bit by bit.
enum WheelPattern {
    static let primes: [UInt32] = [2, 3, 5, 7, 11, 13]
    private static let periodBits = 15015
    private static let words: [UInt64] = {
        var words = [UInt64](repeating: 0, count: periodBits + 1)  // one more: the first again, for the wrap
        for j in 0..<(periodBits * 64 + 64) {
            let n = UInt64(2 * (j % periodBits) + 1)
            if n % 3 != 0 && n % 5 != 0 && n % 7 != 0 && n % 11 != 0 && n % 13 != 0 { words[j >> 6] |= 1 << UInt64(j & 63) }
        }
        return words
    }()

    /// Fills `count` words with the pattern for the segment starting at `low` (even): bit i ↔ low + 2i + 1.
    static func copy(into target: UnsafeMutablePointer<UInt64>, count: Int, low: UInt64) {
        words.withUnsafeBufferPointer { pattern in
            var bit = Int(low % UInt64(2 * periodBits)) / 2  // where low + 1 falls in the pattern
            for w in 0..<count {
                let k = bit >> 6, shift = UInt64(bit & 63)
                target[w] = shift == 0 ? pattern[k] : pattern[k] >> shift | pattern[k + 1] << (64 - shift)
                bit += 64
                if bit >= periodBits * 64 { bit -= periodBits * 64 }
            }
        }
    }
}
