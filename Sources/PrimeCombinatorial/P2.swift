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

    func p2(from lo: UInt64, to hi: UInt64) -> P2Partial {
        var cuts: [(t: UInt64, weight: LeafTally)] = []
        let sqrtX = parameters.squareRoot
        // t = p for the primes p of the piece; t = x/p + 1 for the p with x/p + 1 in [lo, hi).
        let ownFrom = Swift.max(lo, y + 1), ownTo = Swift.min(hi, sqrtX + 1)
        if ownFrom < ownTo {
            sieve.forEachPrime(from: ownFrom, to: ownTo) { p in
                cuts.append((p, LeafTally(count: 1, sum: UInt128(p)).negated))
            }
        }
        let pFrom = Swift.max(y, x / (hi - 1)) + 1, pTo = Swift.min(sqrtX, x / (lo - 1)) + 1
        if pFrom < pTo {
            sieve.forEachPrime(from: pFrom, to: pTo) { p in
                cuts.append((x / p + 1, LeafTally(count: 1, sum: UInt128(p))))
            }
        }
        cuts.sort { $0.t < $1.t }
        let tallies = sieve.tallies(from: UInt128(lo), to: UInt128(hi), cutAt: cuts.map { UInt128($0.t) })
        var below = LeafTally.zero
        var result = P2Partial(lo: lo, partial: .zero, coefficient: .zero, total: .zero)
        for (k, cut) in cuts.enumerated() {
            below &+= LeafTally(count: tallies[k].count, sum: tallies[k].sum)
            result.partial &+= below.weighted(by: cut.weight)
            result.coefficient &+= cut.weight
        }
        result.total = tallies.reduce(LeafTally.zero) { $0 &+ LeafTally(count: $1.count, sum: $1.sum) }
        return result
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
