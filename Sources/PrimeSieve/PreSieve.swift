/// Pre-sieving: the multiples of the smallest primes are copied into each segment from precomputed
/// patterns instead of being crossed off one by one.
///
/// Why it is fast: the primes 7…163 have the most multiples of all (half of all crossing-off below 10^10),
/// but their patterns repeat: the bitmap of the integers coprime to 7·67·71 repeats every 33,299 bytes, that
/// of 79·97 every 7,663 bytes, and so on. Filling a segment is then a streaming pass that ANDs four patterns
/// at a time into it: vector instructions, 16 bytes per step, four passes over the segment instead of
/// millions of scattered single-byte writes.
struct PreSieve: @unchecked Sendable {  // immutable after init
    /// The primes whose multiples the patterns remove, by pattern: products of at most ~33 K bytes each
    /// (primesieve's choice), so the 15 patterns take 306 KiB, sit in L2 beside the segment, and cost
    /// a few milliseconds to build.
    static let groups: [[Int]] = [
        [7, 67, 71], [11, 41, 73], [13, 43, 59], [17, 37, 53], [19, 29, 61], [23, 31, 47], [79, 97], [83, 89],
        [101, 103], [107, 109], [113, 127], [131, 137], [139, 149], [151, 157], [163],
    ]
    /// Patterns ANDed into the segment per pass.
    static let patternsPerPass = 4
    /// Sieving primes up to this one need no crossing-off.
    static let largestPrime: UInt64 = 163

    static let shared = PreSieve()

    /// One pattern: byte `k` holds the integers `30k + residue` not divisible by any of its primes.
    private struct Pattern {
        let bytes: UnsafePointer<UInt8>
        let length: Int
    }

    /// The patterns, padded with all-ones patterns to whole passes. Built once per process and never freed.
    private let patterns: [Pattern]

    private init() {
        var patterns = Self.groups.map { primes in
            let length = primes.reduce(1, *)
            let pattern = UnsafeMutablePointer<UInt8>.allocate(capacity: length)
            pattern.initialize(repeating: 0xFF, count: length)
            for p in primes {
                // The odd multiples p·m below 30·length; only those coprime to 30 are in the bitmap.
                for n in stride(from: p, to: 30 * length, by: 2 * p) {
                    if let bit = Wheel.bitOfResidue[n % 30] { pattern[n / 30] &= ~UInt8(1 << bit) }
                }
            }
            return Pattern(bytes: pattern, length: length)
        }
        while patterns.count % Self.patternsPerPass != 0 {
            let ones = UnsafeMutablePointer<UInt8>.allocate(capacity: 4096)
            ones.initialize(repeating: 0xFF, count: 4096)
            patterns.append(Pattern(bytes: ones, length: 4096))
        }
        self.patterns = patterns
    }

    /// Fills `bitmap[0..<count]`, whose first byte is byte `firstByte` of the number line, with the integers
    /// coprime to every pre-sieved prime; the pre-sieved primes themselves are kept, 1 is not.
    func fill(_ bitmap: UnsafeMutablePointer<UInt8>, count: Int, firstByte: UInt64) {
        for first in stride(from: 0, to: patterns.count, by: Self.patternsPerPass) {
            andPass(patterns[first], patterns[first + 1], patterns[first + 2], patterns[first + 3],
                    into: bitmap, count: count, firstByte: firstByte, initialise: first == 0)
        }
        // The pre-sieved primes themselves are prime (their bytes are the first six); 1 is not.
        if firstByte < UInt64(Self.primeBits.count) {
            for k in Int(firstByte)..<Swift.min(Self.primeBits.count, Int(firstByte) + count) {
                bitmap[k - Int(firstByte)] |= Self.primeBits[k]
            }
            if firstByte == 0 { bitmap[0] &= 0b1111_1110 }
        }
    }

    /// For each byte holding a pre-sieved prime, the bits of those primes.
    static let primeBits: [UInt8] = {
        var bits = [UInt8](repeating: 0, count: Int(largestPrime) / 30 + 1)
        for p in groups.joined() { bits[p / 30] |= UInt8(1 << Wheel.bitOfResidue[p % 30]!) }
        return bits
    }()

    /// ANDs four patterns, each read from the offset of `firstByte` and wrapping around at its end, into
    /// `bitmap[0..<count]` (or stores their AND there when `initialise`), in runs over which none wraps.
    private func andPass(_ a: Pattern, _ b: Pattern, _ c: Pattern, _ d: Pattern,
                         into bitmap: UnsafeMutablePointer<UInt8>, count: Int, firstByte: UInt64, initialise: Bool) {
        var offsetA = Int(firstByte % UInt64(a.length)), offsetB = Int(firstByte % UInt64(b.length))
        var offsetC = Int(firstByte % UInt64(c.length)), offsetD = Int(firstByte % UInt64(d.length))
        var done = 0
        while done < count {
            let run = Swift.min(count - done, a.length - offsetA, b.length - offsetB, c.length - offsetC,
                                d.length - offsetD)
            let pa = a.bytes + offsetA, pb = b.bytes + offsetB, pc = c.bytes + offsetC, pd = d.bytes + offsetD
            let target = bitmap + done
            if initialise {
                for j in 0..<run { target[j] = pa[j] & pb[j] & pc[j] & pd[j] }
            } else {
                for j in 0..<run { target[j] &= pa[j] & pb[j] & pc[j] & pd[j] }
            }
            done += run
            offsetA += run; if offsetA == a.length { offsetA = 0 }
            offsetB += run; if offsetB == b.length { offsetB = 0 }
            offsetC += run; if offsetC == c.length { offsetC = 0 }
            offsetD += run; if offsetD == d.length { offsetD = 0 }
        }
    }
}
