import PrimeSieve

/// The primes up to `y`, by index and by value: `prime(b)`, `π(v)` and `S(v)` for every `v ≤ y`.
///
/// `π` comes from a compressed bitmap, one 64-bit word per 128 integers (odd ones) with the count of the
/// primes before it: a look-up is one popcount. `S(v)` is then the running sum of the primes by index,
/// `sums[π(v)]`. 20 bytes per prime plus 0.125 bytes per integer: about 110 MB at 2^64's `y`, 7 MB at 10^16's.
struct PrimeTables: Sendable {
    /// `primes[b]` is the b-th prime, `primes[0] = 1` (so that `prime(b − 1)` is defined for b = 1).
    let primes: TableArray<UInt32>
    /// `sums[b]`: the sum of the first b primes.
    let sums: TableArray<UInt64>
    let limit: UInt64
    private let entries: TableArray<Entry>

    private struct Entry {
        var bits: UInt64 = 0
        var countBefore: UInt32 = 0
    }

    init(upTo limit: UInt64, sieve: PrimeSieve) {
        self.limit = limit
        let sieved = sieve.primes(upTo: limit)
        let primes = TableArray<UInt32>(count: sieved.count + 1) { primes in
            primes[0] = 1
            _ = UnsafeMutableBufferPointer(rebasing: primes[1...]).initialize(from: sieved)
        }
        self.primes = primes
        sums = TableArray(count: primes.count) { sums in
            sums[0] = 0
            for b in 1..<primes.count { sums[b] = sums[b - 1] + UInt64(primes[b]) }
        }
        entries = TableArray(count: Int(limit / 128) + 1) { entries in
            entries.initialize(repeating: Entry())
            for b in 2..<primes.count {  // 2 is added by `pi`
                let p = primes[b]
                entries[Int(p / 128)].bits |= 1 << (UInt64(p % 128) / 2)
            }
            var count: UInt32 = 0
            for k in entries.indices {
                entries[k].countBefore = count
                count += UInt32(entries[k].bits.nonzeroBitCount)
            }
        }
    }

    /// The tables read from an image that ``write(to:)`` made.
    init(image: inout TableImageReader) {
        limit = image.word()
        primes = image.table()
        sums = image.table()
        entries = image.table()
        precondition(primes.count == sums.count && entries.count == Int(limit / 128) + 1, "a damaged table image")
    }

    func write(to image: inout TableImageWriter) {
        image.word(limit)
        image.table(primes)
        image.table(sums)
        image.table(entries)
    }

    /// π(y): the number of primes in the table.
    var count: Int { primes.count - 1 }

    @inline(__always) func prime(_ b: Int) -> UInt64 { UInt64(primes[b]) }

    /// π(v) for `v ≤ limit`.
    @inline(__always)
    func pi(_ v: UInt64) -> Int {
        v >= 2 ? Self.pi(v, in: entries[Int(v / 128)]) : 0
    }

    /// π(v) for `v ≥ 2` from v's entry: the primes before its word, its bits up to v, and 2.
    @inline(__always)
    private static func pi(_ v: UInt64, in entry: Entry) -> Int {
        let r = v % 128
        let mask: UInt64 = r == 127 ? ~0 : (1 << ((r + 1) / 2)) &- 1
        return Int(entry.countBefore) &+ (entry.bits & mask).nonzeroBitCount &+ 1
    }

    /// π(v) and S(v) for `v ≤ limit`.
    @inline(__always)
    func tally(atMost v: UInt64) -> (count: UInt64, sum: UInt64) {
        let b = pi(v)
        return (UInt64(b), sums[b])
    }

    /// Over the primes q = p_i for i in `indices`: Σ π(x2/q) and Σ q·S(x2/q), every x2/q at most `limit` —
    /// the sparse easy leaves' loop, with unchecked access (`indices` inside the table is checked once).
    func sumsOverQuotients(of x2: UInt64, primeIndices indices: ClosedRange<Int>) -> (pi: UInt64, weighted: UInt128) {
        precondition(indices.lowerBound >= 1 && indices.upperBound < primes.count)
        precondition(x2 / prime(indices.lowerBound) <= limit, "a quotient past the table")
        var piSum: UInt64 = 0, weighted: UInt128 = 0
        primes.withUnsafeBufferPointer { primes in
            entries.withUnsafeBufferPointer { entries in
                sums.withUnsafeBufferPointer { sums in
                    for i in indices {
                        let q = UInt64(primes[i])
                        let v = x2.dividedByFast(q)
                        let b = Self.pi(v, in: entries[Int(v / 128)])  // an easy leaf's v ≥ p_b > 2
                        piSum &+= UInt64(b)
                        weighted &+= UInt128(q) &* UInt128(sums[b])
                    }
                }
            }
        }
        return (piSum, weighted)
    }

    /// The sum of the positions of the set bits of `bits`, one binary digit of the position at a time.
    @inline(__always)
    static func sumOfBitPositions(_ bits: UInt64) -> UInt64 {
        UInt64((bits & 0xAAAA_AAAA_AAAA_AAAA).nonzeroBitCount)
            &+ UInt64((bits & 0xCCCC_CCCC_CCCC_CCCC).nonzeroBitCount) << 1
            &+ UInt64((bits & 0xF0F0_F0F0_F0F0_F0F0).nonzeroBitCount) << 2
            &+ UInt64((bits & 0xFF00_FF00_FF00_FF00).nonzeroBitCount) << 3
            &+ UInt64((bits & 0xFFFF_0000_FFFF_0000).nonzeroBitCount) << 4
            &+ UInt64((bits & 0xFFFF_FFFF_0000_0000).nonzeroBitCount) << 5
    }
}

extension UInt64 {
    /// `self / d` for a quotient below 2^52 and `self + d < 2^64` (so that the estimate's product cannot
    /// wrap), by a floating-point division corrected by one step: the
    /// integer division's 14–46 cycles of latency (Zen 2) become a pipelined ~5. The truncated quotient is
    /// read from the bits of `quotient + 2^52`, which needs none of a conversion's range checks.
    @inline(__always) @_spi(Testing)
    public func dividedByFast(_ d: UInt64) -> UInt64 {
        let shifted = (Double(self) / Double(d)).rounded(.towardZero) + 0x1p52
        var q = shifted.bitPattern &- (0x1p52 as Double).bitPattern
        let product = q &* d
        if product > self { q &-= 1 } else if self &- product >= d { q &+= 1 }
        return q
    }
}
