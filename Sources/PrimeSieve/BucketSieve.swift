/// The bucket sieve (Tomás Oliveira e Silva) for big sieving primes: those above half a segment, which have
/// at most a few multiples per segment and, near 2^64, far fewer multiples than there are segments.
///
/// Why it is fast: near 2^64 the sieving primes go up to 2^32, and most of them have no multiple at all in
/// a given segment. Visiting each prime every segment would cost 200 million visits per segment. Instead
/// each big prime waits in the bucket of the segment that holds its next multiple; a segment processes only
/// its own bucket, crosses each prime's multiples there off, and drops the prime into the bucket of its next
/// multiple's segment. Work is proportional to the multiples crossed off.
///
/// Big primes step along the mod-210 wheel (see ``Wheel210``): 1/7 fewer multiples to visit and, near 2^64,
/// 1/7 fewer entries than the mod-30 wheel would need.
///
/// Why it is small: a bucket is a list of fixed-size blocks of 8-byte entries taken from a shared pool and
/// returned as soon as they are emptied, so memory is the entries alive plus one partial block per bucket,
/// with no array growth and no heap fragmentation (thousands of growing arrays tripled the peak memory).
struct BucketSieve {
    /// A big prime waiting for its segment: the byte of its next multiple within that segment (23 bits) and
    /// its ``Wheel210`` state (9 bits) packed in 32 bits, and `p / 30`. 8 bytes.
    struct Entry {
        var indexAndState: UInt32
        var quotient: UInt32
    }

    /// One segment's bucket: its blocks, the last one being filled at `cursor` up to `end`. Without a block,
    /// `cursor` and `end` are both `noBlock`: not optionals, so that adding an entry tests one equality.
    struct Bucket {
        var blocks: [UnsafeMutablePointer<Entry>] = []
        var cursor: UnsafeMutablePointer<Entry> = Bucket.noBlock
        var end: UnsafeMutablePointer<Entry> = Bucket.noBlock

        /// A placeholder address, never dereferenced.
        static var noBlock: UnsafeMutablePointer<Entry> { UnsafeMutablePointer(bitPattern: MemoryLayout<Entry>.alignment)! }
    }

    private let segmentShift: Int
    private let segmentMask: Int
    /// `buckets[s & (buckets.count - 1)]`: the primes whose next multiple lies in segment `s`. A power of two
    /// of them, so that finding a bucket takes a mask, not a division (one per entry moved).
    private var buckets: [Bucket]
    private let pool = BlockPool()
    private let wheel = Wheel210.Tables.shared
    /// The number of the segment about to be sieved, counted from the first one this sieve saw.
    private var segment = 0
    /// The number of segments left in the range when the sieve was made: multiples past them are dropped.
    private let segmentCount: Int

    /// The entry's state sits above the 23 bits of the byte index: segments are at most 2^23 bytes.
    static let stateShift: UInt32 = 23
    static let largestSegmentBytes = 1 << Int(stateShift)

    /// Prepares buckets for `segmentCount` segments of `segmentBytes` bytes (a power of two, at most
    /// ``largestSegmentBytes``)
    /// and primes up to `largestPrime`.
    init(segmentBytes: Int, segmentCount: Int, largestPrime: UInt64) {
        precondition(segmentBytes.nonzeroBitCount == 1 && segmentBytes <= Self.largestSegmentBytes)
        segmentShift = segmentBytes.trailingZeroBitCount
        segmentMask = segmentBytes - 1
        self.segmentCount = segmentCount
        // A prime's next multiple lies at most q·10 + 10 bytes ahead (the widest gap of the mod-210 wheel is
        // 10), and no bucket is needed past the range's last segment.
        let reach = Int(largestPrime / 30 * 10 + 10) >> segmentShift
        buckets = [Bucket](repeating: Bucket(), count: Swift.min(reach + 2, segmentCount + 1).nextPowerOfTwo)
    }

    /// Adds the big primes `first` and then `source`'s next ones while their squares are below `endValue`,
    /// each placed at its first multiple from the current segment (whose first byte is `segmentStart`) on.
    /// Returns the first prime not added, nil when the source ran out.
    ///
    /// One loop for them all: near 2^64 the sieve adds 203 million primes before its first segment.
    mutating func add<Source: SievingPrimeSource>(startingWith first: UInt64, from source: inout Source,
                                                  whileSquareBelow endValue: UInt128, segmentStart: UInt64) -> UInt64? {
        let segment = segment, segmentShift = segmentShift, segmentMask = segmentMask
        let segmentCount = segmentCount, pool = pool, wheel = wheel
        return buckets.withUnsafeMutableBufferPointer { buckets in
            var next: UInt64? = first
            while let p = next, UInt128(p * p) < endValue {
                let (offset, state) = wheel.firstMultiple(of: p, from: segmentStart)
                Self.place(index: Int(truncatingIfNeeded: offset), state: UInt32(truncatingIfNeeded: state),
                           quotient: UInt32(truncatingIfNeeded: p / 30), from: segment,
                           into: buckets, segmentShift: segmentShift, segmentMask: segmentMask,
                           segmentCount: segmentCount, pool: pool)
                next = source.next()
            }
            return next
        }
    }

