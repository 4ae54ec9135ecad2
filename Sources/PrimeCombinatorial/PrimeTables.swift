import PrimeSieve

/// The primes up to `y`, by index and by value: `prime(b)`, `π(v)` and `S(v)` for every `v ≤ y`.
///
/// `π` and `S` come from a compressed bitmap: one 64-bit word per 128 integers (odd ones), with the count
/// and sum of the primes before it. A look-up is a popcount for the count and six more for the sum
/// (the bit positions' sum, one binary digit at a time): 0.19 bytes per integer, about 16 MB at 2^64's `y`.
struct PrimeTables: Sendable {
    /// `primes[b]` is the b-th prime, `primes[0] = 1` (so that `prime(b − 1)` is defined for b = 1).
    let primes: [UInt32]
    let limit: UInt64
    private let entries: [Entry]

    private struct Entry: Sendable {
        var bits: UInt64 = 0
        var countBefore: UInt32 = 0
        var sumBefore: UInt64 = 0
    }

    init(upTo limit: UInt64, sieve: PrimeSieve) {
        self.limit = limit
        primes = [1] + sieve.primes(upTo: limit)
        var entries = [Entry](repeating: Entry(), count: Int(limit / 128) + 1)
        for p in primes.dropFirst(2) {  // 2 is added by `tally(atMost:)`
            entries[Int(p / 128)].bits |= 1 << (UInt64(p % 128) / 2)
        }
        var count: UInt32 = 0, sum: UInt64 = 0
        for k in entries.indices {
            entries[k].countBefore = count
            entries[k].sumBefore = sum
            count += UInt32(entries[k].bits.nonzeroBitCount)
            sum += Self.sumOfValues(entries[k].bits, base: 128 * UInt64(k))
        }
        self.entries = entries
    }

    /// π(y): the number of primes in the table.
    var count: Int { primes.count - 1 }

    @inline(__always) func prime(_ b: Int) -> UInt64 { UInt64(primes[b]) }

    /// π(v) and S(v) for `v ≤ limit`.
    @inline(__always)
    func tally(atMost v: UInt64) -> (count: UInt64, sum: UInt64) {
        guard v >= 2 else { return (0, 0) }
        let entry = entries[Int(v / 128)]
        let r = v % 128
        let mask: UInt64 = r == 127 ? ~0 : (1 << ((r + 1) / 2)) &- 1
        let bits = entry.bits & mask
        return (UInt64(entry.countBefore) + UInt64(bits.nonzeroBitCount) + 1,
                entry.sumBefore + Self.sumOfValues(bits, base: v & ~127) + 2)
    }

    /// π(v) for `v ≤ limit`.
    @inline(__always) func pi(_ v: UInt64) -> Int { Int(tally(atMost: v).count) }

    /// The sum of the integers `base + 2i + 1` over the set bits `i` of `bits`.
    @inline(__always)
    static func sumOfValues(_ bits: UInt64, base: UInt64) -> UInt64 {
        UInt64(bits.nonzeroBitCount) &* (base &+ 1) &+ 2 &* sumOfBitPositions(bits)
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
