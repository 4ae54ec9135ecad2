import PrimeSieve
import Testing
import TestSupport

/// The engine against libprimesieve (count and sum) across the whole 64-bit space, and on the borders where
/// a segmented, bucketed sieve goes wrong: segment and block edges, squares of sieving primes, 2^32, the top.
struct EngineAgainstPrimesieveTests {
    static let configurations = [
        SieveConfiguration(),
        SieveConfiguration(segmentBytes: 1024, blockBytes: 256),  // many segments and blocks: many borders
        SieveConfiguration(segmentBytes: 64, blockBytes: 16),
        SieveConfiguration(vectorKernels: .portable),  // without the AVX-512 kernels
    ]

    func check(_ lo: UInt128, _ hi: UInt128, _ configuration: SieveConfiguration = SieveConfiguration()) {
        let tally = PrimeSieve(configuration: configuration).tally(from: lo, to: hi)
        let expected = primesieveTally(from: lo, to: hi)
        #expect(tally == PrimeTally(count: expected.count, sum: expected.sum),
                "[\(lo), \(hi)) with segment \(configuration.segmentBytes), block \(configuration.blockBytes), \(configuration.vectorKernels) kernels")
    }

    @Test("the AVX-512 kernels (pre-sieve, tally) and the portable loops, both against libprimesieve, at every alignment",
          .enabled(if: VectorKernels.fastestAvailable == .avx512,
                   "SKIPPED: this CPU has no AVX-512 VPOPCNTDQ, so the vector kernels cannot run here"))
    func vectorKernels() {
        var generator = SystemRandomNumberGenerator()
        let kernels = [SieveConfiguration(vectorKernels: .avx512), SieveConfiguration(vectorKernels: .portable)]
        #expect(kernels.map(\.vectorKernels) == [.avx512, .portable])
        for n in 0..<2000 {
            // Mostly low offsets, where a range's sieving primes are few; every 100th up to 2^50.
            let lo = UInt128(UInt64.random(in: 0..<(1 << (n % 100 == 0 ? 50 : 36)), using: &generator))
            // Up to ~13 of the kernel's 512-byte (15,360-integer) runs, starting at any byte and bit.
            let hi = lo + UInt128(Int.random(in: 0...200_000, using: &generator))
            let expected = primesieveTally(from: lo, to: hi)
            for configuration in kernels {
                #expect(PrimeSieve(configuration: configuration).tally(from: lo, to: hi)
                            == PrimeTally(count: expected.count, sum: expected.sum),
                        "[\(lo), \(hi)) with the \(configuration.vectorKernels) kernels")
            }
        }
    }

    @Test("thousands of random ranges at offsets up to 2^50, every configuration")
    func randomRanges() {
        var generator = SystemRandomNumberGenerator()
        for n in 0..<3000 {
            let bits = Int.random(in: 1...50, using: &generator)
            let lo = UInt128(UInt64.random(in: 0..<(1 << bits), using: &generator))
            let length = UInt128(Int.random(in: 0...(n % 10 == 0 ? 3_000_000 : 100_000), using: &generator))
            check(lo, lo + length, Self.configurations[n % Self.configurations.count])
        }
    }

    @Test("random ranges at offsets from 2^50 to 2^64", arguments: [52, 56, 60, 63, 64])
    func highRanges(bits: Int) {
        var generator = SystemRandomNumberGenerator()
        let top = UInt128(1) << bits
        for _ in 0..<2 {
            let lo = top - UInt128(UInt64.random(in: 1_000_000...(1 << 40), using: &generator))
            check(lo, lo + UInt128(Int.random(in: 1...2_000_000, using: &generator)))
        }
        // And a range that ends exactly at the power of two.
        check(top - 1_500_000, top, Self.configurations[1])
    }

    @Test("borders: squares of sieving primes, segment and block edges, 2^32", arguments: configurations)
    func borders(configuration: SieveConfiguration) {
        let segment = UInt128(30 * configuration.segmentBytes)
        let block = UInt128(30 * configuration.blockBytes)
        var points: [UInt128] = [0, 1, 2, 3, 5, 7, 30, 31, 163 * 163, 167 * 167, 1 << 32, (1 << 32) + 30]
        for p: UInt128 in [65521, 65537, 1_000_003] { points += [p * p - 1, p * p, p * p + 1] }
        // Edges of the configured segment and of the smallest, which ranges with small sieving primes get.
        for segmentBytes in Set([configuration.segmentBytes, configuration.segmentBytes(forRangeEndingAt: 0)]) {
            let segment = UInt128(30 * segmentBytes)
            for k: UInt128 in [1, 2, 3, 1000] { points += [k * segment - 1, k * segment] }
        }
        for k: UInt128 in [1, 2, 3, 1000] { points += [k * block, k * block + 1] }
        for point in points {
            for (before, after): (UInt128, UInt128) in [(0, 1), (1, 0), (7, 7), (31, 29), (1000, 1000), (segment, block)] {
                check(point >= before ? point - before : 0, point + after, configuration)
            }
        }
    }

    @Test("the square of the largest prime below 2^32, near the top of the range")
    func squareOfLargestSievingPrime() {
        let p: UInt128 = 4_294_967_291
        check(p * p - 1000, p * p + 1000)
    }

    @Test("a long range across segments and buckets: [10^12, 10^12 + 10^9)")
    func longRange() {
        check(1_000_000_000_000, 1_001_000_000_000)
        check(1_000_000_000_000, 1_000_100_000_000, Self.configurations[1])
    }
}
