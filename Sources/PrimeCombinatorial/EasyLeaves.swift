extension Context {
    /// The first b whose leaves are all prime and answered from the tables (p_b² > y), if below a.
    var firstEasyB: Int {
        var b = c + 1
        while b < a && hasCompositeLeaves(b) { b += 1 }
        return b
    }

    /// The trivial and easy special leaves of `bs` (all with p_b² > y, b < a): the leaves n = p_b·q, q prime
    /// in (p_b, y], whose v = x/n is at most y. Then Φ(v, b−1) is 1 when v < p_b (trivial) and
    /// 1 + π(v) − π(p_{b−1}) otherwise (v < p_b², easy), weighted by p_b·q for the sum.
    ///
    /// The q with the same π(x/(p_b·q)) form runs (clustered leaves): each run costs two table look-ups and
    /// one division, however long.
    func easyLeaves(_ bs: Range<Int>) -> LeafTally {
        let upToY = tables.tally(atMost: y)
        var total = LeafTally.zero
        for b in bs {
            let p = tables.prime(b), x2 = x / p
            let trivialFrom = Swift.max(p, Swift.min(x2 / p, y))
            if trivialFrom < y {
                let below = tables.tally(atMost: trivialFrom)
                total &+= LeafTally(count: upToY.count - below.count,
                                    sum: UInt128(p) &* UInt128(upToY.sum - below.sum))
            }
            let easyFrom = Swift.max(p, x2 / (y + 1))
            if easyFrom < trivialFrom {
                total &+= easyLeaves(of: b, x2: x2, qAbove: easyFrom, qAtMost: trivialFrom)
            }
        }
        return total
    }

    /// The easy leaves of b with q in (`qAbove`, `qAtMost`]: Σ over q of (1 + π(v) − π(p_{b−1})) and of
    /// p·q·(1 + S(v) − S(p_{b−1})), with v = x/(p·q).
    ///
    /// While v = x/(p·q) is near q or above, each next q moves v past a prime or more (sparse leaves): one
    /// division and one look-up per leaf. Once q²/(x/p) passes `Tuning.clusteredFactor` (v a few times below
    /// q), runs of consecutive q share π(v) (clustered leaves): a run costs two divisions and three look-ups,
    /// however long.
    private func easyLeaves(of b: Int, x2: UInt64, qAbove: UInt64, qAtMost: UInt64) -> LeafTally {
        let p = tables.prime(b)
        let before = tables.tally(atMost: tables.prime(b - 1))
        let first = tables.pi(qAbove) + 1, last = tables.pi(qAtMost)
        guard first <= last else { return .zero }
        let lastSparse = Swift.min(last, tables.pi(Swift.min((Tuning.clusteredFactor * x2).squareRootFloor(), y)))
        // Σ over the leaves of π(v) and of q·S(v); the constant parts are added at the end.
        var piSum: UInt64 = 0, weighted: UInt128 = 0
        if first <= lastSparse {
            (piSum, weighted) = tables.sumsOverQuotients(of: x2, primeIndices: first...lastSparse)
        }
        var i = Swift.max(first, lastSparse + 1)
        while i <= last {
            let q = tables.prime(i)
            let atV = tables.tally(atMost: x2.dividedByFast(q))
            // The q sharing π(v) = l: those with x/(p·q) ≥ p_l, i.e. q ≤ x2 / p_l.
            let j = Swift.min(last, tables.pi(Swift.min(x2.dividedByFast(tables.prime(Int(atV.count))), y)))
            let qSum = tables.sums[j] &- tables.sums[i - 1]
            piSum &+= UInt64(j - i + 1) &* atV.count
            weighted &+= UInt128(qSum) &* UInt128(atV.sum)
            i = j + 1
        }
        let qSum = tables.sums[last] &- tables.sums[first - 1]
        return LeafTally(count: piSum &+ UInt64(last - first + 1) &* (1 &- before.count),
                         sum: UInt128(p) &* (weighted &+ UInt128(qSum) &* (1 &- UInt128(before.sum))))
    }
}
