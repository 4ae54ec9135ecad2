internal import CVectorKernels

/// Pre-sieving: the multiples of the smallest primes are copied into each block from precomputed
/// patterns instead of being crossed off one by one.
///
/// Why it is fast: the primes 7…163 have the most multiples of all (half of all crossing-off below 10^10),
/// but their patterns repeat: the bitmap of the integers coprime to 7·67·71 repeats every 33,299 bytes, that
/// of 79·97 every 7,663 bytes, and so on. Filling a block is then a streaming pass that ANDs eight patterns
/// at a time into it: vector instructions, 16 bytes per step, two passes over an L1-resident chunk instead
/// of millions of scattered single-byte writes. Each pattern is stored with a copy of its first
/// `Tuning.preSieveChunkBytes` bytes after its end, so a chunk reads it from any offset without wrapping: one loop per
/// pass and chunk, with no run cut short where a pattern ends. Where the CPU has AVX-512, a C kernel does
/// each pass 64 bytes per step (``VectorKernels``).
struct PreSieve: @unchecked Sendable {  // immutable after init
    /// The primes whose multiples the patterns remove, by pattern: products of at most ~33 K bytes each
    /// (primesieve's choice), so the 15 patterns take 306 KiB (+ 32 KiB of wrap-around copies), sit in L2
    /// beside the segment, and take well under a millisecond to build.
    static let groups: [[Int]] = [
        [7, 67, 71], [11, 41, 73], [13, 43, 59], [17, 37, 53], [19, 29, 61], [23, 31, 47], [79, 97], [83, 89],
        [101, 103], [107, 109], [113, 127], [131, 137], [139, 149], [151, 157], [163],
    ]
    /// Patterns ANDed into the bitmap per pass.
    static let patternsPerPass = 8
    /// Sieving primes up to this one need no crossing-off.
    static let largestPrime: UInt64 = 163

    static let shared = PreSieve()

    /// One pattern: byte `k` holds the integers `30k + residue` not divisible by any of its primes; the
    /// `Tuning.preSieveChunkBytes` bytes from `length` on repeat its first ones. `length` is a whole number of
    /// the pattern's periods and at least a chunk, so an offset that moves on by a chunk wraps at most once.
    private struct Pattern {
        let bytes: UnsafePointer<UInt8>
        let length: Int
    }

    /// The patterns, padded with all-ones patterns to whole passes. Built once per process and never freed.
    private let patterns: [Pattern]

    private init() {
        func pattern(period: Int, _ fill: (UnsafeMutablePointer<UInt8>, _ length: Int) -> Void) -> Pattern {
            let length = period * ((Tuning.preSieveChunkBytes + period - 1) / period)
            let bytes = UnsafeMutablePointer<UInt8>.allocate(capacity: length + Tuning.preSieveChunkBytes)
            bytes.initialize(repeating: 0xFF, count: length)
            fill(bytes, length)
            for k in 0..<Tuning.preSieveChunkBytes { (bytes + length + k).initialize(to: bytes[k % length]) }
            return Pattern(bytes: bytes, length: length)
        }
        // A pattern is the AND of its primes' own patterns: one prime's repeats every `p` bytes and lacks the 8
        // multiples `p·m` with `m` coprime to 30 in `0..<30p` (the others are not in the bitmap). Each is
        // written once, doubled by copies up to the pattern's length, and ANDed in: copies and a vectorised
        // AND, where crossing off every multiple one by one took 4 ms — a start-up cost every rank paid.
        var patterns = Self.groups.map { primes in
            pattern(period: primes.reduce(1, *)) { pattern, length in
                let tiled = UnsafeMutablePointer<UInt8>.allocate(capacity: length)
                defer { tiled.deallocate() }
                for p in primes {
                    tiled.initialize(repeating: 0xFF, count: p)
                    for m in Wheel.residues { tiled[p * m / 30] &= ~UInt8(1 << Wheel.bit(ofResidue: p * m % 30)) }
                    var filled = p  // a multiple of p throughout, as `length` is
                    while filled < length {
                        let copied = Swift.min(filled, length - filled)
                        (tiled + filled).initialize(from: tiled, count: copied)
                        filled += copied
                    }
                    for k in 0..<length { pattern[k] &= tiled[k] }
                }
            }
        }
        while patterns.count % Self.patternsPerPass != 0 { patterns.append(pattern(period: 1) { _, _ in }) }
        self.patterns = patterns
    }