    @inline(__always)
    private static func place(index: Int, state: UInt32, quotient: UInt32, from segment: Int,
                              into buckets: UnsafeMutableBufferPointer<Bucket>, segmentShift: Int, segmentMask: Int,
                              segmentCount: Int, pool: BlockPool) {
        let targetSegment = segment &+ (index &>> segmentShift)
        guard targetSegment < segmentCount else { return }  // past the range: never needed again
        let bucket = buckets.baseAddress! + targetSegment & (buckets.count - 1)
        if bucket.pointee.cursor == bucket.pointee.end {
            let block = pool.takeBlock()
            bucket.pointee.blocks.append(block)
            bucket.pointee.cursor = block
            bucket.pointee.end = block + BlockPool.blockEntries
        }
        let cursor = bucket.pointee.cursor
        cursor.pointee = Entry(indexAndState: UInt32(truncatingIfNeeded: index & segmentMask) | state &<< Self.stateShift,
                               quotient: quotient)
        bucket.pointee.cursor = cursor + 1
    }

    /// Crosses off the current segment's big-prime multiples in `bitmap[0..<length]`, moves each prime on,
    /// and advances to the next segment.
    mutating func crossOff(_ bitmap: UnsafeMutablePointer<UInt8>, length: Int) {
        let segment = segment, segmentShift = segmentShift, segmentMask = segmentMask
        let segmentCount = segmentCount, pool = pool
        let indexMask = (UInt32(1) << Self.stateShift) - 1
        let states = wheel.crossingStates
        buckets.withUnsafeMutableBufferPointer { buckets in
            let current = buckets.baseAddress! + segment & (buckets.count - 1)
            let bucket = current.pointee
            current.pointee = Bucket()
            for block in bucket.blocks {
                let end = block == bucket.blocks.last! ? bucket.cursor : block + BlockPool.blockEntries
                var entry = block
                while entry < end {
                    var i = Int(entry.pointee.indexAndState & indexMask)
                    var s = Int(entry.pointee.indexAndState &>> Self.stateShift)
                    let q = Int(entry.pointee.quotient)
                    while i < length {
                        let wheel = states[s]
                        bitmap[i] &= wheel.clearMask
                        i &+= q &* Int(wheel.gap) &+ Int(wheel.carry)
                        s &+= Int(wheel.nextDelta)
                    }
                    // (A multiple past a short last segment lies past the range: placing it drops it.)
                    Self.place(index: i, state: UInt32(truncatingIfNeeded: s), quotient: entry.pointee.quotient, from: segment,
                               into: buckets, segmentShift: segmentShift, segmentMask: segmentMask,
                               segmentCount: segmentCount, pool: pool)
                    entry += 1
                }
                pool.returnBlock(block)
            }
        }
        self.segment += 1
    }
}

/// Fixed-size blocks of bucket entries, allocated in slabs and reused through a free list; all freed
/// together when the sieve goes away.
final class BlockPool {
    static let blockEntries = 1024
    static let blocksPerSlab = 64

    private var slabs: [UnsafeMutablePointer<BucketSieve.Entry>] = []
    private var freeBlocks: [UnsafeMutablePointer<BucketSieve.Entry>] = []

    @inline(__always)
    func takeBlock() -> UnsafeMutablePointer<BucketSieve.Entry> {
        if let block = freeBlocks.popLast() { return block }
        let slab = UnsafeMutablePointer<BucketSieve.Entry>.allocate(capacity: Self.blocksPerSlab * Self.blockEntries)
        slabs.append(slab)
        for k in stride(from: Self.blocksPerSlab - 1, to: 0, by: -1) { freeBlocks.append(slab + k * Self.blockEntries) }
        return slab
    }

    @inline(__always)
    func returnBlock(_ block: UnsafeMutablePointer<BucketSieve.Entry>) { freeBlocks.append(block) }

    deinit { for slab in slabs { slab.deallocate() } }
}
