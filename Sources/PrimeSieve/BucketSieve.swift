/// The bucket sieve (Tomás Oliveira e Silva) for big sieving primes: those with fewer multiples than
/// segments.
///
/// Why it is fast: near 2^64 the sieving primes go up to 2^32, and most of them have no multiple at all in
/// a given segment. Visiting each prime every segment would cost 200 million visits per segment. Instead
/// each big prime waits in the bucket of the segment that holds its next multiple; a segment processes only
/// its own bucket, crosses each prime's multiples there off, and drops the prime into the bucket of its next
/// multiple's segment. Work is proportional to the multiples crossed off, memory to 8 bytes per prime.
struct BucketSieve {
    /// A big prime waiting for its segment: the byte of its next multiple within that segment and its wheel
    /// state packed in 32 bits, and `p / 30`. 8 bytes.
    struct Entry {
        var indexAndState: UInt32
        var quotient: UInt32
    }

    private let segmentShift: Int
    private let segmentMask: Int
    /// `buckets[s % buckets.count]`: the primes whose next multiple lies in segment `s`.
    private var buckets: [[Entry]]
    /// The number of the segment about to be sieved, counted from the first one this sieve saw.
    private var segment = 0
    /// The number of segments left in the range when the sieve was made: multiples past them are dropped.
    private let segmentCount: Int

    static let stateShift: UInt32 = 26

    /// Prepares buckets for `segmentCount` segments of `segmentBytes` bytes (a power of two, at most 2^26)
    /// and primes up to `largestPrime`.
    init(segmentBytes: Int, segmentCount: Int, largestPrime: UInt64) {
        precondition(segmentBytes.nonzeroBitCount == 1 && segmentBytes <= 1 << Int(Self.stateShift))
        segmentShift = segmentBytes.trailingZeroBitCount
        segmentMask = segmentBytes - 1
        self.segmentCount = segmentCount
        // A prime's next multiple lies at most 7p/30 + 1 bytes ahead of the segment it is placed from, and
        // no bucket is needed past the range's last segment.
        let reach = Int(largestPrime / 30 * 7 + 8) >> segmentShift
        buckets = [[Entry]](repeating: [], count: Swift.min(reach + 2, segmentCount + 1))
    }

    /// Adds a big prime, placed at its first multiple from the current segment on.
    @inline(__always)
    mutating func add(_ prime: CrossingPrime) {
        place(index: Int(prime.multipleIndex), state: UInt32(prime.state), quotient: prime.quotient, from: segment)
    }

    @inline(__always)
    private mutating func place(index: Int, state: UInt32, quotient: UInt32, from segment: Int) {
        let targetSegment = segment + (index >> segmentShift)
        guard targetSegment < segmentCount else { return }  // past the range: never needed again
        buckets[targetSegment % buckets.count].append(Entry(indexAndState: UInt32(index & segmentMask) | state << Self.stateShift,
                                     quotient: quotient))
    }

    /// Crosses off the current segment's big-prime multiples in `bitmap[0..<length]`, moves each prime on,
    /// and advances to the next segment.
    mutating func crossOff(_ bitmap: UnsafeMutablePointer<UInt8>, length: Int,
                           states: UnsafePointer<Wheel.CrossingState>) {
        let current = segment % buckets.count
        var entries: [Entry] = []
        swap(&entries, &buckets[current])
        let indexMask = (UInt32(1) << Self.stateShift) - 1
        for entry in entries {
            var i = Int(entry.indexAndState & indexMask)
            var s = Int(entry.indexAndState >> Self.stateShift)
            let q = Int(entry.quotient)
            while i < length {
                let wheel = states[s]
                bitmap[i] &= wheel.clearMask
                i &+= q &* Int(wheel.gap) &+ Int(wheel.carry)
                s = Int(wheel.next)
            }
            // (A multiple past a short last segment lies past the range: placing it is harmless.)
            place(index: i, state: UInt32(s), quotient: entry.quotient, from: segment)
        }
        entries.removeAll(keepingCapacity: true)
        if buckets[current].isEmpty { swap(&entries, &buckets[current]) }  // keep the capacity for reuse
        segment += 1
    }
}
