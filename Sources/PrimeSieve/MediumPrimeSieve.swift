/// The medium sieving primes: those with a few to a few dozen multiples per segment, crossed off over the
/// whole segment, kept in 64 lists by wheel state.
///
/// Why it is fast: each prime's crossing-off starts with a jump on its wheel state (one of 64 entry
/// points, see ``CrossingPrime/crossOffUnrolled(_:until:)``). Primes with few multiples per segment do
/// little else, and in arbitrary order that jump is mispredicted almost every time. Visiting the primes
/// list by list makes it the same jump, predicted, for hundreds of primes in a row. Each prime, once
/// crossed off, is appended to the list of its new state for the next segment: a sequential store per
/// prime, where sorting the primes in place between segments (a chain of dependent, cache-missing swaps)
/// cost a fifth of this sieve's time (primesieve's EratMedium keeps its primes in per-state buckets the
/// same way).
///
/// The lists of each prime class (`p % 30`) are walked by a function of their own
/// (``crossOffEachClass(_:_:_:_:_:)``), as primesieve's EratMedium has one function per class: each inlines
/// ``CrossingPrime/crossOffUnrolled(_:until:)``, and since its states are known to be its class's 8, the
/// compiler keeps only that class's loop and steps. One function inlining all 64 states' loops kept too many
/// values alive at once: the compiler spilled the bitmap, the limit and the loops' offsets to the stack and
/// merged each whole-turn loop with its tail, testing the limit before every write. Split by class, the loop
/// is 8 writes, an add and one test per turn.
///
/// Why it is small: an entry is 8 bytes (its state is its list's), in 256-byte blocks of a ``BlockPool``
/// returned as they are emptied — the entries alive plus two partial blocks per state.
struct MediumPrimeSieve {
    /// 256-byte blocks (31 entries): the trade-off is in `Tuning`, beside `blockPoolBlocksPerSlab`.
    typealias Pool = BlockPool<256>

    /// `lists[state]`: the cursor of the list of primes whose next multiple has that wheel state; an entry is
    /// the multiple's byte (relative to the next segment) in its low 32 bits and `p / 30` in its high ones.
    private var lists = [UnsafeMutablePointer<Pool.Entry>](repeating: Pool.noBlock, count: 64)
    private let pool = Pool()

    /// Adds a prime, placed at its next multiple.
    mutating func add(_ prime: CrossingPrime) { Self.append(prime, to: &lists, pool: pool) }

    @inline(__always)
    private static func append(_ prime: CrossingPrime, to lists: UnsafeMutablePointer<UnsafeMutablePointer<Pool.Entry>>,
                               pool: Pool) {
        pool.append(UInt64(prime.multipleIndex) | UInt64(prime.quotient) &<< 32, to: &lists[Int(prime.state & 63)])
    }

    /// Crosses off the medium primes' multiples in `bitmap[0..<length]` and moves each on to the next segment.
    mutating func crossOff(_ bitmap: UnsafeMutablePointer<UInt8>, length: Int) {
        let pool = pool
        withUnsafeTemporaryAllocation(of: UnsafeMutablePointer<Pool.Entry>.self, capacity: 64) { next in
            let next = next.baseAddress!
            next.initialize(repeating: Pool.noBlock, count: 64)
            lists.withUnsafeMutableBufferPointer { lists in
                let lists = lists.baseAddress!
                Self.crossOffEachClass(lists, next, bitmap, length, pool)
                lists.update(from: next, count: 64)
            }
        }
    }

    /// The body of each prime class's function (see ``crossOffEachClass(_:_:_:_:_:)``): walks the lists of
    /// states `firstState ..< firstState + 8`, crosses off each prime and appends it to the list of its new
    /// state in `next`.
    @inline(__always)
    static func crossOff(lists: UnsafeMutablePointer<UnsafeMutablePointer<Pool.Entry>>,
                         next: UnsafeMutablePointer<UnsafeMutablePointer<Pool.Entry>>, firstState: Int,
                         bitmap: UnsafeMutablePointer<UInt8>, length: Int, pool: Pool) {
        for state in firstState..<firstState + 8 {
            var end = lists[state]
            while let block = Pool.block(endingAt: end) {
                var entry = block.first
                while entry < end {
                    let word = entry.pointee
                    entry += 1
                    var prime = CrossingPrime(multipleIndex: UInt32(truncatingIfNeeded: word),
                                              quotient: UInt32(truncatingIfNeeded: word &>> 32),
                                              state: UInt8(truncatingIfNeeded: state))
                    prime.crossOffUnrolled(bitmap, until: length)
                    prime.multipleIndex &-= UInt32(truncatingIfNeeded: length)
                    append(prime, to: next, pool: pool)
                }
                end = block.previousEnd
                pool.returnBlock(block.first)
            }
        }
    }
}
