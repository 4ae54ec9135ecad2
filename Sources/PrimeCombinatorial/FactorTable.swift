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
    static let residues: [UInt64] = (0..<wheel).filter { gcd($0, wheel) == 1 }
    /// For `r` in `0..<210`: how many residues are `≤ r`.
    private static let residuesAtMost: [Int] = (0..<Int(wheel)).map { r in residues.count { $0 <= r } }
    private static let isCoprime: [Bool] = (0..<wheel).map { gcd($0, wheel) == 1 }

    private let entries: TableArray<UInt16>
    /// The capped index: every prime above √y.
    private let cap: Int
    let limit: UInt64

    init(upTo limit: UInt64, tables: PrimeTables) {
        let primes = tables.primes
        precondition(limit < 1 << 31)
        self.limit = limit
        let rootLimit = UInt64(Double(limit).squareRoot()) + 1
        let cap = primes.withUnsafeBufferPointer { $0.firstIndex { UInt64($0) > rootLimit } ?? $0.count }
        self.cap = cap
        entries = TableArray(count: Self.index(atMost: limit) + 1) { entries in
            entries.initialize(repeating: 0)
            let chunk = 1 << 16
            var scratch = ChunkFactors(width: Swift.min(chunk, Int(limit) + 1))
            var lo: UInt64 = 0
            while lo <= limit {
                let hi = Swift.min(lo + UInt64(chunk), limit + 1)
                Self.fill(entries, from: lo, to: hi, tables: tables, cap: cap, scratch: &scratch)
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
        let spokes = Self.residues.count
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

    /// The index of the largest integer coprime to 210 that is `≤ n`, or −1.
    @inline(__always)
    static func index(atMost n: UInt64) -> Int {
        Int(n / wheel) * residues.count + residuesAtMost[Int(n % wheel)] - 1
    }

    /// Factors `[lo, hi)` by the primes up to its square root, then reads the one larger prime factor, if
    /// any, from what remains.
    private static func fill(_ entries: UnsafeMutableBufferPointer<UInt16>, from lo: UInt64, to hi: UInt64, tables: PrimeTables, cap: Int,
                             scratch: inout ChunkFactors) {
        let primes = tables.primes
        let width = Int(hi - lo)
        scratch.reset()
        for k in 1..<primes.count {
            let p = UInt64(primes[k])
            if p * p >= hi { break }
            var m = Swift.max(p, (lo + p - 1) / p * p)
            while m < hi {
                let i = Int(m - lo)
                if scratch.leastIndex[i] == 0 { scratch.leastIndex[i] = k }
                scratch.product[i] *= p
                scratch.negative[i].toggle()
                if (m / p) % p == 0 { scratch.squarefree[i] = false }
                m += p
            }
        }
        for i in 0..<width {
            let m = lo + UInt64(i)
            guard isCoprime[Int(m % wheel)], scratch.squarefree[i] else { continue }
            var index = scratch.leastIndex[i]
            if scratch.product[i] != m {  // one more prime factor q = m / product, above sqrt(hi)
                scratch.negative[i].toggle()
                if index == 0 {  // m = q is prime: its index, if below the cap
                    index = m > UInt64(tables.primes[cap - 1]) ? cap : tables.pi(m)
                }
            }
            if m == 1 { index = cap }
            entries[self.index(atMost: m)] = UInt16(Swift.min(index, cap) << 1 | (scratch.negative[i] ? 1 : 0))
        }
    }
}

/// What factoring a chunk gathers per integer, allocated once for every chunk.
private struct ChunkFactors {
    var product: [UInt64]
    var leastIndex: [Int]  // 0: no prime factor found yet
    var negative: [Bool]
    var squarefree: [Bool]

    init(width: Int) {
        product = [UInt64](repeating: 1, count: width)
        leastIndex = [Int](repeating: 0, count: width)
        negative = [Bool](repeating: false, count: width)
        squarefree = [Bool](repeating: true, count: width)
    }

    mutating func reset() {
        for i in product.indices {
            (product[i], leastIndex[i], negative[i], squarefree[i]) = (1, 0, false, true)
        }
    }
}

private func gcd(_ a: UInt64, _ b: UInt64) -> UInt64 { b == 0 ? a : gcd(b, a % b) }
