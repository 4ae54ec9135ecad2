@_spi(Testing) import PrimeSieve
import Testing
import TestSupport

/// The shared list of sieving primes: exactly the primes it claims, and ranges sieved with it exactly as
/// without it.
struct SievingPrimeListTests {
    @Test("the list up to every limit below 2,000 and up to 10^6 reads back the naive sieve's primes from 7")
    func readsBackThePrimes() {
        for limit: UInt64 in Array(0..<2_000) + [999_983, 1_000_000] {
            let list = SievingPrimeList(upTo: limit)
            let expected = (7...Swift.max(7, Int(limit))).filter { UInt64($0) <= limit && Oracle.isPrime(UInt64($0)) }
            #expect(list.bytes == expected.count, "limit \(limit)")
            // Read up to the list's own limit and up to a lower one.
            for readLimit in [limit, limit / 3] {
                #expect(list.primes(upTo: readLimit) == expected.filter { $0 <= readLimit }.map(UInt64.init), "limit \(limit), read to \(readLimit)")
            }
        }
    }

    @Test("ranges sieved with a shared list (reaching sqrt(hi), past it, or short of it) match the range's own primes",
          arguments: [0, 1_000_000, 1 << 40, (1 << 52) + 3, (1 << 60) - 1_000_000] as [UInt128])
    func rangesWithSharedList(lo: UInt128) {
        var generator = SystemRandomNumberGenerator()
        let engines = [PrimeSieve(), PrimeSieve(configuration: SieveConfiguration(segmentBytes: 64, blockBytes: 16))]
        let hi = lo + 3_000_000
        let needed = PrimeSieve.sievingLimit(forRangeEndingAt: hi)
        for engine in engines {
            for limit in [needed, Swift.min(needed * 2 + 100, UInt64(UInt32.max)), needed / 2] {
                let list = SievingPrimeList(upTo: limit, configuration: engine.configuration)
                let cuts = (0..<20).map { _ in lo + UInt128.random(in: 0...(hi - lo), using: &generator) }.sorted()
                let shared = engine.tallies(from: lo, to: hi, cutAt: cuts, sievingPrimes: list)
                #expect(shared == engine.tallies(from: lo, to: hi, cutAt: cuts), "[\(lo), \(hi)), list to \(limit)")
            }
        }
    }

    @Test("the list of all 203,280,218 sieving primes below 2^32 (every gap fits its byte) sieves the top of 2^64 as primesieve does")
    func everyPrimeBelow2To32() {
        let list = SievingPrimeList(upTo: UInt64(UInt32.max))
        #expect(list.bytes == 203_280_221 - 3)  // π(2^32) without 2, 3 and 5
        let lo = PrimeSieve.upperLimit - 1_000_000, hi = PrimeSieve.upperLimit
        let tally = PrimeSieve().tallies(from: lo, to: hi, cutAt: [], sievingPrimes: list)[0]
        let expected = primesieveTally(from: lo, to: hi)
        #expect(tally == PrimeTally(count: expected.count, sum: expected.sum))
    }
}
