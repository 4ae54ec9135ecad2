/// The bucket sieve (Tomás Oliveira e Silva) for big sieving primes: those above two segments' bytes, which
/// have at most ~2 multiples per segment and, near 2^64, far fewer multiples than there are segments.
///
/// Why it is fast: near 2^64 the sieving primes go up to 2^32, and most of them have no multiple at all in
/// a given segment. Visiting each prime every segment would cost 200 million visits per segment. Instead
/// each big prime waits in the bucket of the segment that holds its next multiple; a segment processes only
/// its own bucket, crosses off one multiple per entry and drops the prime into the bucket of its next
/// multiple's segment — this segment's own bucket again if the multiple is still in it, which is then
/// emptied once more. Work is proportional to the multiples crossed off, and the loop has no inner loop
/// whose length depends on the prime: no branch to mispredict per entry (primesieve's EratBig does the same).
///
/// Big primes step along the mod-210 wheel (see ``Wheel210``): 1/7 fewer multiples to visit and, near 2^64,
/// 1/7 fewer entries than the mod-30 wheel would need.
///
/// Why it is small: a bucket is a list of 8 KiB blocks of 8-byte entries taken from a shared ``BlockPool``
/// and returned as soon as they are emptied, so memory is the entries alive plus one partial block per bucket.
struct BucketSieve {
    /// 8 KiB blocks: near 2^64 a segment's bucket holds thousands of entries (trade-off in `Tuning`).
    typealias Pool = BlockPool<8192>

    /// A big prime waiting for its segment, in one 64-bit word so that it moves with one load and one store:
    /// bits 0–22 the byte of its next multiple within that segment, bits 23–31 its ``Wheel210`` state,
    /// bits 32–63 `p / 30`.
    typealias Entry = UInt64

    private let segmentShift: Int
    private let segmentMask: Int
    /// `cursors[k]`: where the next entry of the bucket of the segment `k` segments ahead of the current one
    /// goes, in the newest of its blocks (see ``BlockPool``). Shifted down by one after each segment, so
    /// that finding a bucket takes a shift of the entry's index and nothing else.
    private var cursors: [UnsafeMutablePointer<Entry>]
    private let pool = Pool()
    private let wheel = Wheel210.Tables.shared
    /// The number of segments left in the range, the current one included: multiples past them are dropped.
    private var segmentsLeft: Int

    /// The entry's state sits above the 23 bits of the byte index: segments are at most 2^23 bytes.
    static let stateShift: UInt64 = 23
    static let largestSegmentBytes = 1 << Int(stateShift)

    /// Prepares buckets for `segmentCount` segments of `segmentBytes` bytes (a power of two, at most
    /// ``largestSegmentBytes``) and primes up to `largestPrime`. Bitmaps handed to ``crossOff(_:)``
    /// must have room for `segmentBytes` bytes, even for a last segment shorter than that.
    init(segmentBytes: Int, segmentCount: Int, largestPrime: UInt64) {
        precondition(segmentBytes.nonzeroBitCount == 1 && segmentBytes <= Self.largestSegmentBytes)
        segmentShift = segmentBytes.trailingZeroBitCount
        segmentMask = segmentBytes - 1
        segmentsLeft = segmentCount
        // A prime's next multiple lies less than q·10 + 10 bytes past its current one, which is in the current
        // segment (the widest gap of the mod-210 wheel is 10), and no bucket is needed past the range's last
        // segment.
        let reach = Int(largestPrime / 30 * 10 + 10) >> segmentShift
        cursors = Array(repeating: Pool.noBlock, count: Swift.max(1, Swift.min(reach + 2, segmentCount)))
    }

