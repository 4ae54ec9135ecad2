import PrimeSieve
import Testing

/// The segment a range gets: the configured one, or less when the range's sieving primes are small.
struct ConfigurationTests {
    @Test("ranges with small sieving primes get smaller segments, never below one wheel turn of the largest")
    func segmentForRange() {
        let configuration = SieveConfiguration(segmentBytes: 1 << 20)
        #expect(Tuning.smallestSegmentBytes == 1 << 17)
        #expect(configuration.segmentBytes(forRangeEndingAt: 100) == 1 << 17)
        #expect(configuration.segmentBytes(forRangeEndingAt: 10_000_000_000) == 1 << 17)  // sqrt: 100,000 bytes
        #expect(configuration.segmentBytes(forRangeEndingAt: 40_000_000_000) == 1 << 18)  // sqrt: 200,000
        #expect(configuration.segmentBytes(forRangeEndingAt: 100_000_000_000) == 1 << 19)  // sqrt: 316,227
        #expect(configuration.segmentBytes(forRangeEndingAt: 1 << 64) == 1 << 20)
        // A configured segment below the smallest stays as it is (the tests' tiny segments rely on it).
        #expect(SieveConfiguration(segmentBytes: 1024).segmentBytes(forRangeEndingAt: 1 << 64) == 1024)
        #expect(SieveConfiguration(segmentBytes: 1024).segmentBytes(forRangeEndingAt: 100) == 1024)
    }
}
