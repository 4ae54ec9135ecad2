import PrimeSieve

/// The least prime factor and the Möbius sign of every integer `m ≤ y` coprime to 210: the hard special
/// leaves `n = p_b·m` (b > c, so p_b ≥ 17: the integers divisible by 2, 3, 5 or 7 are never asked about
/// and not stored, 48 of every 210) need `μ(m) ≠ 0` and `lpf(m) > p_b`, and only for p_b ≤ √y.
///
/// So the least prime factor is kept as its index in the primes, capped at π(√y) + 1 (a squarefree m ≤ y
/// whose lpf exceeds √y is a prime, above every p_b asked about): an entry packs `index << 1 | (μ(m) == −1)`
/// in 16 bits (π(√(2^31)) + 1 = 4,793), or 0 when `m` is not squarefree; 0.46 bytes per integer, 38 MB
/// at 2^64's y.
struct FactorTable: Sendable {
    static let wheel: UInt64 = 210
    /// Turns of the wheel factored at a time: 312 · 210 = 65,520 integers, 48 · 312 of them kept, whose
    /// scratch (7 bytes each) stays in the L1/L2 cache.
    static let turnsPerChunk = 312
    static let residues: [UInt64] = (0..<wheel).filter { gcd($0, wheel) == 1 }
    /// `residues.count`, φ(210), as a constant: divisions by it compile to multiplications.
    static let spokes = 48
    /// For `r` in `0..<210`: how many residues are `≤ r`.
    private static let residuesAtMost: [Int] = (0..<Int(wheel)).map { r in residues.count { $0 <= r } }
    static let isCoprime: [Bool] = (0..<wheel).map { gcd($0, wheel) == 1 }

    private let entries: TableArray<UInt16>
    /// The capped index: every prime above √y.
    let cap: Int
    let limit: UInt64

    init(upTo limit: UInt64, tables: PrimeTables) {
        let primes = tables.primes
        precondition(limit < 1 << 31)
        self.limit = limit
        let rootLimit = UInt64(Double(limit).squareRoot()) + 1
        let cap = primes.withUnsafeBufferPointer { $0.firstIndex { UInt64($0) > rootLimit } ?? $0.count }
        self.cap = cap
        entries = TableArray(count: Self.index(atMost: limit) + 1) { entries in
            var chunk = ChunkFactors(turns: Swift.min(Self.turnsPerChunk, Int(limit / Self.wheel) + 1))
            var lo: UInt64 = 0
            while lo <= limit {
                let hi = Swift.min(lo + UInt64(chunk.turns) * Self.wheel, limit + 1)
                chunk.factor(from: lo, to: hi, primes: primes)
                chunk.write(to: entries, from: lo, to: hi, tables: tables, cap: cap)
                lo = hi
            }
        }
    }

    /// The table read from an image that ``write(to:)`` made.
    init(image: inout TableImageReader) {
        limit = image.word()
        cap = Int(image.word())
        entries = image.table()
        precondition(limit < 1 << 31 && entries.count == Self.index(atMost: limit) + 1, "a damaged table image")
    }

    func write(to image: inout TableImageWriter) {
        image.word(limit)
        image.word(UInt64(cap))
        image.table(entries)
    }

    /// Calls `body(m, μ(m) == −1)` for every squarefree m with lpf(m) > p_b among the integers coprime to 210
    /// in (`above`, `atMost`], in decreasing order: the hard leaves' composite loop, stepping the wheel
    /// without divisions and reading the table unchecked.
    /// - Precondition: p_b ≤ √y (`b < cap`).
    @inline(__always)
    func forEachDescending(atMost: UInt64, above: UInt64, lpfAboveIndex b: Int, _ body: (UInt64, Bool) -> Void) {
        precondition(b < cap)
        var index = Self.index(atMost: atMost)
        let stop = Self.index(atMost: above)
        guard index > stop else { return }
        let spokes = Self.spokes
        var base = UInt64(index / spokes) * Self.wheel
        var spoke = index % spokes
        Self.residues.withUnsafeBufferPointer { residues in
            entries.withUnsafeBufferPointer { entries in
                while index > stop {
                    let entry = entries[index]
                    if Int(entry >> 1) > b { body(base + residues[spoke], entry & 1 != 0) }
                    index -= 1
                    if spoke == 0 {
                        spoke = spokes - 1
                        base &-= Self.wheel
                    } else {
                        spoke -= 1
                    }
                }
            }
        }
    }

