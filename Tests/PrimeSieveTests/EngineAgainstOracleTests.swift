import Testing
import PrimeSieve
import TestSupport

/// The engine against independent oracles: a naive sieve for every small range, Miller–Rabin for random
/// ranges anywhere in [0, 2^64).
@Suite struct EngineAgainstOracleTests {
    static let smallLimit = 20_000
    /// `prefix[n]`: the tally of the primes below n, from the naive sieve.
    static let prefix = Oracle.naivePrefixTallies(upTo: smallLimit)

    static func expected(_ lo: Int, _ hi: Int) -> PrimeTally {
        PrimeTally(count: prefix[hi].count - prefix[lo].count, sum: prefix[hi].sum - prefix[lo].sum)
    }

    @Test("every range [lo, hi) with 0 <= lo <= hi <= 1500, with small segments to cross segment borders")
    func everySmallRange() {
        let engine = PrimeSieve(configuration: SieveConfiguration(segmentBytes: 8))
        for lo in 0...1500 {
            for hi in lo...1500 {
                let tally = engine.tally(from: UInt128(lo), to: UInt128(hi))
                if tally != Self.expected(lo, hi) {
                    Issue.record("[\(lo), \(hi)): \(tally) != \(Self.expected(lo, hi))")
                    return
                }
            }
        }
    }

    @Test("every lo below 20,000 with many hi, default and tiny segments")
    func everyLowerBoundBelowTwentyThousand() {
        let engines = [PrimeSieve(), PrimeSieve(configuration: SieveConfiguration(segmentBytes: 16))]
        var generator = SystemRandomNumberGenerator()
        for lo in 0..<Self.smallLimit {
            var highs = Array(lo...Swift.min(lo + 40, Self.smallLimit))
            for _ in 0..<4 { highs.append(Int.random(in: lo...Self.smallLimit, using: &generator)) }
            for hi in highs {
                let engine = engines[(lo + hi) % 2]
                let tally = engine.tally(from: UInt128(lo), to: UInt128(hi))
                if tally != Self.expected(lo, hi) {
                    Issue.record("[\(lo), \(hi)) with \(engine.configuration): \(tally) != \(Self.expected(lo, hi))")
                    return
                }
            }
        }
    }

    @Test("cutting [0, 20,000) at every integer gives each integer's own tally", arguments: [8, 64, 256 * 1024])
    func cutAtEveryInteger(segmentBytes: Int) {
        let engine = PrimeSieve(configuration: SieveConfiguration(segmentBytes: segmentBytes))
        let cuts = (1..<Self.smallLimit).map { UInt128($0) }
        let pieces = engine.tallies(from: 0, to: UInt128(Self.smallLimit), cutAt: cuts)
        #expect(pieces.count == Self.smallLimit)
        for n in 0..<Self.smallLimit {
            #expect(pieces[n] == Self.expected(n, n + 1), "integer \(n)")
        }
    }

    @Test("running tallies at random cut points (repeated, at the ends, among 2, 3, 5, 7), and the primes by blocks",
          arguments: [8, 64, 256 * 1024])
    func runningTalliesAndBlocks(segmentBytes: Int) {
        let engine = PrimeSieve(configuration: SieveConfiguration(segmentBytes: segmentBytes))
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<300 {
            let lo = Int.random(in: 0..<(Bool.random(using: &generator) ? 12 : Self.smallLimit), using: &generator)
            let hi = Int.random(in: lo...Self.smallLimit, using: &generator)
            let cuts = (0..<Int.random(in: 0...40, using: &generator)).map { _ in Int.random(in: lo...hi, using: &generator) }.sorted()
            var next = 0, seen: [PrimeTally] = []
            let total = engine.runningTallies(from: UInt128(lo), to: UInt128(hi),
                                              nextCut: { next < cuts.count ? UInt128(cuts[next]) : nil },
                                              atCut: { seen.append($0); next += 1 })
            #expect(seen == cuts.map { Self.expected(lo, $0) }, "[\(lo), \(hi)) cut at \(cuts)")
            #expect(total == Self.expected(lo, hi))
            var primes: [UInt64] = []
            engine.forEachBlockOfPrimes(from: UInt64(lo), to: UInt64(hi)) { primes += $0 }
            #expect(primes.count == Int(Self.expected(lo, hi).count) && UInt128(primes.reduce(0, +)) == Self.expected(lo, hi).sum
                    && primes == primes.sorted(), "[\(lo), \(hi))")
        }
    }

    @Test("the primes by blocks where a segment holds more than a block (hundreds of thousands)")
    func blocksOfManyPrimes() {
        let (lo, hi): (UInt64, UInt64) = (999_983, 5_000_011)
        var primes: [UInt64] = [], blocks = 0
        PrimeSieve().forEachBlockOfPrimes(from: lo, to: hi) { primes += $0; blocks += 1 }
        let expected = Oracle.tally(from: UInt128(lo), to: UInt128(hi))
        #expect(primes.first == lo && primes == primes.sorted() && Set(primes).count == primes.count)
        #expect(PrimeTally(count: UInt64(primes.count), sum: UInt128(primes.reduce(0, +))) == expected)
        #expect(blocks > 1)
    }

    @Test("thousands of random ranges at offsets up to 2^48 against Miller–Rabin")
    func randomRangesUpTo2To48() {
        var generator = SystemRandomNumberGenerator()
        let engine = PrimeSieve(configuration: SieveConfiguration(segmentBytes: 64))
        for _ in 0..<3000 {
            let bits = Int.random(in: 1...48, using: &generator)
            let lo = UInt128(UInt64.random(in: 0..<(1 << bits), using: &generator))
            let hi = lo + UInt128(Int.random(in: 0...3000, using: &generator))
            let tally = engine.tally(from: lo, to: hi)
            let expected = Oracle.tally(from: lo, to: hi)
            if tally != expected {
                Issue.record("[\(lo), \(hi)): \(tally) != \(expected)")
                return
            }
        }
    }

    @Test("random ranges at offsets up to 2^64, and the very top", arguments: [
        (UInt128(1) << 64) - 2000, (UInt128(1) << 64) - 100_000, (UInt128(1) << 62) + 12_345,
        (UInt128(1) << 58) - 777, (UInt128(1) << 56) + 1,
    ])
    func rangesNearTheTop(lo: UInt128) {
        let hi = Swift.min(lo + 3000, PrimeSieve.upperLimit)
        let engine = PrimeSieve()
        #expect(engine.tally(from: lo, to: hi) == Oracle.tally(from: lo, to: hi))
        // The same range cut into pieces sums to the whole.
        let cuts = stride(from: lo + 7, to: hi, by: 499).map { $0 }
        let pieces = engine.tallies(from: lo, to: hi, cutAt: cuts)
        #expect(pieces.reduce(.zero, +) == Oracle.tally(from: lo, to: hi))
    }
}
