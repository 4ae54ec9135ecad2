/// A small or medium sieving prime with its place in the sieve: the next multiple to cross off, as a byte
/// index relative to the current segment, and its wheel state. 12 bytes.
///
/// It crosses off `p * m` for the `m` coprime to 30. With `p = 30q + pr` and `m = 30j + r`, `p * m` lies in
/// byte `q*m + pr*j + (pr*r) / 30`, at the bit of `(pr*r) % 30`: where the next multiples fall depends on `q`
/// and on the 64 wheel states `(pr, r)` only, which `crossOffUnrolled` turns into one loop per state.
/// (Big primes step along the mod-210 wheel instead: see ``Wheel210``.)
struct CrossingPrime {
    /// The byte of the next multiple, relative to the start of the current segment.
    var multipleIndex: UInt32
    /// `p / 30`: the byte step of one wheel turn per unit of gap.
    let quotient: UInt32
    /// The wheel state: `8 * bit(p % 30) + index of (m % 30)` for the next multiple `p * m`.
    var state: UInt8

    init(multipleIndex: UInt32, quotient: UInt32, state: UInt8) {
        (self.multipleIndex, self.quotient, self.state) = (multipleIndex, quotient, state)
    }

    /// Places `prime` (>= 7) at its first multiple `p * m >= max(p², 30 * segmentStart)` with `m` coprime to 30.
    init(prime: UInt64, segmentStart: UInt64) {
        let low = 30 * segmentStart  // < 2^64: the segment starts at or below the range's last number
        let m0 = Swift.max(prime, low / prime + (low % prime == 0 ? 0 : 1))
        let t = Int(m0 % 30)
        let i = Wheel.nextResidueIndex(t)
        // The multiple p·m, m = 30j + residues[i], lies in byte p·j + (p·residues[i]) / 30: 64-bit arithmetic
        // even when p·m itself passes 2^64.
        let j = m0 / 30
        let byte = prime * j + prime * Wheel.residue(i) / 30
        multipleIndex = UInt32(byte - segmentStart)
        quotient = UInt32(prime / 30)
        state = UInt8(Wheel.bit(ofResidue: Int(prime % 30)) * 8 + i)
    }
}
