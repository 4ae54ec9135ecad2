/// How many primes a range holds, and their sum.
///
/// The sum is 128-bit: the sum of all primes below 2^64 is about 2^121, and the sum below 3·10^10 already
/// passes 2^64.
public struct PrimeTally: Hashable, Sendable {
    /// The number of primes.
    public var count: UInt64
    /// The sum of the primes.
    public var sum: UInt128

    public init(count: UInt64 = 0, sum: UInt128 = 0) {
        self.count = count
        self.sum = sum
    }

    public static let zero = PrimeTally()

    /// The tally of two disjoint ranges together.
    public static func + (a: PrimeTally, b: PrimeTally) -> PrimeTally {
        PrimeTally(count: a.count + b.count, sum: a.sum + b.sum)
    }

    public static func += (a: inout PrimeTally, b: PrimeTally) { a = a + b }

    /// The tally of this range without `part`, a range inside it.
    func minus(_ part: PrimeTally) -> PrimeTally {
        PrimeTally(count: count - part.count, sum: sum - part.sum)
    }
}
