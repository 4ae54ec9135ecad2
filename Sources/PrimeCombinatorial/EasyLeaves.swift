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

    /// The easy leaves of b with q in (`qAbove`, `qAtMost`], run by run.
    private func easyLeaves(of b: Int, x2: UInt64, qAbove: UInt64, qAtMost: UInt64) -> LeafTally {
        let p = tables.prime(b)
        let sumBefore = tables.tally(atMost: tables.prime(b - 1)).sum
        var count: UInt64 = 0, weightedSum: UInt128 = 0
        var i = tables.pi(qAbove) + 1
        let last = tables.pi(qAtMost)
        while i <= last {
            let q = tables.prime(i)
            let atV = tables.tally(atMost: x2 / q)
            let l = Int(atV.count)
            let j = Swift.min(last, tables.pi(Swift.min(x2 / tables.prime(l), y)))
            let qSum = tables.tally(atMost: tables.prime(j)).sum - tables.tally(atMost: q - 1).sum
            count &+= UInt64(j - i + 1) &* (1 &+ atV.count &- UInt64(b - 1))
            weightedSum &+= UInt128(qSum) &* UInt128(1 + atV.sum - sumBefore)
            i = j + 1
        }
        return LeafTally(count: count, sum: UInt128(p) &* weightedSum)
    }
}
