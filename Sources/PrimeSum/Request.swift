/// What the user asked for, checked: one or more answers, each the primes in some `[lo, hi)`.
public enum Request: Sendable, Equatable {
    /// The sum of the primes below `n`.
    case below(UInt128)
    /// The sum of the primes in `[lo, hi)`.
    case range(UInt128, UInt128)
    /// The sum of the primes below each bound of `from..<to` by `step` (Python `range` semantics).
    case batch(from: UInt128, to: UInt128, step: UInt128)

    /// The most bounds one batch may hold: each answer costs rank 0 memory and output.
    public static let maximumBatchCount: UInt128 = 1_000_000

    /// Checks a request made of the tool's words: one number (`N`), two (`A B`), or a batch `FROM:TO:STEP`.
    public init(numbers: [String], batch: String?) throws(UsageError) {
        switch (numbers.count, batch) {
        case (0, let batch?):
            let parts = batch.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count == 3 else {
                throw UsageError("--batch takes FROM:TO:STEP, for example 1e6:2e6:5e4, not '\(batch)'")
            }
            let from = try NumberSyntax.parse(String(parts[0]))
            let to = try NumberSyntax.parse(String(parts[1]))
            let step = try NumberSyntax.parse(String(parts[2]))
            guard step > 0 else { throw UsageError("the batch step must be positive, not '\(parts[2])'") }
            guard from < to else { throw UsageError("the batch \(batch) is empty: FROM must be below TO") }
            let count = (to - from + step - 1) / step
            guard count <= Self.maximumBatchCount else {
                throw UsageError("the batch \(batch) has \(count) bounds; at most \(Self.maximumBatchCount) are allowed")
            }
            self = .batch(from: from, to: to, step: step)
        case (1, nil):
            self = .below(try NumberSyntax.parse(numbers[0]))
        case (2, nil):
            let lo = try NumberSyntax.parse(numbers[0])
            let hi = try NumberSyntax.parse(numbers[1])
            guard lo <= hi else { throw UsageError("the range [\(numbers[0]), \(numbers[1])) is reversed: B must not be below A") }
            self = .range(lo, hi)
        case (0, nil):
            throw UsageError("no request given: pass N, or A B, or --batch FROM:TO:STEP")
        case (_, .some):
            throw UsageError("--batch cannot be combined with N or A B")
        default:
            throw UsageError("too many numbers: pass N, or A B, or --batch FROM:TO:STEP")
        }
    }

    /// The ranges whose tallies answer the request, in the order they are printed.
    public var queries: [Query] {
        switch self {
        case .below(let n): [Query(lo: 0, hi: n)]
        case .range(let lo, let hi): [Query(lo: lo, hi: hi)]
        case .batch(let from, let to, let step):
            Array(sequence(first: from) { $0 + step < to ? $0 + step : nil }.map { Query(lo: 0, hi: $0) })
        }
    }

    /// The one range the job sieves: the union of the queries' ranges.
    public var span: Query {
        let queries = queries
        return Query(lo: queries.map(\.lo).min()!, hi: queries.map(\.hi).max()!)
    }
}

/// One answer's range, `[lo, hi)`.
public struct Query: Sendable, Hashable {
    public var lo: UInt128
    public var hi: UInt128
    public init(lo: UInt128, hi: UInt128) {
        self.lo = lo
        self.hi = hi
    }
}