    /// What the table says of `m` (coprime to 210, at most `limit`): nil when `m` is not squarefree, else its
    /// least prime factor's index capped at ``cap`` and whether μ(m) = −1.
    func entry(_ m: UInt64) -> (index: Int, negative: Bool)? {
        let entry = entries[Self.index(atMost: m)]
        return entry == 0 ? nil : (Int(entry >> 1), entry & 1 != 0)
    }

    /// The index of the largest integer coprime to 210 that is `≤ n`, or −1.
    @inline(__always)
    static func index(atMost n: UInt64) -> Int {
        Int(n / wheel) * spokes + residuesAtMost[Int(n % wheel)] - 1
    }
}

/// The factor table up to `limit` as tests see it: for every m ≤ limit coprime to 210, nil when m is not
/// squarefree, else its least prime factor when that is at most √limit + 1 (nil above: only primes are there)
/// and whether μ(m) = −1.
@_spi(Testing) public func factorTableEntries(upTo limit: UInt64) -> [(m: UInt64, entry: (leastFactor: UInt64?, negative: Bool)?)] {
    let tables = PrimeTables(upTo: limit, sieve: PrimeSieve())
    let table = FactorTable(upTo: limit, tables: tables)
    return (1...limit).filter { FactorTable.isCoprime[Int($0 % FactorTable.wheel)] }.map { m in
        (m, table.entry(m).map { (index, negative) in (index < table.cap ? tables.prime(index) : nil, negative) })
    }
}

/// The factoring of one chunk of `[0, y]`, a whole number of turns of the 210-wheel, for the integers
/// coprime to 210 only (48 of every 210, numbered as in the table): each prime from 11 to the chunk's square
/// root steps through its multiples p·k with k coprime to 210 (a wheel of k), and each prime's square through
/// its multiples, so no division is done per multiple. What is left of an integer after its small factors
/// is 1 or one prime above the chunk's square root.
private struct ChunkFactors {
    let turns: Int
    /// The product of the small prime factors found, per integer (below 2^31: fits).
    var product: [UInt32]
    /// The index of the least prime factor found, 0 when none.
    var leastIndex: [UInt16]
    /// Bit 0: an odd number of prime factors found; bit 1: a square factor found.
    var flags: [UInt8]

    init(turns: Int) {
        self.turns = turns
        let count = turns * FactorTable.spokes
        product = [UInt32](repeating: 1, count: count)
        leastIndex = [UInt16](repeating: 0, count: count)
        flags = [UInt8](repeating: 0, count: count)
    }

    /// Finds the prime factors up to √hi of the integers coprime to 210 in `[lo, hi)`; `lo` is a multiple of 210.
    mutating func factor(from lo: UInt64, to hi: UInt64, primes: TableArray<UInt32>) {
        product.withUnsafeMutableBufferPointer { product in
            leastIndex.withUnsafeMutableBufferPointer { leastIndex in
                flags.withUnsafeMutableBufferPointer { flags in
                    product.update(repeating: 1)
                    leastIndex.update(repeating: 0)
                    flags.update(repeating: 0)
                    primes.withUnsafeBufferPointer { primes in
                        // 11 and up (2, 3, 5, 7 divide none kept), largest first: the last prime to write an
                        // integer's least index is its least factor, with no branch on what stood there.
                        var end = Swift.min(5, primes.count)
                        while end < primes.count && UInt64(primes[end]) * UInt64(primes[end]) < hi { end += 1 }
                        for k in (Swift.min(5, end)..<end).reversed() {
                            let p = UInt64(primes[k])
                            Self.cross(p, index: UInt16(k), from: lo, to: hi, product, leastIndex, flags)
                            Self.markSquares(of: p, from: lo, to: hi, flags)
                        }
                    }
                }
            }
        }
    }

