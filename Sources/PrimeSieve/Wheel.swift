/// The modulo-30 wheel: the layout of the sieve's bitmap and the tables that walk it.
///
/// Why it is fast: of every 30 consecutive integers only the 8 coprime to 30 can be prime (beyond 2, 3, 5),
/// so one byte holds a block of 30 integers, a 64-bit word 240. The sieve touches 3.75× less memory than a
/// byte-per-odd-number sieve, and crossing off a prime's multiples skips those divisible by 2, 3 or 5.
///
/// Byte `k` of the bitmap stands for the integers `30k + residue[b]`, bit `b` set while that integer may
/// be prime.
enum Wheel {
    /// The integers coprime to 30 in one block, in bit order.
    static let residues: [Int] = [1, 7, 11, 13, 17, 19, 23, 29]

    /// For each `t` in `0..<30`: the bit of `t` if `t` is a residue, else nil.
    static let bitOfResidue: [Int?] = (0..<30).map { residues.firstIndex(of: $0) }

    // The hot paths read the small tables below from packed integer constants instead of arrays: no lazy
    // global initialisation check, no bounds check, no memory load. A wrong field would misplace multiples,
    // which the engine's differential tests (every residue class, every range border) would catch.

    /// `residues[i]`, from 5-bit fields.
    @inline(__always) static func residue(_ i: Int) -> UInt64 { (0xED_E716_ACE1 as UInt64) &>> (5 * i) & 31 }

    /// For `t` in `0..<30`: the index of the smallest residue `>= t` (every `t <= 29` has one), from 3-bit fields.
    @inline(__always) static func nextResidueIndex(_ t: Int) -> Int {
        Int(truncatingIfNeeded: (0x3FF_FFDB_6B64_91B4_9224_9240 as UInt128) &>> (3 * t) & 7)
    }

    /// `bitOfResidue[t]!` for a residue `t`, from 3-bit fields.
    @inline(__always) static func bit(ofResidue t: Int) -> Int {
        Int(truncatingIfNeeded: (0x380_00C0_0A20_0184_0020_0000 as UInt128) &>> (3 * t) & 7)
    }

    /// For each `t` in `0...30`: the mask of the bits whose integers `30k + residue` are `< 30k + t`.
    static let bitsBelow: [UInt8] = (0...30).map { t in
        (0..<8).reduce(UInt8(0)) { mask, bit in residues[bit] < t ? mask | UInt8(1 << bit) : mask }
    }

    /// Calls `body` with the integer of every set bit of a sieved bitmap whose first byte is byte `firstByte`
    /// of the number line, in increasing order, reading it a 64-bit word at a time; stops early when `body`
    /// returns false. (Bytes past a range's end may hold bits: the caller filters.)
    @inline(__always)
    static func forEachSetBit(of bitmap: UnsafeBufferPointer<UInt8>, firstByte: UInt64, _ body: (UInt64) -> Bool) {
        let raw = UnsafeRawPointer(bitmap.baseAddress!)
        var j = 0
        while j < bitmap.count {
            var word: UInt64 = 0
            if j + 8 <= bitmap.count {
                word = raw.loadUnaligned(fromByteOffset: j, as: UInt64.self)
            } else {
                for k in 0..<(bitmap.count - j) { word |= UInt64(bitmap[j + k]) << (8 * k) }
            }
            let base = 30 * (firstByte + UInt64(j))
            while word != 0 {
                let bit = word.trailingZeroBitCount
                guard body(base + 30 * UInt64(bit >> 3) + residue(bit & 7)) else { return }
                word &= word - 1
            }
            j += 8
        }
    }
}