    /// Fills `bitmap[0..<count]`, whose first byte is byte `firstByte` of the number line, with the integers
    /// coprime to every pre-sieved prime; the pre-sieved primes themselves are kept, 1 is not.
    func fill(_ bitmap: UnsafeMutablePointer<UInt8>, count: Int, firstByte: UInt64, kernels: VectorKernels) {
        patterns.withUnsafeBufferPointer { patterns in
            withUnsafeTemporaryAllocation(of: Int.self, capacity: patterns.count) { offsets in
                for k in patterns.indices { offsets[k] = Int(firstByte % UInt64(patterns[k].length)) }
                var done = 0
                while done < count {
                    let chunk = Swift.min(Tuning.preSieveChunkBytes, count - done)
                    for first in stride(from: 0, to: patterns.count, by: Self.patternsPerPass) {
                        Self.andPass(patterns.baseAddress! + first, offsets.baseAddress! + first, into: bitmap + done,
                                     count: chunk, initialise: first == 0, kernels: kernels)
                    }
                    for k in patterns.indices {
                        offsets[k] += chunk
                        if offsets[k] >= patterns[k].length { offsets[k] -= patterns[k].length }
                    }
                    done += chunk
                }
            }
        }
        // The pre-sieved primes themselves are prime (their bytes are the first six); 1 is not.
        if firstByte < UInt64(Self.primeBits.count) {
            for k in Int(firstByte)..<Swift.min(Self.primeBits.count, Int(firstByte) + count) {
                bitmap[k - Int(firstByte)] |= Self.primeBits[k]
            }
            if firstByte == 0 { bitmap[0] &= 0b1111_1110 }
        }
    }

    /// ANDs eight patterns, read from their `offsets`, into `target[0..<count]` (or stores their AND there
    /// when `initialise`); `count` is at most `Tuning.preSieveChunkBytes`, so no read wraps.
    @inline(__always)
    private static func andPass(_ patterns: UnsafePointer<Pattern>, _ offsets: UnsafePointer<Int>,
                                into target: UnsafeMutablePointer<UInt8>, count: Int, initialise: Bool,
                                kernels: VectorKernels) {
        let a = patterns[0].bytes + offsets[0], b = patterns[1].bytes + offsets[1]
        let c = patterns[2].bytes + offsets[2], d = patterns[3].bytes + offsets[3]
        let e = patterns[4].bytes + offsets[4], f = patterns[5].bytes + offsets[5]
        let g = patterns[6].bytes + offsets[6], h = patterns[7].bytes + offsets[7]
        if kernels == .avx512 {  // 64 bytes per step (`Sources/CVectorKernels/pre_sieve.c`)
            let sources: (UnsafePointer<UInt8>?, UnsafePointer<UInt8>?, UnsafePointer<UInt8>?, UnsafePointer<UInt8>?,
                          UnsafePointer<UInt8>?, UnsafePointer<UInt8>?, UnsafePointer<UInt8>?, UnsafePointer<UInt8>?)
                = (a, b, c, d, e, f, g, h)
            withUnsafePointer(to: sources) { sources in
                sources.withMemoryRebound(to: UnsafePointer<UInt8>?.self, capacity: 8) { sources in
                    primesum_and8_avx512(sources, target, count, initialise ? 0 : 1)
                }
            }
            return
        }
        // (Vectorised by the compiler: 16 bytes of each pattern per step.)
        if initialise {
            for j in 0..<count { target[j] = a[j] & b[j] & c[j] & d[j] & e[j] & f[j] & g[j] & h[j] }
        } else {
            for j in 0..<count { target[j] &= a[j] & b[j] & c[j] & d[j] & e[j] & f[j] & g[j] & h[j] }
        }
    }

    /// For each byte holding a pre-sieved prime, the bits of those primes.
    static let primeBits: [UInt8] = {
        var bits = [UInt8](repeating: 0, count: Int(largestPrime) / 30 + 1)
        for p in groups.joined() { bits[p / 30] |= UInt8(1 << Wheel.bitOfResidue[p % 30]!) }
        return bits
    }()
}
