@_spi(Testing) import PrimeCombinatorial
import Testing

/// The hard leaves' factor table against trial division.
@Suite struct FactorTableTests {
    /// Every integer coprime to 210 up to limits that end inside, at and just past the table's chunks
    /// (65,520 integers) and its wheel turns: squarefree or not, least prime factor (when at most √limit + 1),
    /// and the sign of μ.
    @Test(arguments: [2, 11, 209, 210, 211, 10_000, 65_519, 65_520, 65_521, 131_041, 300_007] as [UInt64])
    func entriesMatchTrialDivision(limit: UInt64) {
        let rootLimit = UInt64(Double(limit).squareRoot()) + 1
        let wrong = factorTableEntries(upTo: limit).filter { m, entry in
            var n = m, factors: [UInt64] = [], d: UInt64 = 2
            while d * d <= n {
                while n % d == 0 { factors.append(d); n /= d }
                d += 1
            }
            if n > 1 { factors.append(n) }
            guard Set(factors).count == factors.count else { return entry != nil }
            guard let entry else { return true }
            let least = factors.first.flatMap { $0 <= rootLimit ? $0 : nil }
            return entry.leastFactor != least || entry.negative != (factors.count % 2 == 1)
        }
        #expect(wrong.isEmpty, "\(wrong.prefix(5).map(\.m))")
    }
}
