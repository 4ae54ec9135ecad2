/// What one piece `[lo, hi)` of the hard leaves' sieve found, computed as if nothing stood below `lo`.
///
/// A leaf of b with v in the piece needs Φ(v, b−1) = F[b] + (what stands in `[lo, v]` after p₁…p_{b−1}),
/// where F[b], what stands below `lo`, depends on every earlier piece. The piece returns its sum with F = 0,
/// and per b the total weight of its leaves and what stands in it: in order, the true contribution is
/// `partial + Σ_b weights[b]·F[b]`, F being the running total of the earlier pieces' `standing`
/// (the linear carry: pieces computed in any order, on any rank, combine exactly).
public struct HardLeavesPartial: Sendable, Hashable {
    public internal(set) var lo: UInt64
    var partial: LeafTally
    /// Per b − c − 1: the sum of the weights of the piece's leaves of b.
    var weights: [LeafTally]
    /// Per b − c − 1: the count and sum of the integers of the piece with no prime factor up to p_{b−1}.
    var standing: [LeafTally]
}

extension Context {
    /// The hard special leaves whose v = x/n lies in `[lo, hi)` (both even, inside `[0, hardLeavesEnd]`).
    func hardLeaves(from lo: UInt64, to hi: UInt64) -> HardLeavesPartial {
        let lastB = lastHardB(from: lo)
        let first = c + 1
        var result = HardLeavesPartial(lo: lo, partial: .zero,
                                       weights: .init(repeating: .zero, count: Swift.max(0, lastB - c)),
                                       standing: .init(repeating: .zero, count: Swift.max(0, lastB - c)))
        guard lastB >= first else { return result }
        let sieve = HardLeafSieve(capacity: Tuning.segmentBits)
        sieve.start(low: lo, bits: 0, smallPrimes: [])
        var next = (first...lastB).map { sieve.firstOddMultiple(of: tables.prime($0)) }
        var low = lo
        while low < hi {
            let bits = Int(Swift.min(UInt64(Tuning.segmentBits), (hi - low) / 2))
            sieve.start(low: low, bits: bits, smallPrimes: smallPrimes[...])
            for b in first...lastHardB(from: low) {
                let k = b - first
                sieve.rewind()
                addLeaves(of: b, in: sieve, carry: result.standing[k], into: &result.partial,
                          weights: &result.weights[k])
                result.standing[k] &+= sieve.standingTally
                next[k] = sieve.crossOff(tables.prime(b), from: next[k])
            }
            low += 2 * UInt64(bits)
        }
        return result
    }

    /// Adds the leaves of b with v in the sieve's segment, in increasing v: their weights, and each weight
    /// times Φ(v, b−1) − F[b] (`carry` being what stood before in this piece).
    private func addLeaves(of b: Int, in sieve: HardLeafSieve, carry: LeafTally,
                           into partial: inout LeafTally, weights: inout LeafTally) {
        let p = tables.prime(b), x2 = x / p
        let low = sieve.low, high = sieve.low + 2 * UInt64(sieve.bitCount)
        let mAtMost = Swift.min(y, low == 0 ? y : x2 / low)
        if hasCompositeLeaves(b) {
            let mAbove = Swift.max(y / p, x2 / high)
            guard mAbove < mAtMost else { return }
            factors.forEachDescending(atMost: mAtMost, above: mAbove, lpfAboveIndex: b) { m, negative in
                // μ(p·m) = −μ(m): weight +1 (count) and +p·m (sum) when μ(m) = −1.
                var weight = LeafTally(count: 1, sum: UInt128(p * m))
                if !negative { weight = weight.negated }
                weights &+= weight
                partial &+= (carry &+ sieve.standing(upTo: x2.dividedByFast(m))).weighted(by: weight)
            }
        } else {
            // Prime m = q only; hard while x/(p·q) > y.
            let qAbove = Swift.max(p, x2 / high)
            let qAtMost = Swift.min(mAtMost, x2 / (y + 1))
            guard qAbove < qAtMost else { return }
            var i = tables.pi(qAtMost)
            let stop = tables.pi(qAbove)
            while i > stop {
                let q = tables.prime(i)
                let weight = LeafTally(count: 1, sum: UInt128(p * q))
                weights &+= weight
                partial &+= (carry &+ sieve.standing(upTo: x2.dividedByFast(q))).weighted(by: weight)
                i -= 1
            }
        }
    }

    /// The end of the hard leaves' sieve: every v = x/n of a hard leaf is at most z (n > y), so `[0, z]`
    /// rounded up to an even end.
    var hardLeavesEnd: UInt64 { (parameters.z + 2) & ~1 }
}

extension HardLeavesPartial {
    /// The exact sum of the hard leaves from all the pieces of `[0, hardLeavesEnd)`, in any order: the
    /// pieces merged in order of position, as one run.
    static func combine(_ pieces: [HardLeavesPartial]) -> LeafTally {
        let ordered = pieces.sorted { $0.lo < $1.lo }
        guard var run = ordered.first else { return .zero }
        for piece in ordered.dropFirst() { piece.append(to: &run) }
        return run.partial
    }

    /// One partial standing for two adjacent pieces, `lower` ending where `upper` starts (see
    /// ``append(to:)``). A process then keeps one partial per run of finished pieces instead of one per
    /// piece (each holds two vectors of π(x^(1/3)) tallies near the bottom of [0, z]: megabytes at 2^64).
    static func merged(_ lower: HardLeavesPartial, _ upper: HardLeavesPartial) -> HardLeavesPartial {
        var result = lower
        upper.append(to: &result)
        return result
    }

    /// Extends `run`, the partial of the pieces just below this one, by this piece: its leaves see the
    /// run's standing integers through the linear carry (the run's standing times this piece's weights),
    /// and the weights and standing add.
    func append(to run: inout HardLeavesPartial) {
        if run.weights.count < weights.count {
            run.weights += Array(repeating: .zero, count: weights.count - run.weights.count)
            run.standing += Array(repeating: .zero, count: weights.count - run.standing.count)
        }
        run.partial &+= partial
        for k in weights.indices {
            run.partial &+= run.standing[k].weighted(by: weights[k])
            run.weights[k] &+= weights[k]
            run.standing[k] &+= standing[k]
        }
    }
}
