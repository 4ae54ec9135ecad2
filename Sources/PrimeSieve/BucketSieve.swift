/// The bucket sieve (Tomás Oliveira e Silva) for big sieving primes: those with fewer multiples than
/// segments.
///
/// Why it is fast: near 2^64 the sieving primes go up to 2^32, and most of them have no multiple at all in
/// a given segment. Visiting each prime every segment would cost 200 million visits per segment. Instead
/// each big prime waits in the bucket of the segment that holds its next multiple; a segment processes only
/// its own bucket, crosses each prime's multiples there off, and drops the prime into the bucket of its next
/// multiple's segment. Work is proportional to the multiples crossed off.
///
/// Why it is small: a bucket is a list of fixed-size blocks of 8-byte entries taken from a shared pool and
/// returned as soon as they are emptied, so memory is the entries alive plus one partial block per bucket,
/// with no array growth and no heap fragmentation (thousands of growing arrays tripled the peak memory).
struct BucketSieve {
    /// A big prime waiting for its segment: the byte of its next multiple within that segment and its wheel
    /// state packed in 32 bits, and `p / 30`. 8 bytes.
    struct Entry {
        var indexAndState: UInt32
        var quotient: UInt32
    }

    /// One segment's bucket: the pool blocks holding its entries, the last one filled up to `lastCount`.
    struct Bucket {
        var blocks: [Int32] = []
        var lastCount = BlockPool.blockEntries
    }

    private let segmentShift: Int
    private let segmentMask: Int
    /// `buckets[s % buckets.count]`: the primes whose next multiple lies in segment `s`.
    private var buckets: [Bucket]
    private let pool = BlockPool()
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
        buckets = [Bucket](repeating: Bucket(), count: Swift.min(reach + 2, segmentCount + 1))
    }

    /// Adds a big prime, placed at its first multiple from the current segment on.
    @inline(__always)
    mutating func add(_ prime: CrossingPrime) {
        place(index: Int(prime.multipleIndex), state: UInt32(prime.state), quotient: prime.quotient, from: segment)
    }

    @inline(__always)
    private mutating func place(index: Int, state: UInt32, quotient: UInt32, from segment: Int) {
        let targetSegment = segment &+ (index >> segmentShift)
        guard targetSegment < segmentCount else { return }  // past the range: never needed again
        let slot = targetSegment % buckets.count
        if buckets[slot].lastCount == BlockPool.blockEntries {
            buckets[slot].blocks.append(pool.takeBlock())
            buckets[slot].lastCount = 0
        }
        let block = pool.block(buckets[slot].blocks[buckets[slot].blocks.count - 1])
        block[buckets[slot].lastCount] = Entry(indexAndState: UInt32(index & segmentMask) | state << Self.stateShift,
                                               quotient: quotient)
        buckets[slot].lastCount &+= 1
    }

    /// Crosses off the current segment's big-prime multiples in `bitmap[0..<length]`, moves each prime on,
    /// and advances to the next segment.
    mutating func crossOff(_ bitmap: UnsafeMutablePointer<UInt8>, length: Int,
                           states: UnsafePointer<Wheel.CrossingState>) {
        let current = segment % buckets.count
        let bucket = buckets[current]
        buckets[current] = Bucket()
        let indexMask = (UInt32(1) << Self.stateShift) - 1
        for (number, blockIndex) in bucket.blocks.enumerated() {
            let block = pool.block(blockIndex)
            let count = number == bucket.blocks.count - 1 ? bucket.lastCount : BlockPool.blockEntries
            for k in 0..<count {
                let entry = block[k]
                var i = Int(entry.indexAndState & indexMask)
                var s = Int(entry.indexAndState >> Self.stateShift)
                let q = Int(entry.quotient)
                while i < length {
                    let wheel = states[s]
                    bitmap[i] &= wheel.clearMask
                    i &+= q &* Int(wheel.gap) &+ Int(wheel.carry)
                    s = Int(wheel.next)
                }
                // (A multiple past a short last segment lies past the range: placing it drops it.)
                place(index: i, state: UInt32(s), quotient: entry.quotient, from: segment)
            }
            pool.returnBlock(blockIndex)
        }
        segment += 1
    }
}

/// Fixed-size blocks of bucket entries, allocated in slabs and reused through a free list; all freed
/// together when the sieve goes away.
final class BlockPool {
    static let blockEntries = 1024
    static let blocksPerSlab = 64

    private var slabs: [UnsafeMutablePointer<BucketSieve.Entry>] = []
    private var freeBlocks: [Int32] = []
    private var blockCount: Int32 = 0

    @inline(__always)
    func block(_ index: Int32) -> UnsafeMutablePointer<BucketSieve.Entry> {
        slabs[Int(index) / Self.blocksPerSlab] + (Int(index) % Self.blocksPerSlab) * Self.blockEntries
    }

    func takeBlock() -> Int32 {
        if let index = freeBlocks.popLast() { return index }
        if Int(blockCount) == slabs.count * Self.blocksPerSlab {
            slabs.append(.allocate(capacity: Self.blocksPerSlab * Self.blockEntries))
        }
        blockCount += 1
        return blockCount - 1
    }

    func returnBlock(_ index: Int32) { freeBlocks.append(index) }

    deinit { for slab in slabs { slab.deallocate() } }
}
