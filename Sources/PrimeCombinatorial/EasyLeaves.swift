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
    /// The easy leaves are taken by segments of v, from y down, every b's leaves of a segment before the
    /// next: their look-ups of π(v) and S(v) then stay in a cache-sized window of the tables (the leaves of
    /// one b alone sweep all of them: 50 MB at 2^64).
    func easyLeaves(_ bs: Range<Int>) -> LeafTally {
        let upToY = tables.tally(atMost: y)
        var total = LeafTally.zero
        var pending: [EasyLeavesOfB] = []
        for b in bs {
            let p = tables.prime(b), x2 = x / p
            let trivialFrom = Swift.max(p, Swift.min(x2 / p, y))
            if trivialFrom < y {
                let below = tables.tally(atMost: trivialFrom)
                total &+= LeafTally(count: upToY.count - below.count,
                                    sum: UInt128(p) &* UInt128(upToY.sum - below.sum))
            }
            let easyFrom = Swift.max(p, x2 / (y + 1))
            if easyFrom < trivialFrom, let leaves = EasyLeavesOfB(b, x2: x2, qAbove: easyFrom, qAtMost: trivialFrom, in: self) {
                total &+= constantTerms(of: b, leaves.next...leaves.last)  // none taken yet
                pending.append(leaves)
            }
        }
        var high = y + 1
        while !pending.isEmpty {
            let low = high > Tuning.easySegment ? high - Tuning.easySegment : 0
            for k in pending.indices { total &+= takeLeaves(of: &pending[k], vAtLeast: low) }
            pending.removeAll { $0.next > $0.last }
            high = low
        }
        return total
    }

    /// The leaves of `leaves` with v ≥ `low` not taken yet: Σ π(v) and p·Σ q·S(v) (the terms that vary
    /// with v; ``constantTerms(of:_:)`` has the rest).
    ///
    /// While v = x/(p·q) is near q or above, each next q moves v past a prime or more (sparse leaves): one
    /// division and one look-up per leaf. Once q²/(x/p) passes `Tuning.clusteredFactor` (v a few times below
    /// q), runs of consecutive q share π(v) (clustered leaves): a run costs a division and three look-ups,
    /// however long.
    private func takeLeaves(of leaves: inout EasyLeavesOfB, vAtLeast low: UInt64) -> LeafTally {
        let x2 = leaves.x2
        // The q with v ≥ low: q ≤ x2 / low.
        let end = low == 0 ? leaves.last : Swift.min(leaves.last, tables.pi(Swift.min(x2 / low, y)))
        var piSum: UInt64 = 0, weighted: UInt128 = 0
        let sparseEnd = Swift.min(end, leaves.lastSparse)
        if leaves.next <= sparseEnd {
            (piSum, weighted) = tables.sumsOverQuotients(of: x2, primeIndices: leaves.next...sparseEnd)
            leaves.next = sparseEnd + 1
        }
        var i = leaves.next
        guard i <= end else { return LeafTally(count: piSum, sum: UInt128(leaves.p) &* weighted) }
        // Runs by descending l = π(v), from the first leaf's: the q with π(x2/q) = l are those up to x2/p_l
        // not taken by a larger l. Each l costs one division and one look-up that do not wait on the one
        // before (an l without q adds nothing).
        var l = tables.pi(x2.dividedByFast(tables.prime(i)))
        while i <= end {  // a run starting at v ≥ low, wherever it ends
            let j = Swift.min(leaves.last, tables.pi(Swift.min(x2.dividedByFast(tables.prime(l)), y)))
            if j >= i {
                piSum &+= UInt64(j - i + 1) &* UInt64(l)
                weighted &+= UInt128(tables.sums[j] &- tables.sums[i - 1]) &* UInt128(tables.sums[l])
                i = j + 1
            }
            l -= 1
        }
        leaves.next = i
        return LeafTally(count: piSum, sum: UInt128(leaves.p) &* weighted)
    }

    /// The parts of Σ over the easy leaves of b with q = p_i, i in `qIndices`, of (1 + π(v) − π(p_{b−1})) and of
    /// p·q·(1 + S(v) − S(p_{b−1})) that do not depend on v.
    private func constantTerms(of b: Int, _ qIndices: ClosedRange<Int>) -> LeafTally {
        let before = tables.tally(atMost: tables.prime(b - 1))
        let qSum = tables.sums[qIndices.upperBound] &- tables.sums[qIndices.lowerBound - 1]
        return LeafTally(count: UInt64(qIndices.count) &* (1 &- before.count),
                         sum: UInt128(tables.prime(b)) &* UInt128(qSum) &* (1 &- UInt128(before.sum)))
    }
}

/// The easy leaves of one b still to take: q = p_i for i in `next...last`, v = x2/q; those up to
/// `lastSparse` sparse, the rest clustered (v decreases as i grows).
struct EasyLeavesOfB {
    let p: UInt64
    let x2: UInt64
    let last: Int
    let lastSparse: Int
    var next: Int

    /// The leaves of b with q in (`qAbove`, `qAtMost`], or nil if there are none.
    init?(_ b: Int, x2: UInt64, qAbove: UInt64, qAtMost: UInt64, in context: Context) {
        let tables = context.tables
        next = tables.pi(qAbove) + 1
        last = tables.pi(qAtMost)
        guard next <= last else { return nil }
        p = tables.prime(b)
        self.x2 = x2
        lastSparse = Swift.min(last, tables.pi(Swift.min((Tuning.clusteredFactor * x2).squareRootFloor(), context.y)))
    }
}
