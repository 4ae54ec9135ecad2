/// Counting and summing the primes of a sieved bitmap, a word at a time, with popcounts only.
///
/// Why it is fast: no prime is visited on its own, and no table is read. In a word `w` of 8 bitmap bytes
/// `j0..<j0+8` (relative to a base byte `K`), the primes number `popcount(w)` and sum to
/// `30·K·count + 30·Σ j·popcount(byte_j) + Σ residue(bit)` over the set bits. Both sums are popcounts:
/// - the weighted count `Σ (j - j0)·popcount(byte_j)` splits along the byte index's three bits:
///   `popcount(w & 0xFF00…) + 2·popcount(w & 0xFFFF0000…) + 4·popcount(w & 0xFFFFFFFF00000000)`;
/// - the residue sum splits along the residues' five bits: every residue (1, 7, 11, 13, 17, 19, 23, 29) is
///   odd, so bit 0 contributes `popcount(w)`, and for bit `k` = 1…4 the byte positions whose residue has
///   that bit form a constant mask (`0x66`, `0xCA`, `0x8C`, `0xF0` in every byte):
///   `Σ residue = popcount(w) + 2·popcount(w & 0x66…) + 4·popcount(w & 0xCA…) + 8·popcount(w & 0x8C…)
///   + 16·popcount(w & 0xF0…)`.
/// Eight popcounts per 240 integers (one instruction each), so summing costs little more than counting.
struct BitmapTally {
    /// The number of set bits.
    var count: UInt64 = 0
    /// `Σ j · popcount(byte_j)` over the bytes seen, `j` relative to the bitmap's first byte.
    var weightedCount: UInt64 = 0
    /// `Σ residue` over the set bits seen.
    var residueSum: UInt64 = 0

    /// Adds the bytes `from..<to` of `bitmap`.
    mutating func add(_ bitmap: UnsafeBufferPointer<UInt8>, from: Int, to: Int) {
        var j = from
        let raw = UnsafeRawPointer(bitmap.baseAddress!)
        var count: UInt64 = 0, weighted: UInt64 = 0, residue: UInt64 = 0
        while j + 8 <= to {
            let w = raw.loadUnaligned(fromByteOffset: j, as: UInt64.self)
            let c = UInt64(w.nonzeroBitCount)
            count &+= c
            weighted &+= UInt64(j) &* c
                &+ UInt64((w & 0xFF00_FF00_FF00_FF00).nonzeroBitCount)
                &+ 2 &* UInt64((w & 0xFFFF_0000_FFFF_0000).nonzeroBitCount)
                &+ 4 &* UInt64((w & 0xFFFF_FFFF_0000_0000).nonzeroBitCount)
            residue &+= Self.residueSum(w, count: c)
            j += 8
        }
        while j < to {
            addByte(bitmap[j], at: j, count: &count, weighted: &weighted, residue: &residue)
            j += 1
        }
        self.count &+= count
        self.weightedCount &+= weighted
        self.residueSum &+= residue
    }

    /// Adds one byte at relative index `j`, masked.
    mutating func add(byte: UInt8, at j: Int) {
        addByte(byte, at: j, count: &count, weighted: &weightedCount, residue: &residueSum)
    }

    /// The sum of the residues of the set bits of `w`, whose popcount is `count`.
    @inline(__always)
    private static func residueSum(_ w: UInt64, count: UInt64) -> UInt64 {
        count
            &+ 2 &* UInt64((w & 0x6666_6666_6666_6666).nonzeroBitCount)
            &+ 4 &* UInt64((w & 0xCACA_CACA_CACA_CACA).nonzeroBitCount)
            &+ 8 &* UInt64((w & 0x8C8C_8C8C_8C8C_8C8C).nonzeroBitCount)
            &+ 16 &* UInt64((w & 0xF0F0_F0F0_F0F0_F0F0).nonzeroBitCount)
    }

    @inline(__always)
    private func addByte(_ byte: UInt8, at j: Int, count: inout UInt64, weighted: inout UInt64, residue: inout UInt64) {
        let c = UInt64(byte.nonzeroBitCount)
        count &+= c
        weighted &+= UInt64(j) &* c
        residue &+= Self.residueSum(UInt64(byte), count: c)
    }

    /// The tally of the primes seen, for a bitmap whose first byte is byte `baseByte` of the number line.
    func tally(baseByte: UInt64) -> PrimeTally {
        let sum = 30 * UInt128(baseByte) * UInt128(count) + 30 * UInt128(weightedCount) + UInt128(residueSum)
        return PrimeTally(count: count, sum: sum)
    }
}
