/// The medium sieving primes: those with a few to a few dozen multiples per segment, crossed off over the
/// whole segment and kept sorted by wheel state between segments.
///
/// Why it is fast: each prime's crossing-off starts with a jump on its wheel state (one of 64 loops, see
/// ``CrossingPrime/crossOffUnrolled(_:until:)``). Primes with few multiples per segment do little else, and in
/// arbitrary order that jump is mispredicted almost every time. Visiting the primes in order of their
/// state makes it the same jump, predicted, for hundreds of primes in a row (primesieve's EratMedium
/// sorts its primes the same way). Re-sorting costs a counting pass and an in-place permutation per segment
/// (each swap puts one prime in its final place), far less than the mispredictions it avoids, and no memory.
struct MediumPrimeSieve {
    /// The primes in order of wheel state (new ones, until the next segment sorts them, at the end).
    private var primes: [CrossingPrime] = []

    /// Adds a prime, placed at its next multiple.
    mutating func add(_ prime: CrossingPrime) { primes.append(prime) }

    /// Crosses off the medium primes' multiples in `bitmap[0..<length]` and moves each on to the next segment.
    mutating func crossOff(_ bitmap: UnsafeMutablePointer<UInt8>, length: Int) {
        withUnsafeTemporaryAllocation(of: Int.self, capacity: 2 * 64) { bounds in
            let next = bounds.baseAddress!, end = bounds.baseAddress! + 64
            bounds.initialize(repeating: 0)
            primes.withUnsafeMutableBufferPointer { buffer in
                let primes = buffer.baseAddress!
                for j in 0..<buffer.count {
                    primes[j].crossOffUnrolled(bitmap, until: length)
                    primes[j].multipleIndex &-= UInt32(truncatingIfNeeded: length)
                    next[Int(primes[j].state & 63)] &+= 1
                }
                // Each state's region: [next, end) once the counts become exclusive prefix sums.
                var total = 0
                for state in 0..<64 {
                    (next[state], total) = (total, total &+ next[state])
                    end[state] = total
                }
                // In place (American flag sort): swap each misplaced prime into the next free slot of its state.
                for state in 0..<64 {
                    while next[state] < end[state] {
                        let target = Int(primes[next[state]].state & 63)
                        if target == state {
                            next[state] &+= 1
                        } else {
                            swap(&primes[next[state]], &primes[next[target]])
                            next[target] &+= 1
                        }
                    }
                }
            }
        }
    }
}
