/// Pre-sieving: the multiples of the smallest primes are copied into each segment from precomputed
/// patterns instead of being crossed off one by one.
///
/// Why it is fast: the primes 7…163 have the most multiples of all (half of all crossing-off below 10^10),
/// but their patterns repeat: the bitmap of the integers coprime to 7·11·13·17·19 repeats every 323,323
/// bytes, that of 41·43 every 1,763 bytes, and so on. Filling a segment is then a streaming copy of the first
/// pattern ANDed with the others, a few at a time: vector instructions, 16 bytes per step, instead of
/// millions of scattered single-byte writes.
struct PreSieve: Sendable {
    /// The primes whose multiples the patterns remove, by pattern. The first two patterns (316 KiB and
    /// 747 KiB) sit in L2; the pairs from 41 on are at most 25 KiB each, so ANDing them in stays in L1.
    static let groups: [[Int]] = [
        [7, 11, 13, 17, 19], [23, 29, 31, 37], [41, 43], [47, 53], [59, 61], [67, 71], [73, 79], [83, 89],
        [97, 101], [103, 107], [109, 113], [127, 131], [137, 139], [149, 151], [157, 163],
    ]
    /// Sieving primes up to this one need no crossing-off.
    static let largestPrime: UInt64 = 163

    static let shared = PreSieve()

    /// One pattern per group: byte `k` holds the integers `30k + residue` not divisible by a group prime.
    private let patterns: [[UInt8]]

    private init() {
        patterns = Self.groups.map { primes in
            let length = primes.reduce(1, *)
            var pattern = [UInt8](repeating: 0xFF, count: length)
            for p in primes {
                // The multiples p·m with m coprime to 30 are the only ones the bitmap holds.
                for m in stride(from: 1, to: 30 * length / p, by: 1) where Wheel.bitOfResidue[m % 30] != nil {
                    let n = p * m
                    pattern[n / 30] &= ~UInt8(1 << Wheel.bitOfResidue[n % 30]!)
                }
            }
            return pattern
        }
    }

    /// Fills `bitmap[0..<count]`, whose first byte is byte `firstByte` of the number line, with the integers
    /// coprime to every pre-sieved prime; the pre-sieved primes themselves are kept, 1 is not.
    func fill(_ bitmap: UnsafeMutablePointer<UInt8>, count: Int, firstByte: UInt64) {
        copy(patterns[0], into: bitmap, count: count, firstByte: firstByte, and: false)
        for pattern in patterns.dropFirst() {
            copy(pattern, into: bitmap, count: count, firstByte: firstByte, and: true)
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

    private func copy(_ pattern: [UInt8], into bitmap: UnsafeMutablePointer<UInt8>, count: Int,
                      firstByte: UInt64, and: Bool) {
        pattern.withUnsafeBufferPointer { pattern in
            var offset = Int(firstByte % UInt64(pattern.count))
            var done = 0
            while done < count {
                let run = Swift.min(count - done, pattern.count - offset)
                let source = pattern.baseAddress! + offset
                let target = bitmap + done
                if and {
                    for j in 0..<run { target[j] &= source[j] }
                } else {
                    target.update(from: source, count: run)
                }
                done += run
                offset = 0
            }
        }
    }
}
