import PrimeSieve
import Testing
import TestSupport

/// Lucy Hedgehog's recurrence (an oracle for the combinatorial engine to come) against the sieve and the
/// published answers: each checks the other.
struct LucyOracleTests {
    @Test("Lucy's recurrence gives the published sums below 10^1 … 10^10")
    func knownAnswers() {
        for (n, count, sum) in KnownAnswers.belowPowersOfTen {
            #expect(Oracle.lucyTally(upTo: UInt64(n - 1)) == PrimeTally(count: count, sum: sum), "below \(n)")
        }
        #expect(Oracle.lucyTally(upTo: 9_999_999_999) == PrimeTally(count: KnownAnswers.below1e10.count, sum: KnownAnswers.below1e10.sum))
    }

    @Test("Lucy's recurrence and the sieve agree at every n below 2,000 and at random n up to 10^9")
    func againstTheSieve() {
        let engine = PrimeSieve()
        for n in 0..<2_000 {
            #expect(Oracle.lucyTally(upTo: UInt64(n)) == engine.tally(from: 0, to: UInt128(n) + 1), "n = \(n)")
        }
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<20 {
            let n = UInt64.random(in: 2_000...1_000_000_000, using: &generator)
            #expect(Oracle.lucyTally(upTo: n) == engine.tally(from: 0, to: UInt128(n) + 1), "n = \(n)")
        }
    }
}
