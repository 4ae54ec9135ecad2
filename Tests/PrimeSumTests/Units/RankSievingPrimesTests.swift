@testable import PrimeSum
import PrimeSieve
import Testing
import TestSupport

/// A rank's shared sieving primes: made once, when a thread starts its second piece, and giving the same
/// answers as pieces that generate their own.
struct RankSievingPrimesTests {
    @Test("no list for a rank's first pieces; once a piece finishes, one list reaching sqrt of the domain's end, made once")
    func madeOnceAfterTheFirstPiece() {
        let hi: UInt128 = 1 << 50
        let shared = RankSievingPrimes(forDomainEndingAt: hi, configuration: .default)
        #expect(shared.forNextPiece() == nil && shared.forNextPiece() == nil)
        shared.pieceFinished()
        let list = shared.forNextPiece()
        #expect(list?.limit == PrimeSieve.sievingLimit(forRangeEndingAt: hi))
        #expect(list != nil && shared.forNextPiece() === list)
    }

    @Test("the simulated job with many pieces per thread on a high range, both schedules, against primesieve")
    func manyPiecesPerThread() {
        let lo: UInt128 = 1 << 40, hi = lo + 400_000_000
        let expected = primesieveTally(from: lo, to: hi)
        for schedule in DistributedPrimeSum.Schedule.allCases {
            for (ranks, threads) in [(1, 1), (1, 2), (2, 2)] {
                let options = DistributedPrimeSum.Options(threads: threads, schedule: schedule, method: .sieve)
                #expect(DistributedPrimeSum.simulate(.range(lo, hi), ranks: ranks, options: options)
                        == [PrimeTally(count: expected.count, sum: expected.sum)], "\(schedule), \(ranks) × \(threads)")
            }
        }
    }
}