    /// Visits the multiples p·k in `[lo, hi)` with k coprime to 210, stepping k along the wheel.
    @inline(__always)
    private static func cross(_ p: UInt64, index: UInt16, from lo: UInt64, to hi: UInt64,
                              _ product: UnsafeMutableBufferPointer<UInt32>, _ leastIndex: UnsafeMutableBufferPointer<UInt16>,
                              _ flags: UnsafeMutableBufferPointer<UInt8>) {
        let first = Swift.max(1, (lo + p - 1) / p)
        var spoke = Wheel.spokeAtLeast[Int(first % FactorTable.wheel)]
        var m = p * (first / FactorTable.wheel * FactorTable.wheel + FactorTable.residues[spoke])
        let p32 = UInt32(p)
        Wheel.gaps.withUnsafeBufferPointer { gaps in
            while m < hi {
                let i = Wheel.position(of: m - lo)
                leastIndex[i] = index
                product[i] &*= p32
                flags[i] ^= 1
                m += p * gaps[spoke]
                spoke = spoke == gaps.count - 1 ? 0 : spoke + 1
            }
        }
    }

    /// Flags the multiples of p² in `[lo, hi)` as not squarefree.
    @inline(__always)
    private static func markSquares(of p: UInt64, from lo: UInt64, to hi: UInt64, _ flags: UnsafeMutableBufferPointer<UInt8>) {
        let square = p * p
        var m = Swift.max(square, (lo + square - 1) / square * square)
        while m < hi {
            let offset = m - lo, spoke = Wheel.spokeOf[Int(offset % FactorTable.wheel)]
            if spoke >= 0 { flags[Int(offset / FactorTable.wheel) * FactorTable.spokes + Int(spoke)] |= 2 }
            m += square
        }
    }

    /// Writes the entries of the integers coprime to 210 in `[lo, hi)`, factored by ``factor(from:to:primes:)``.
    func write(to entries: UnsafeMutableBufferPointer<UInt16>, from lo: UInt64, to hi: UInt64, tables: PrimeTables, cap: Int) {
        let first = FactorTable.index(atMost: lo) + 1  // lo, a multiple of 210, is not coprime to it
        let last = FactorTable.index(atMost: hi - 1)
        guard last >= first else { return }
        let largestCapped = UInt64(tables.primes[cap - 1]), spokes = FactorTable.spokes
        for i in 0...(last - first) {
            let m = lo + UInt64(i / spokes) * FactorTable.wheel + FactorTable.residues[i % spokes]
            entries[first + i] = entry(of: m, at: i, largestCapped: largestCapped, tables: tables, cap: cap)
        }
    }
}

extension ChunkFactors {
    /// The table's entry for `m`, at position `i` of the chunk.
    @inline(__always)
    fileprivate func entry(of m: UInt64, at i: Int, largestCapped: UInt64, tables: PrimeTables, cap: Int) -> UInt16 {
        guard flags[i] & 2 == 0 else { return 0 }
        var index = Int(leastIndex[i]), negative = flags[i] & 1 != 0
        if UInt64(product[i]) != m {  // one more prime factor q = m / product, above √hi
            negative.toggle()
            if index == 0 { index = m > largestCapped ? cap : tables.pi(m) }  // m = q is prime
        }
        if m == 1 { index = cap }
        return UInt16(Swift.min(index, cap) << 1 | (negative ? 1 : 0))
    }
}

/// The 210-wheel's tables for stepping through the integers coprime to 210.
private enum Wheel {
    /// `gaps[s]`: from the s-th residue to the next (the last one to 211).
    static let gaps: [UInt64] = FactorTable.residues.indices.map { s in
        (s + 1 < FactorTable.residues.count ? FactorTable.residues[s + 1] : FactorTable.wheel + 1) - FactorTable.residues[s]
    }
    /// For `r` in `0..<210`: the index of the first residue `≥ r` (209 is one).
    static let spokeAtLeast: [Int] = (0..<FactorTable.wheel).map { r in FactorTable.residues.firstIndex { $0 >= r }! }
    /// For `r` in `0..<210`: the residue's index, or −1 when `r` is not coprime to 210.
    static let spokeOf: [Int8] = (0..<FactorTable.wheel).map { r in
        Int8(FactorTable.residues.firstIndex(of: r) ?? -1)
    }

    /// The position among a chunk's integers coprime to 210 of the one at `offset` from the chunk's start.
    @inline(__always)
    static func position(of offset: UInt64) -> Int {
        Int(offset / FactorTable.wheel) * FactorTable.spokes + Int(spokeOf[Int(offset % FactorTable.wheel)])
    }
}

private func gcd(_ a: UInt64, _ b: UInt64) -> UInt64 { b == 0 ? a : gcd(b, a % b) }
