import PrimeSieve

extension Oracle {
    /// π(n) and the sum of the primes ≤ n by Lucy Hedgehog's recurrence over the values ⌊n/k⌋, in
    /// O(n^(3/4)) time and O(√n) memory: an oracle independent of any sieve, for the combinatorial engine's
    /// differential tests. Sums wrap modulo 2^128 on the way and come out exact (every true sum is below 2^128).
    public static func lucyTally(upTo n: UInt64) -> PrimeTally {
        guard n >= 2 else { return .zero }
        let root = UInt64(Double(n).squareRoot()).adjustedSquareRoot(of: n)
        // Values ⌊n/k⌋ ≥ root+1 sit at large[k]; values v ≤ root at small[v].
        var smallSum = (0...root).map { UInt128($0).triangular &- 1 }
        var smallCount = (0...root).map { $0 == 0 ? 0 : $0 - 1 }
        var largeSum = [UInt128(0)] + (1...root).map { UInt128(n / $0).triangular &- 1 }
        var largeCount = [UInt64(0)] + (1...root).map { n / $0 - 1 }
        for p in stride(from: 2, through: root, by: 1) where smallCount[Int(p)] > smallCount[Int(p - 1)] {
            let sumBelow = smallSum[Int(p - 1)], countBelow = smallCount[Int(p - 1)], square = p * p
            for k in 1...root {
                let v = n / k
                guard v >= square else { break }
                let w = v / p
                let (wSum, wCount) = w <= root ? (smallSum[Int(w)], smallCount[Int(w)])
                    : (largeSum[Int(k * p)], largeCount[Int(k * p)])
                largeSum[Int(k)] = largeSum[Int(k)] &- UInt128(p) &* (wSum &- sumBelow)
                largeCount[Int(k)] -= wCount - countBelow
            }
            for v in stride(from: root, through: square, by: -1) {
                let w = v / p
                smallSum[Int(v)] = smallSum[Int(v)] &- UInt128(p) &* (smallSum[Int(w)] &- sumBelow)
                smallCount[Int(v)] -= smallCount[Int(w)] - countBelow
            }
        }
        return PrimeTally(count: largeCount[1], sum: largeSum[1])
    }
}

extension UInt64 {
    /// ⌊√n⌋ from an estimate `self` that a `Double` may have rounded by one either way.
    fileprivate func adjustedSquareRoot(of n: UInt64) -> UInt64 {
        var r = self
        while r > 0 && r.multipliedReportingOverflow(by: r).partialValue > n || r.multipliedReportingOverflow(by: r).overflow { r -= 1 }
        while !(r + 1).multipliedReportingOverflow(by: r + 1).overflow && (r + 1) * (r + 1) <= n { r += 1 }
        return r
    }
}

extension UInt128 {
    /// 1 + 2 + … + self, modulo 2^128 (exact for self ≤ 2^64).
    fileprivate var triangular: UInt128 { self % 2 == 0 ? (self / 2) &* (self &+ 1) : self &* ((self &+ 1) / 2) }
}
