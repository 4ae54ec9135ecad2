internal import CVectorKernels

/// Counting and summing the primes of a sieved bitmap, a word at a time, with popcounts and no table.
///
/// Why it is fast: no prime is visited on its own. Bit `b` of a word of 8 bitmap bytes starting at byte `j`
/// stands for `30·(j + b/8) + residue(b % 8)`, so the primes of the word number `c = popcount(w)` and sum to
/// `30·j·c + value(w)`, where `value(w)` adds the constants `v_b = 30·(b/8) + residue(b % 8)` (1…239) over
/// the set bits. `value` is linear in the bits: splitting the `v_b` along their eight binary digits makes it
/// `Σ_k 2^k · popcount(w & V_k)` for eight constant masks `V_k`, and over many words it needs only the
/// number of words that set each bit, not the words one by one. Those column counts are kept bit-sliced
/// (`ones`, `twos`, `fours`) by carry-save adders (Harley and Seal's popcount): every 8 words leave one word
/// of eights, whose `value` is taken once. Per word: a popcount and two adds for `30·j·c`, 4–5 logic
/// operations for the adders, an eighth of `value`'s eight popcounts — a quarter of the instructions of
/// taking `value` of every word, and summing costs little more than counting.
///
/// Where the CPU has AVX-512 (``VectorKernels/avx512``), whole 512-byte runs go to a C kernel that does the
/// same eight words at a time — one vector popcount for eight, one ternary-logic instruction per adder
/// output — and summing costs less than counting word by word.
struct BitmapTally {
    /// Whether whole 512-byte runs go to the AVX-512 kernel.
    let kernels: VectorKernels
    /// The number of set bits.
    var count: UInt64 = 0
    /// `Σ j · popcount` over the words (or single bytes) seen, `j` the first byte's index relative to the
    /// bitmap's first byte.
    var weightedCount: UInt64 = 0
    /// `Σ value` over the words (or single bytes) seen.
    var valueSum: UInt64 = 0

    init(kernels: VectorKernels) {
        self.kernels = kernels
    }

    /// Adds the bytes `from..<to` of `bitmap`.
    mutating func add(_ bitmap: UnsafeBufferPointer<UInt8>, from: Int, to: Int) {
        var from = from
        if kernels == .avx512 && to - from >= Self.kernelUnitBytes {
            let units = (to - from) / Self.kernelUnitBytes
            var sums = primesum_tally_sums()
            primesum_tally_avx512(bitmap.baseAddress! + from, units, &sums)
            count &+= sums.count
            weightedCount &+= UInt64(from) &* sums.count &+ sums.weightedCount
            valueSum &+= sums.valueSum
            from += units * Self.kernelUnitBytes
        }
        addWords(bitmap, from: from, to: to)
    }

    /// The bytes the AVX-512 kernel takes at a time: 8 vectors of 8 words.
    private static let kernelUnitBytes = 512

    /// ``add(_:from:to:)`` without the kernel.
    private mutating func addWords(_ bitmap: UnsafeBufferPointer<UInt8>, from: Int, to: Int) {
        let raw = UnsafeRawPointer(bitmap.baseAddress!)
        var j = from
        // `Σ J·c_J` over the words `J = 0..<n` is `n·C − Σ_J P_J` with `P_J` the running count: two adds
        // per word instead of a multiply.
        var runningCount: UInt64 = 0, runningCountSum: UInt64 = 0, eightsValue: UInt64 = 0
        var ones: UInt64 = 0, twos: UInt64 = 0, fours: UInt64 = 0
        @inline(__always) func word(_ k: Int) -> UInt64 {
            let w = raw.loadUnaligned(fromByteOffset: j &+ 8 &* k, as: UInt64.self)
            runningCount &+= UInt64(w.nonzeroBitCount)
            runningCountSum &+= runningCount
            return w
        }
        while j &+ 64 <= to {
            var twosA: UInt64 = 0, twosB: UInt64 = 0, foursA: UInt64 = 0, foursB: UInt64 = 0, eights: UInt64 = 0
            Self.carrySave(&twosA, &ones, word(0), word(1))
            Self.carrySave(&twosB, &ones, word(2), word(3))
            Self.carrySave(&foursA, &twos, twosA, twosB)
            Self.carrySave(&twosA, &ones, word(4), word(5))
            Self.carrySave(&twosB, &ones, word(6), word(7))
            Self.carrySave(&foursB, &twos, twosA, twosB)
            Self.carrySave(&eights, &fours, foursA, foursB)
            eightsValue &+= Self.value(eights)
            j &+= 64
        }
        var value = 8 &* eightsValue &+ 4 &* Self.value(fours) &+ 2 &* Self.value(twos) &+ Self.value(ones)
        while j &+ 8 <= to {
            value &+= Self.value(word(0))
            j &+= 8
        }
        let words = UInt64((j &- from) / 8), wordCount = runningCount
        count &+= wordCount
        weightedCount &+= UInt64(from) &* wordCount &+ 8 &* (words &* wordCount &- runningCountSum)
        valueSum &+= value
        while j < to {
            add(byte: bitmap[j], at: j)
            j &+= 1
        }
    }

    /// Adds one byte at relative index `j` (masked by the caller where the range cuts it).
    mutating func add(byte: UInt8, at j: Int) {
        add(word: UInt64(byte), at: j)
    }

    /// Adds the 8 bytes at relative index `j`, read as one little-endian word (masked by the caller).
    @inline(__always)
    mutating func add(word: UInt64, at j: Int) {
        let c = UInt64(word.nonzeroBitCount)
        count &+= c
        weightedCount &+= UInt64(j) &* c
        valueSum &+= Self.value(word)
    }

    /// A carry-save adder on 64 one-bit columns: adds `a` and `b` into `sum`, the carries going to `carry`.
    @inline(__always)
    private static func carrySave(_ carry: inout UInt64, _ sum: inout UInt64, _ a: UInt64, _ b: UInt64) {
        let partial = sum ^ a
        carry = (sum & a) | (partial & b)
        sum = partial ^ b
    }

    /// `Σ v_b` over the set bits `b` of `w`, `v_b = 30·(b/8) + residue(b % 8)`: bit `k` of `v_b` is bit `b` of
    /// the mask `V_k` (`V_0` is all ones: every `v_b` is odd).
    @inline(__always)
    static func value(_ w: UInt64) -> UInt64 {
        UInt64(w.nonzeroBitCount)
            &+ 2 &* UInt64((w & 0x9966_9966_9966_9966).nonzeroBitCount)
            &+ 4 &* UInt64((w & 0xAC35_53CA_AC35_53CA).nonzeroBitCount)
            &+ 8 &* UInt64((w & 0xCE46_6273_31B9_9D8C).nonzeroBitCount)
            &+ 16 &* UInt64((w & 0x0F87_8383_C1C1_E1F0).nonzeroBitCount)
            &+ 32 &* UInt64((w & 0xF007_FC03_FE01_FE00).nonzeroBitCount)
            &+ 64 &* UInt64((w & 0xFFF8_0003_FFFE_0000).nonzeroBitCount)
            &+ 128 &* UInt64((w & 0xFFFF_FFFC_0000_0000).nonzeroBitCount)
    }

    /// The tally of the primes seen, for a bitmap whose first byte is byte `baseByte` of the number line.
    func tally(baseByte: UInt64) -> PrimeTally {
        // Exact: the sum of primes below 2^64 is below 2^128.
        let sum = 30 &* UInt128(baseByte) &* UInt128(count) &+ 30 &* UInt128(weightedCount) &+ UInt128(valueSum)
        return PrimeTally(count: count, sum: sum)
    }
}

