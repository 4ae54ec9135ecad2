/// A sieving prime with its place in the sieve: the next multiple to cross off, as a byte index relative to
/// the current segment, and its wheel state (see ``Wheel/crossingStates``). 12 bytes.
struct CrossingPrime {
    /// The byte of the next multiple, relative to the start of the current segment.
    var multipleIndex: UInt32
    /// `p / 30`: the byte step of one wheel turn per unit of gap.
    let quotient: UInt32
    /// The wheel state: `8 * bit(p % 30) + index of (m % 30)` for the next multiple `p * m`.
    var state: UInt8

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
