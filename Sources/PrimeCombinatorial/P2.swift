/// What one piece `[lo, hi)` of P2's range `[y + 1, z + 2)` found, counting primes from `lo` on.
///
/// P2 = Σ_{y < p ≤ √x} (π(x/p) − π(p − 1)), and for the sum Σ p·(S(x/p) − S(p − 1)): a weighted tally of the
/// primes below cut points `t = x/p + 1` (weight +1, +p) and `t = p` (weight −1, −p), all in P2's range. The
/// piece tallies its own cut points from `lo`; in order, the true value is
/// `partial + coefficient·T`, T being the tally of the primes below `lo` (π(y), S(y) plus the earlier pieces'
/// `total`s): the same linear carry as the hard leaves', with one number.
public struct P2Partial: Sendable, Hashable {
    public internal(set) var lo: UInt64
    var partial: LeafTally
    var coefficient: LeafTally
    var total: LeafTally
}

extension Context {
    /// P2's range: every cut point `t` lies in `[y + 1, z + 2)`.
    var p2Range: Range<UInt64> { (y + 1)..<(parameters.z + 2) }

    /// Whether P2 has any prime p in (y, √x].
    var hasP2: Bool { y < parameters.squareRoot }

    /// The piece `[lo, hi)` of P2's range, in one pass of the sieve over it, keeping the tally of the primes
    /// passed. Up to √x every prime q is a cut point itself: a pass over the primes one by one. Above √x the
    /// cut points x/p + 1 are sparser (one every few hundred integers, more near 2^64): the tallies of the
    /// bitmap between them, a word or the vector kernel at a time, cost less than visiting every prime.
    func p2(from lo: UInt64, to hi: UInt64) -> P2Partial {
        var result = P2Partial(lo: lo, partial: .zero, coefficient: .zero, total: .zero)
        let split = Swift.min(Swift.max(lo, parameters.squareRoot + 1), hi)  // every x/p + 1 is at least this
        sieve.forEachBlockOfPrimes(from: lo, to: split) { primes in
            var (partial, below) = (result.partial, result.total)  // in registers through the block
            for q in primes {  // weight −1, −q on the primes below q
                partial &-= LeafTally(count: below.count, sum: below.sum &* UInt128(q))
                below &+= LeafTally(count: 1, sum: UInt128(q))
            }
            result.coefficient &-= below &- result.total
            (result.partial, result.total) = (partial, below)
        }
        guard split < hi else { return result }
        let quotientPrimes = p2QuotientPrimes(from: split, to: hi), belowSplit = result.total
        var j = quotientPrimes.count  // the cut x/p + 1 of quotientPrimes[j]: the largest p first
        let aboveSplit = sieve.runningTallies(from: UInt128(split), to: UInt128(hi), nextCut: {
            j -= 1
            return j >= 0 ? UInt128(x / UInt64(quotientPrimes[j]) + 1) : nil
        }, atCut: { tally in  // weight +1, +p on the primes below x/p + 1
            let p = UInt128(quotientPrimes[j]), below = belowSplit &+ LeafTally(count: tally.count, sum: tally.sum)
            result.partial &+= LeafTally(count: below.count, sum: below.sum &* p)
            result.coefficient &+= LeafTally(count: 1, sum: p)
        })
        result.total &+= LeafTally(count: aboveSplit.count, sum: aboveSplit.sum)
        return result
    }

    /// The primes p in (y, √x] whose cut point x/p + 1 lies in `[lo, hi)`, in increasing order (their cut
    /// points decrease).
    private func p2QuotientPrimes(from lo: UInt64, to hi: UInt64) -> [UInt32] {
        let pFrom = Swift.max(y, x / (hi - 1)) + 1, pTo = Swift.min(parameters.squareRoot, x / (lo - 1)) + 1
        return pFrom < pTo ? sieve.primes(from: pFrom, to: pTo) : []
    }
}

extension P2Partial {
    /// P2 from all the pieces of its range, in any order; `belowRange` is the tally of the primes up to y.
    static func combine(_ pieces: [P2Partial], belowRange: LeafTally) -> LeafTally {
        var before = belowRange, total = LeafTally.zero
        for piece in pieces.sorted(by: { $0.lo < $1.lo }) {
            total &+= piece.partial &+ before.weighted(by: piece.coefficient)
            before &+= piece.total
        }
        return total
    }
}