    /// Adds the big primes `first` and then `source`'s next ones while their squares are below `endValue`,
    /// each placed at its first multiple from the current segment (whose first byte is `segmentStart`) on.
    /// Returns the first prime not added, nil when the source ran out.
    ///
    /// One loop for them all: near 2^64 the sieve adds 203 million primes before its first segment.
    mutating func add<Source: SievingPrimeSource>(startingWith first: UInt64, from source: inout Source,
                                                  whileSquareBelow endValue: UInt128, segmentStart: UInt64) -> UInt64? {
        let segmentShift = segmentShift, segmentMask = segmentMask, segmentsLeft = segmentsLeft
        let pool = pool, wheel = wheel
        return cursors.withUnsafeMutableBufferPointer { cursors in
            var next: UInt64? = first
            while let p = next, UInt128(p * p) < endValue {
                let (offset, state) = wheel.firstMultiple(of: p, from: segmentStart)
                Self.place(index: Int(truncatingIfNeeded: offset), state: UInt64(truncatingIfNeeded: state),
                           quotient: p / 30, into: cursors.baseAddress!, segmentShift: segmentShift,
                           segmentMask: segmentMask, segmentsLeft: segmentsLeft, pool: pool)
                next = source.next()
            }
            return next
        }
    }

    @inline(__always)
    private static func place(index: Int, state: UInt64, quotient: UInt64,
                              into cursors: UnsafeMutablePointer<UnsafeMutablePointer<Entry>>,
                              segmentShift: Int, segmentMask: Int, segmentsLeft: Int, pool: Pool) {
        let segmentsAhead = index &>> segmentShift
        guard segmentsAhead < segmentsLeft else { return }  // past the range: never needed again
        pool.append(UInt64(truncatingIfNeeded: index & segmentMask) | state &<< stateShift | quotient &<< 32,
                    to: &cursors[segmentsAhead])
    }

    /// Crosses off the current segment's big-prime multiples in `bitmap`, which has room for a whole segment
    /// (multiples past a last, short segment's end land in the spare room), moves each prime on, and advances
    /// to the next segment.
    mutating func crossOff(_ bitmap: UnsafeMutablePointer<UInt8>) {
        cursors.withUnsafeMutableBufferPointer { cursors in
            Self.crossOff(bitmap, cursors: cursors.baseAddress!, states: wheel.crossingStates,
                          segmentShift: segmentShift, segmentMask: segmentMask, segmentsLeft: segmentsLeft, pool: pool)
            // The next segment's bucket comes first.
            let count = cursors.count
            if count > 1 { (cursors.baseAddress! + 0).update(from: cursors.baseAddress! + 1, count: count - 1) }
            cursors[count - 1] = Pool.noBlock
        }
        segmentsLeft -= 1
    }

    /// The loop of ``crossOff(_:)``, on its own so that its few values stay in registers.
    @inline(never)
    private static func crossOff(_ bitmap: UnsafeMutablePointer<UInt8>,
                                 cursors: UnsafeMutablePointer<UnsafeMutablePointer<Entry>>,
                                 states: UnsafePointer<Wheel210.CrossingState>, segmentShift: Int, segmentMask: Int,
                                 segmentsLeft: Int, pool: Pool) {
        let indexMask = (UInt64(1) << stateShift) - 1
        // Each entry crosses off one multiple and moves on; one that has another multiple in this segment
        // lands in this segment's bucket again, which is emptied until nothing is left in it. (A multiple
        // past a short last segment's end falls in the bitmap's spare room, and its prime leaves the range.)
        while cursors[0] != Pool.noBlock {
            var end = cursors[0]
            cursors[0] = Pool.noBlock
            while let block = Pool.block(endingAt: end) {
                var entry = block.first
                while entry < end {
                    let word = entry.pointee
                    entry += 1
                    let i = Int(truncatingIfNeeded: word & indexMask)
                    let wheel = states[Int(truncatingIfNeeded: word &>> stateShift) & 511]
                    bitmap[i] &= wheel.clearMask
                    let next = i &+ Int(truncatingIfNeeded: word &>> 32) &* Int(wheel.gap) &+ Int(wheel.carry)
                    let segmentsAhead = next &>> segmentShift
                    guard segmentsAhead < segmentsLeft else { continue }  // past the range
                    // The entry moved on in place: new index, next state, the same quotient.
                    let moved = word &- UInt64(truncatingIfNeeded: i) &+ UInt64(truncatingIfNeeded: next & segmentMask)
                        &+ UInt64(truncatingIfNeeded: Int64(wheel.stateStep))
                    pool.append(moved, to: &cursors[segmentsAhead])
                }
                end = block.previousEnd
                pool.returnBlock(block.first)
            }
        }
    }
}
