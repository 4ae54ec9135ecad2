/// The least prime factor and the Möbius sign of every integer `m ≤ y` coprime to 210: the hard special
/// leaves `n = p_b·m` need `μ(m) ≠ 0` and `lpf(m) > p_b`, and `p_b ≥ 17` there, so the integers divisible
/// by 2, 3, 5 or 7 are never asked about and not stored (48 of every 210: 0.91 bytes per integer).
///
/// An entry packs `lpf(m) << 1 | (μ(m) == −1)`, or 0 when `m` is not squarefree (so `lpf > p` fails);
/// `m = 1` has an "infinite" least prime factor.
struct FactorTable: Sendable {
    static let wheel: UInt64 = 210
    static let residues: [UInt64] = (0..<wheel).filter { gcd($0, wheel) == 1 }
    /// For `r` in `0..<210`: how many residues are `≤ r`.
    private static let residuesAtMost: [Int] = (0..<Int(wheel)).map { r in residues.count { $0 <= r } }
    private static let isCoprime: [Bool] = (0..<wheel).map { gcd($0, wheel) == 1 }

    private let entries: [UInt32]
    let limit: UInt64

    init(upTo limit: UInt64, primes: [UInt32]) {
        precondition(limit < 1 << 31)
        self.limit = limit
        var entries = [UInt32](repeating: 0, count: Self.index(atMost: limit) + 1)
        let chunk: UInt64 = 1 << 16
        var lo: UInt64 = 0
        while lo <= limit {
            let hi = Swift.min(lo + chunk, limit + 1)
            Self.fill(&entries, from: lo, to: hi, primes: primes)
            lo = hi
        }
        self.entries = entries
    }

    /// The entry of `m`, coprime to 210.
    @inline(__always) func entry(at index: Int) -> UInt32 { entries[index] }

    /// Calls `body(m, μ(m) == −1)` for every squarefree m with lpf(m) > `p` among the integers coprime to 210
    /// in (`above`, `atMost`], in decreasing order: the hard leaves' composite loop, stepping the wheel
    /// without divisions and reading the table unchecked.
    @inline(__always)
    func forEachDescending(atMost: UInt64, above: UInt64, lpfAbove p: UInt64, _ body: (UInt64, Bool) -> Void) {
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
                    if UInt64(entry >> 1) > p { body(base + residues[spoke], entry & 1 != 0) }
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

    /// The integer at `index`.
    @inline(__always)
    static func value(at index: Int) -> UInt64 {
        UInt64(index / residues.count) * wheel + residues[index % residues.count]
    }

    /// Factors `[lo, hi)` by the primes up to its square root, then reads the one larger prime factor, if
    /// any, from what remains.
    private static func fill(_ entries: inout [UInt32], from lo: UInt64, to hi: UInt64, primes: [UInt32]) {
        let width = Int(hi - lo)
        var product = [UInt64](repeating: 1, count: width)
        var leastFactor = [UInt32](repeating: 0, count: width)
        var negative = [Bool](repeating: false, count: width)
        var squarefree = [Bool](repeating: true, count: width)
        for p in primes.dropFirst() {
            let p = UInt64(p)
            if p * p >= hi { break }
            var m = Swift.max(p, (lo + p - 1) / p * p)
            while m < hi {
                let i = Int(m - lo)
                if leastFactor[i] == 0 { leastFactor[i] = UInt32(p) }
                product[i] *= p
                negative[i].toggle()
                if (m / p) % p == 0 { squarefree[i] = false }
                m += p
            }
        }
        for i in 0..<width {
            let m = lo + UInt64(i)
            guard isCoprime[Int(m % wheel)] else { continue }
            if product[i] != m {  // one more prime factor, above sqrt(hi)
                negative[i].toggle()
                if leastFactor[i] == 0 { leastFactor[i] = UInt32(m / product[i]) }
            }
            let lpf: UInt32 = m == 1 ? UInt32.max >> 1 : leastFactor[i]
            entries[index(atMost: m)] = squarefree[i] ? lpf << 1 | (negative[i] ? 1 : 0) : 0
        }
    }
}

private func gcd(_ a: UInt64, _ b: UInt64) -> UInt64 { b == 0 ? a : gcd(b, a % b) }
