/// The modulo-210 wheel that big sieving primes (the bucket sieve's) step along the mod-30 bitmap.
///
/// Why it is faster and smaller: a prime `p` crosses off `p * m` only for the `m` coprime to 2·3·5·7 = 210 —
/// 48 of every 210, against 8 of every 30 on the mod-30 wheel — since multiples of 7 are already gone (the
/// pre-sieve removes them). Big primes have at most a few multiples per segment, so each multiple skipped is
/// a bucket visit saved: 1/7 fewer crossings, and near 2^64, where a range holds fewer multiples of a big
/// prime than it has wheel positions, 1/7 fewer of those primes have any multiple in the range at all, so
/// 1/7 fewer of their 8-byte bucket entries exist (primesieve's bucket sieve uses this wheel for the same
/// reason). Small and medium primes keep the mod-30 wheel, whose 8 multiples per turn fit the unrolled loops.
///
/// The bitmap stays mod 30 (byte `k` holds `30k + Wheel.residues[b]`); only the multipliers follow this wheel.
enum Wheel210 {
    /// The 48 integers in `1..<210` coprime to 210, ascending.
    static let residues: [Int] = (1..<210).filter { $0 % 2 != 0 && $0 % 3 != 0 && $0 % 5 != 0 && $0 % 7 != 0 }

    /// The number of wheel states: 8 prime classes (the bit of `p % 30`) × 48 positions of `m % 210`.
    static let stateCount = 8 * 48

    /// One step of a big prime `p = 30q + pr` from its multiple `p * m`, `m = 210j + residues[i]`, to the next,
    /// `p * m'` with `m' = m + gap`. The multiple lies in byte `q*m + floor(pr*m / 30)` of the bitmap, so the
    /// step is `q * gap + carry`, where `carry = floor(pr*m' / 30) - floor(pr*m / 30)` depends only on
    /// `(pr, i)` — as do the bit of `p * m` and the next state.
    ///
    /// A state is indexed `primeClass * 48 + i`. 8 bytes, read with one scaled index: the 384 states take
    /// 3 KiB, at home in L1.
    struct CrossingState {
        /// The bitmap byte's mask that clears `p * m`.
        var clearMask: UInt8
        /// `m' - m`: multiply by `q` for the byte step.
        var gap: UInt8
        /// The byte step's part that does not depend on `q`.
        var carry: UInt8
        /// The state of `p * m'` minus this one (+1, or -47 at the end of a turn), shifted to where a bucket
        /// entry keeps its state (``BucketSieve/stateShift``): added to the entry, it moves the state on.
        var stateStep: Int32
    }

    private static let crossingStates: [CrossingState] = (0..<stateCount).map { state in
        let primeResidue = Wheel.residues[state / 48]
        let i = state % 48
        let m = residues[i]
        let nextM = i == 47 ? 210 + residues[0] : residues[i + 1]
        return CrossingState(
            clearMask: ~UInt8(1 << Wheel.bitOfResidue[primeResidue * m % 30]!),
            gap: UInt8(nextM - m),
            carry: UInt8(primeResidue * nextM / 30 - primeResidue * m / 30),
            stateStep: Int32(i == 47 ? -47 : 1) << BucketSieve.stateShift
        )
    }

    /// The wheel's tables, built once per process and never freed, read through plain pointers: the hot loops
    /// pay no lazy-initialisation check and no bounds check per access. A wrong entry would misplace
    /// multiples, which the engine's differential tests catch.
    final class Tables: @unchecked Sendable {  // immutable after init
        static let shared = Tables()

        /// ``CrossingState``s by state.
        let crossingStates: UnsafePointer<CrossingState>
        /// `residues`, as 64-bit integers.
        let residues: UnsafePointer<UInt64>
        /// For each `t` in `0..<210`: the index of the smallest residue `>= t` (209 is one, so every `t` has one).
        let nextResidueIndex: UnsafePointer<UInt8>

        private init() {
            crossingStates = UnsafePointer(Self.copy(Wheel210.crossingStates))
            residues = UnsafePointer(Self.copy(Wheel210.residues.map(UInt64.init)))
            nextResidueIndex = UnsafePointer(Self.copy((0..<210).map { t in
                UInt8(Wheel210.residues.firstIndex { $0 >= t }!)
            }))
        }

        private static func copy<T>(_ values: [T]) -> UnsafeMutablePointer<T> {
            let copy = UnsafeMutablePointer<T>.allocate(capacity: values.count)
            copy.initialize(from: values, count: values.count)
            return copy
        }

        /// The first multiple `p * m >= max(p², 30 * segmentStart)` of `prime` with `m` coprime to 210, as a
        /// byte offset from `segmentStart`, and its wheel state.
        /// - Precondition: `prime < 2^32` is coprime to 210, and `30 * segmentStart < 2^64`.
        @inline(__always)
        func firstMultiple(of prime: UInt64, from segmentStart: UInt64) -> (offset: UInt64, state: Int) {
            let low = 30 * segmentStart
            let (quotient, remainder) = low.quotientAndRemainder(dividingBy: prime)
            let m0 = Swift.max(prime, quotient &+ (remainder == 0 ? 0 : 1))
            let i = Int(nextResidueIndex[Int(m0 % 210)])
            // p·m = 210·p·j + p·residues[i] lies in byte 7·p·j + (p·residues[i]) / 30: 64-bit arithmetic even
            // when p·m itself passes 2^64. (Wrapping operators: nothing here overflows — p < 2^32 and the
            // byte is below 2^64 / 30 + p — and overflow checks cost a branch each, 203 million times near 2^64.)
            let byte = 7 &* prime &* (m0 / 210) &+ prime &* residues[i] / 30
            return (byte &- segmentStart, Wheel.bit(ofResidue: Int(prime % 30)) &* 48 &+ i)
        }
    }
}
