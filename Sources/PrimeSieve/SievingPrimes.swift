/// Where a segmented sieve gets its sieving primes: from 7 upwards, in increasing order.
protocol SievingPrimeSource {
    /// The next prime, or nil when there are no more.
    mutating func next() -> UInt64?
}

/// The primes from 7 below 2^16, from a plain sieve run once per process: the sieving primes of the sieve
/// that produces the sieving primes.
struct BasePrimes: SievingPrimeSource {
    static let all: [UInt32] = {
        let limit = 1 << 16
        var isComposite = [Bool](repeating: false, count: limit / 2)  // odd numbers only: `i` stands for 2i + 1
        for n in stride(from: 3, to: 256, by: 2) where !isComposite[n / 2] {  // 256 = sqrt(limit)
            for multiple in stride(from: n * n, to: limit, by: 2 * n) { isComposite[multiple / 2] = true }
        }
        return stride(from: 7, to: limit, by: 2).compactMap { isComposite[$0 / 2] ? nil : UInt32($0) }
    }()

    private let limit: UInt64
    private var position = 0

    /// The primes in `7...limit`, `limit < 2^16`.
    init(upTo limit: UInt64) { self.limit = limit }

    mutating func next() -> UInt64? {
        guard position < Self.all.count, UInt64(Self.all[position]) <= limit else { return nil }
        position += 1
        return UInt64(Self.all[position - 1])
    }
}

/// The primes in `7...limit` for any `limit < 2^32`, produced by the engine itself one segment at a time.
///
/// The sieve of `[lo, hi)` needs every prime up to `sqrt(hi)`: up to 2^32, 203 million primes, at the top of
/// the 64-bit range. They are sieved by the same segmented sieve (crossed off by the primes below 2^16),
/// read out of each segment's bitmap a word at a time, and consumed as they come: they never sit in memory
/// as one list.
struct SievingPrimes: SievingPrimeSource {
    private var sieve: SegmentSieve
    private var basePrimes: BasePrimes
    private let limit: UInt64
    /// The primes of one segment, read out of its bitmap at once. Segments of the L1 size keep this small:
    /// at most ~80,000 primes (320 KB); a segment of the main sieve's size would hold a million.
    private var buffer: [UInt32] = []
    private var position = 0
    private var finished = false

    init(upTo limit: UInt64, segmentBytes: Int, blockBytes: Int, vectorKernels: VectorKernels) {
        precondition(limit < 1 << 32)
        self.limit = limit
        let endByte = limit / 30 + 1
        sieve = SegmentSieve(firstByte: 0, endByte: endByte, segmentBytes: blockBytes.powerOfTwoAtMost,
                             blockBytes: blockBytes.powerOfTwoAtMost, vectorKernels: vectorKernels)
        basePrimes = BasePrimes(upTo: limit.squareRootFloor())
    }

    @inline(__always)
    mutating func next() -> UInt64? {
        while position == buffer.count {
            if finished { return nil }
            refill()
        }
        position += 1
        return UInt64(buffer[position - 1])
    }

    private mutating func refill() {
        let limit = limit
        var primes: [UInt32] = []
        let more = sieve.sieveNextSegment(primesFrom: &basePrimes) { bitmap, firstByte in
            // At most one prime per set bit: the bitmap's popcount sizes the array, written without appends.
            let raw = UnsafeRawPointer(bitmap.baseAddress!)
            var bits = 0
            var j = 0
            while j + 8 <= bitmap.count { bits += raw.loadUnaligned(fromByteOffset: j, as: UInt64.self).nonzeroBitCount; j += 8 }
            while j < bitmap.count { bits += bitmap[j].nonzeroBitCount; j += 1 }
            primes = [UInt32](unsafeUninitializedCapacity: bits) { out, count in
                Wheel.forEachSetBit(of: bitmap, firstByte: firstByte) { prime in
                    if prime > limit { return false }
                    if prime >= 7 { out[count] = UInt32(truncatingIfNeeded: prime); count += 1 }
                    return true
                }
            }
        }
        buffer = primes
        position = 0
        if !more { finished = true }
    }
}

extension UInt64 {
    /// `floor(sqrt(self))`, exact for every 64-bit value.
    public func squareRootFloor() -> UInt64 {
        var root = Swift.min(UInt64(Double(self).squareRoot()), UInt64(UInt32.max))
        while root * root > self { root -= 1 }
        while true {
            let next = root + 1
            let square = next.multipliedFullWidth(by: next)
            if square.high != 0 || square.low > self { break }
            root = next
        }
        return root
    }
}

/// The sieving primes up to a limit below 2^32, generated once and read by the sieves of many ranges, which
/// would otherwise each generate them again.
///
/// One byte per prime, half its gap to the one before (below 2^32 gaps are at most 336): all 203 million
/// primes below 2^32 take 194 MiB, where generating them is half the set-up of a range near 2^64 (0.8 of
/// 1.6 s; the rest, each prime's first multiple in the range, is every range's own). Worth it where one process
/// sieves several ranges with the same primes, one after another or side by side on its threads.
public final class SievingPrimeList: Sendable {
    /// The largest integer the list covers: it holds every prime in `7...limit`.
    public let limit: UInt64
    fileprivate let halfGaps: [UInt8]

    /// - Precondition: `limit < 2^32`.
    public init(upTo limit: UInt64, configuration: SieveConfiguration = .default) {
        precondition(limit < 1 << 32, "sieving primes are 32-bit")
        self.limit = limit
        var halfGaps: [UInt8] = []
        halfGaps.reserveCapacity(PrimeSieve.primeCountBound(from: 7, to: limit + 1))
        var previous: UInt64 = 5
        PrimeSieve(configuration: configuration).forEachBlockOfPrimes(from: 7, to: Swift.max(7, limit + 1)) { block in
            for p in block {
                halfGaps.append(UInt8(truncatingIfNeeded: (p &- previous) >> 1))
                previous = p
            }
        }
        self.halfGaps = halfGaps
    }

    /// The memory the list holds.
    public var bytes: Int { halfGaps.count }

    /// The primes in `7...limit` of the list, as a test reads them back.
    @_spi(Testing) public func primes(upTo limit: UInt64) -> [UInt64] {
        var reader = reader(upTo: limit), primes: [UInt64] = []
        while let p = reader.next() { primes.append(p) }
        return primes
    }

    /// The primes in `7...limit` of the list, one by one; `limit` at most the list's.
    func reader(upTo limit: UInt64) -> Reader {
        precondition(limit <= self.limit, "the list stops at \(self.limit)")
        return Reader(halfGaps: halfGaps, limit: limit)
    }

    struct Reader: SievingPrimeSource {
        let halfGaps: [UInt8]
        let limit: UInt64
        private var position = 0
        private var prime: UInt64 = 5

        init(halfGaps: [UInt8], limit: UInt64) {
            self.halfGaps = halfGaps
            self.limit = limit
        }

        @inline(__always)
        mutating func next() -> UInt64? {
            guard position < halfGaps.count else { return nil }
            let next = prime &+ UInt64(halfGaps[position]) &<< 1
            guard next <= limit else { return nil }
            position &+= 1
            prime = next
            return next
        }
    }
}
