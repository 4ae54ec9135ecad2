/// Φ(v, c) for the first `c ≤ 6` primes in closed form: the count and the sum of the integers in `[1, v]`
/// divisible by none of them.
///
/// Those integers repeat with period `P = p₁⋯p_c` (30030 for c = 6): with `v = qP + r`, the first `q` periods
/// hold `q·φ(P)` integers summing to `P·φ(P)·q(q−1)/2 + q·Σ₁`, and the rest is read from a table of `P`
/// entries. The ordinary leaves (one per squarefree n ≤ y) each cost one look-up.
struct PhiTiny: Sendable {
    static let smallPrimes: [UInt64] = [2, 3, 5, 7, 11, 13]
    /// The largest `c` with a table.
    static let largestC = smallPrimes.count

    private struct Table: Sendable {
        let period: UInt64
        let perPeriod: UInt64
        let sumPerPeriod: UInt64
        /// `counts[r]`, `sums[r]`: the integers in `[1, r]` coprime to the period.
        let counts: [UInt32]
        let sums: [UInt32]
    }

    private static let tables: [Table] = (0...largestC).map { c in
        let primes = smallPrimes.prefix(c)
        let period = primes.reduce(1, *)
        var counts = [UInt32](repeating: 0, count: Int(period)), sums = counts
        var count: UInt32 = 0, sum: UInt32 = 0
        for r in 1..<period where primes.allSatisfy({ r % $0 != 0 }) || r == 1 {
            count += 1
            sum += UInt32(r)
            counts[Int(r)] = count
            sums[Int(r)] = sum
        }
        for r in 1..<Int(period) where counts[r] == 0 {
            counts[r] = counts[r - 1]
            sums[r] = sums[r - 1]
        }
        // The period's last residue, P − 1, is coprime to P (or P = 1): the full period's totals.
        let perPeriod = period == 1 ? 1 : UInt64(count), sumPerPeriod = period == 1 ? 1 : UInt64(sum)
        return Table(period: period, perPeriod: perPeriod, sumPerPeriod: sumPerPeriod, counts: counts, sums: sums)
    }

    /// Φ(v, c): the count and sum of the integers in `[1, v]` with no prime factor among the first `c`.
    @inline(__always)
    static func phi(_ v: UInt64, _ c: Int) -> LeafTally {
        let t = tables[c]
        let q = v / t.period, r = Int(v % t.period)
        let count = q &* t.perPeriod &+ UInt64(t.counts[r])
        let q128 = UInt128(q)
        let fullPeriods = UInt128(t.period * t.perPeriod) &* UInt128.triangular(q128 &- 1)
            &+ q128 &* UInt128(t.sumPerPeriod)
        let tail = UInt128(t.counts[r]) &* q128 &* UInt128(t.period) &+ UInt128(t.sums[r])
        return LeafTally(count: count, sum: fullPeriods &+ tail)
    }
}
