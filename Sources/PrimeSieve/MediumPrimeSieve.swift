/// The medium sieving primes: those with a few to a few dozen multiples per segment, crossed off over the
/// whole segment and kept sorted by wheel state between segments.
///
/// Why it is fast: each prime's crossing-off starts with a jump on its wheel state (one of 64 loops, see
/// ``CrossingPrime/crossOffUnrolled(_:until:)``). Primes with few multiples per segment do little else, and in
/// arbitrary order that jump is mispredicted almost every time. Visiting the primes in order of their
/// state makes it the same jump, predicted, for hundreds of primes in a row (primesieve's EratMedium
/// sorts its primes the same way). Re-sorting costs a counting sort per segment — a sequential read and
/// 64 sequential write streams — far less than the mispredictions it avoids.
struct MediumPrimeSieve {
    /// The primes in order of wheel state (new ones, until the next segment sorts them, at the end).
    private var primes: [CrossingPrime] = []
    /// Where the next segment's order is written; then the two swap.
    private var sorted: [CrossingPrime] = []

    var isEmpty: Bool { primes.isEmpty }

    /// Adds a prime, placed at its next multiple.
    mutating func add(_ prime: CrossingPrime) { primes.append(prime) }

    /// Crosses off the medium primes' multiples in `bitmap[0..<length]` and moves each on to the next segment.
    mutating func crossOff(_ bitmap: UnsafeMutablePointer<UInt8>, length: Int) {
        if sorted.count < primes.count { sorted.append(contentsOf: primes[sorted.count...]) }
        withUnsafeTemporaryAllocation(of: Int.self, capacity: 64) { starts in
            starts.initialize(repeating: 0)
            primes.withUnsafeMutableBufferPointer { primes in
                for j in primes.indices {
                    primes[j].crossOffUnrolled(bitmap, until: length)
                    primes[j].multipleIndex &-= UInt32(truncatingIfNeeded: length)
                    starts[Int(primes[j].state & 63)] &+= 1
                }
                // Counting sort by the new state: exclusive prefix sums, then a stable scatter.
                var total = 0
                for state in 0..<64 { (starts[state], total) = (total, total &+ starts[state]) }
                sorted.withUnsafeMutableBufferPointer { sorted in
                    let destination = sorted.baseAddress!
                    for prime in primes {
                        let state = Int(prime.state & 63)
                        destination[starts[state]] = prime
                        starts[state] &+= 1
                    }
                }
            }
        }
        swap(&primes, &sorted)
    }
}
