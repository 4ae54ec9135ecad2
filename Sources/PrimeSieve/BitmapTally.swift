/// Counting and summing the primes of a sieved bitmap, a word at a time.
///
/// Why it is fast: no prime is visited on its own. In a word of 8 bitmap bytes `j0..<j0+8` (relative to a
/// base byte `K`), the primes number `popcount(w)` and sum to
/// `30·K·count + 30·Σ j·popcount(byte_j) + Σ residueSum[byte_j]`.
/// The weighted popcount `Σ (j - j0)·popcount(byte_j)` takes three popcounts of masked words (the byte
/// index's three bits), the residue sums eight table lookups; summing costs about what counting costs.
struct BitmapTally {
    /// The number of set bits.
    var count: UInt64 = 0
    /// `Σ j · popcount(byte_j)` over the bytes seen, `j` relative to the bitmap's first byte.
    var weightedCount: UInt64 = 0
    /// `Σ residueSum[byte_j]` over the bytes seen.
    var residueSum: UInt64 = 0

    /// Adds the bytes `from..<to` of `bitmap`.
    mutating func add(_ bitmap: UnsafeBufferPointer<UInt8>, from: Int, to: Int, residueSums: UnsafePointer<UInt16>) {
        var j = from
        let raw = UnsafeRawPointer(bitmap.baseAddress!)
        var count: UInt64 = 0, weighted: UInt64 = 0, residue: UInt64 = 0
        while j + 8 <= to {
            let w = raw.loadUnaligned(fromByteOffset: j, as: UInt64.self)
            if w != 0 {
                let c = UInt64(w.nonzeroBitCount)
                count &+= c
                weighted &+= UInt64(j) &* c
                    &+ UInt64((w & 0xFF00_FF00_FF00_FF00).nonzeroBitCount)
                    &+ 2 &* UInt64((w & 0xFFFF_0000_FFFF_0000).nonzeroBitCount)
                    &+ 4 &* UInt64((w & 0xFFFF_FFFF_0000_0000).nonzeroBitCount)
                var r = UInt64(residueSums[Int(w & 0xFF)])
                r &+= UInt64(residueSums[Int((w >> 8) & 0xFF)])
                r &+= UInt64(residueSums[Int((w >> 16) & 0xFF)])
                r &+= UInt64(residueSums[Int((w >> 24) & 0xFF)])
                r &+= UInt64(residueSums[Int((w >> 32) & 0xFF)])
                r &+= UInt64(residueSums[Int((w >> 40) & 0xFF)])
                r &+= UInt64(residueSums[Int((w >> 48) & 0xFF)])
                r &+= UInt64(residueSums[Int(w >> 56)])
                residue &+= r
            }
            j += 8
        }
        while j < to {
            addByte(bitmap[j], at: j, residueSums: residueSums, count: &count, weighted: &weighted, residue: &residue)
            j += 1
        }
        self.count &+= count
        self.weightedCount &+= weighted
        self.residueSum &+= residue
    }

    /// Adds one byte at relative index `j`, masked.
    mutating func add(byte: UInt8, at j: Int, residueSums: UnsafePointer<UInt16>) {
        addByte(byte, at: j, residueSums: residueSums, count: &count, weighted: &weightedCount, residue: &residueSum)
    }

    @inline(__always)
    private func addByte(_ byte: UInt8, at j: Int, residueSums: UnsafePointer<UInt16>,
                         count: inout UInt64, weighted: inout UInt64, residue: inout UInt64) {
        let c = UInt64(byte.nonzeroBitCount)
        count &+= c
        weighted &+= UInt64(j) &* c
        residue &+= UInt64(residueSums[Int(byte)])
    }

    /// The tally of the primes seen, for a bitmap whose first byte is byte `baseByte` of the number line.
    func tally(baseByte: UInt64) -> PrimeTally {
        let sum = 30 * UInt128(baseByte) * UInt128(count) + 30 * UInt128(weightedCount) + UInt128(residueSum)
        return PrimeTally(count: count, sum: sum)
    }
}
