import PrimeSieve
import Testing
import TestSupport

/// The engine against published values.
struct KnownAnswerTests {
    @Test("π(10^n) and the sum of primes below 10^n, n = 1…9", arguments: KnownAnswers.belowPowersOfTen.map { $0 })
    func belowPowerOfTen(known: (n: UInt128, count: UInt64, sum: UInt128)) {
        #expect(PrimeSieve().tally(from: 0, to: known.n) == PrimeTally(count: known.count, sum: known.sum))
    }

    @Test("the sums below 2^31 and 2^32, and the largest prime below 2^64")
    func powersOfTwo() {
        #expect(PrimeSieve().tally(from: 0, to: 1 << 31).sum == KnownAnswers.below2To31Sum)
        #expect(PrimeSieve().tally(from: 0, to: 1 << 32).sum == KnownAnswers.below2To32Sum)
        let top = PrimeSieve().tally(from: UInt128(KnownAnswers.largestPrimeBelow2To64), to: PrimeSieve.upperLimit)
        #expect(top == PrimeTally(count: 1, sum: UInt128(KnownAnswers.largestPrimeBelow2To64)))
    }

    @Test("the tutorial batch in one pass, cut at its 20 bounds")
    func tutorialBatchInOnePass() {
        let bounds = KnownAnswers.tutorialBatch.map { UInt128($0.bound) }
        let pieces = PrimeSieve().tallies(from: 0, to: bounds.last!, cutAt: Array(bounds.dropLast()))
        var running = PrimeTally.zero
        for (piece, known) in zip(pieces, KnownAnswers.tutorialBatch) {
            running += piece
            #expect(running.sum == known.sum, "below \(known.bound)")
        }
    }
}
