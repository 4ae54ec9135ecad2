@_spi(Testing) import PrimeCombinatorial
import Testing

/// The engine's arithmetic shortcuts against Swift's own operators.
@Suite struct ArithmeticTests {
    /// The floating-point division with its one-step correction, wherever its preconditions hold (a quotient
    /// below 2^52, a dividend at most 2^64 − 1 − divisor): at random sizes of dividend and divisor, at exact
    /// multiples and their neighbours, at quotients 0 and 1, and at dividends near 2^64 (where the dividend
    /// itself rounds as a Double).
    @Test func fastDivisionIsExact() {
        var generator = SystemRandomNumberGenerator()
        var cases: [(UInt64, UInt64)] = []
        for _ in 0..<200_000 {
            let d = UInt64.random(in: 1...(UInt64(1) << UInt64.random(in: 1...63, using: &generator)), using: &generator)
            let q = UInt64.random(in: 0..<(UInt64(1) << UInt64.random(in: 0...51, using: &generator)), using: &generator)
            let (product, overflow) = q.multipliedReportingOverflow(by: d)
            guard !overflow else { continue }
            for n in [product, product &+ 1, product &+ d &- 1, product &- 1] where n / d < 1 << 52 && n <= UInt64.max - d {
                cases.append((n, d))
            }
        }
        cases += [(0, 1), (1, 1), (1, 2), (UInt64.max - (1 << 62), 1 << 62), (UInt64.max - (1 << 12 + 1), 1 << 12 + 1),
                  ((1 << 52) - 1, 1), (UInt64.max - (1 << 40), 1 << 40), (UInt64.max - 9589, 9589)]
        let wrong = cases.filter { n, d in n.dividedByFast(d) != n / d }
        #expect(wrong.isEmpty, "\(wrong.prefix(5))")
    }
}
