#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

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
        let cuts = p2Cuts(from: lo, to: hi)
        let tallies = sieve.tallies(from: UInt128(lo), to: UInt128(hi), cutAt: cuts.points)
        var below = LeafTally.zero
        var result = P2Partial(lo: lo, partial: .zero, coefficient: .zero, total: .zero)
        for (k, signedPrime) in cuts.signedPrimes.enumerated() {
            below &+= LeafTally(count: tallies[k].count, sum: tallies[k].sum)
            let p = UInt128(signedPrime.magnitude)
            let weight = signedPrime > 0 ? LeafTally(count: 1, sum: p) : LeafTally(count: 1, sum: p).negated
            result.partial &+= below.weighted(by: weight)
            result.coefficient &+= weight
        }
        result.total = tallies.reduce(LeafTally.zero) { $0 &+ LeafTally(count: $1.count, sum: $1.sum) }
        return result
    }

    /// The cut points of `[lo, hi)` in ascending order, with their weights' primes: t = x/p + 1 for the p
    /// whose x/p + 1 lies in the piece (weight +1, +p: `+p`), t = p for the piece's own primes up to √x
    /// (weight −1, −p: `−p`). The two kinds come sorted (x/p falls as p grows), so they are merged, into
    /// arrays of 16 and 8 bytes a cut point (a piece may hold hundreds of thousands).
    private func p2Cuts(from lo: UInt64, to hi: UInt64) -> (points: [UInt128], signedPrimes: [Int64]) {
        let sqrtX = parameters.squareRoot
        var own: [UInt64] = [], quotientPrimes: [UInt64] = []
        let ownFrom = Swift.max(lo, y + 1), ownTo = Swift.min(hi, sqrtX + 1)
        if ownFrom < ownTo {
            own.reserveCapacity(Self.primesBound(from: ownFrom, to: ownTo))
            sieve.forEachPrime(from: ownFrom, to: ownTo) { own.append($0) }
        }
        let pFrom = Swift.max(y, x / (hi - 1)) + 1, pTo = Swift.min(sqrtX, x / (lo - 1)) + 1
        if pFrom < pTo {
            quotientPrimes.reserveCapacity(Self.primesBound(from: pFrom, to: pTo))
            sieve.forEachPrime(from: pFrom, to: pTo) { quotientPrimes.append($0) }
        }
        var points: [UInt128] = [], signedPrimes: [Int64] = []
        points.reserveCapacity(own.count + quotientPrimes.count)
        signedPrimes.reserveCapacity(own.count + quotientPrimes.count)
        var i = 0, j = quotientPrimes.count - 1
        while i < own.count || j >= 0 {
            let quotientCut = j >= 0 ? x / quotientPrimes[j] + 1 : UInt64.max
            if i < own.count && own[i] <= quotientCut {
                points.append(UInt128(own[i]))
                signedPrimes.append(-Int64(own[i]))
                i += 1
            } else {
                points.append(UInt128(quotientCut))
                signedPrimes.append(Int64(quotientPrimes[j]))
                j -= 1
            }
        }
        return (points, signedPrimes)
    }

    /// At least the number of primes in `[from, to)` (Rosser–Schoenfeld: π(n) < 1.26·n/ln n), for reserving.
    private static func primesBound(from: UInt64, to: UInt64) -> Int {
        let n = Double(to)
        return Int(1.26 * n / log(Swift.max(n, 3))) - (from > 17 ? Int(Double(from) / log(Double(from))) : 0) + 16
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
