extension Context {
    /// S1: the ordinary leaves, Σ μ(n)·Φ(x/n, c) over the squarefree n ≤ y with no prime factor among the
    /// first c (weighted by n for the sum). One closed-form ``PhiTiny`` look-up per leaf, O(y) leaves.
    func ordinaryLeaves() -> LeafTally {
        var total = PhiTiny.phi(x, c)
        addOrdinaryLeaves(multiplesOf: 1, negative: false, from: c + 1, into: &total)
        return total
    }

    /// The leaves n·p_b·… for b ≥ `first`, by depth-first search (depth ≤ 6: 17·19·23·29·31·37 > 2^31).
    private func addOrdinaryLeaves(multiplesOf n: UInt64, negative: Bool, from first: Int,
                                   into total: inout LeafTally) {
        var b = first
        while b <= a {
            let m = n * tables.prime(b)
            if m > y { return }
            let phi = PhiTiny.phi(x / m, c)
            let leaf = LeafTally(count: phi.count, sum: phi.sum &* UInt128(m))
            if negative { total &+= leaf } else { total &-= leaf }
            addOrdinaryLeaves(multiplesOf: m, negative: !negative, from: b + 1, into: &total)
            b += 1
        }
    }
}
