import PrimeSieve

/// A count and a sum in wrapping arithmetic: the combinatorial method's running totals.
///
/// Signed partial sums cancel heavily and intermediates exceed 2^128, but the algorithm only adds,
/// subtracts and multiplies them, so arithmetic modulo 2^64 (counts) and 2^128 (sums) ends exact whenever
/// the true answer fits: for every x below 2^64 (π(x) < 2^59, S(x) < 2^122). Never compare or divide one.
struct LeafTally: Sendable, Hashable {
    var count: UInt64
    var sum: UInt128

    init(count: UInt64 = 0, sum: UInt128 = 0) {
        self.count = count
        self.sum = sum
    }

    static let zero = LeafTally()

    static func &+ (a: LeafTally, b: LeafTally) -> LeafTally {
        LeafTally(count: a.count &+ b.count, sum: a.sum &+ b.sum)
    }

    static func &- (a: LeafTally, b: LeafTally) -> LeafTally {
        LeafTally(count: a.count &- b.count, sum: a.sum &- b.sum)
    }

    static func &+= (a: inout LeafTally, b: LeafTally) { a = a &+ b }
    static func &-= (a: inout LeafTally, b: LeafTally) { a = a &- b }

    /// Each field multiplied by the matching field of `weight`: a leaf's weight (its μ for the count,
    /// μ·n for the sum) applied to its φ value.
    func weighted(by weight: LeafTally) -> LeafTally {
        LeafTally(count: count &* weight.count, sum: sum &* weight.sum)
    }

    /// The negation modulo 2^64 and 2^128.
    var negated: LeafTally { LeafTally.zero &- self }

    var primeTally: PrimeTally { PrimeTally(count: count, sum: sum) }
}

extension UInt128 {
    /// `n (n + 1) / 2` modulo 2^128, halving the even factor first so that no bit is lost.
    static func triangular(_ n: UInt128) -> UInt128 {
        n & 1 == 0 ? (n / 2) &* (n &+ 1) : n &* ((n &+ 1) / 2)
    }
}
