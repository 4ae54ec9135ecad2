/// What the user asked for: one or more answers, each the primes in some `[lo, hi)` of `[0, 2^64]`.
///
/// The tool builds it from the command line's words and checks it; the job takes it as given.
public enum Request: Sendable, Equatable {
    /// The sum of the primes below `n`.
    case below(UInt128)
    /// The sum of the primes in `[lo, hi)`.
    case range(UInt128, UInt128)
    /// The sum of the primes below each bound of `from..<to` by `step` (Python `range` semantics).
    case batch(from: UInt128, to: UInt128, step: UInt128)

    /// The most bounds one batch may hold: each answer costs rank 0 memory and output.
    public static let maximumBatchCount: UInt128 = 1_000_000

    /// The ranges whose tallies answer the request, in the order they are printed.
    public var queries: [Query] {
        switch self {
        case .below(let n): [Query(lo: 0, hi: n)]
        case .range(let lo, let hi): [Query(lo: lo, hi: hi)]
        case .batch(let from, let to, let step):
            Array(sequence(first: from) { $0 + step < to ? $0 + step : nil }.map { Query(lo: 0, hi: $0) })
        }
    }

    /// The one range the job sieves: the union of the queries' ranges, computed without listing them.
    public var span: Query {
        switch self {
        case .below(let n): Query(lo: 0, hi: n)
        case .range(let lo, let hi): Query(lo: lo, hi: hi)
        case .batch(let from, let to, let step): Query(lo: 0, hi: from + (to - from - 1) / step * step)
        }
    }
}

/// One answer's range, `[lo, hi)`; also a piece of work, in the coordinates of its kind.
public struct Query: Sendable, Hashable {
    public var lo: UInt128
    public var hi: UInt128
    public init(lo: UInt128, hi: UInt128) {
        self.lo = lo
        self.hi = hi
    }

    /// The number of integers in the range (0 for an empty or reversed one).
    public var width: UInt128 { hi > lo ? hi - lo : 0 }
    public var isEmpty: Bool { hi <= lo }

    /// The smallest range holding both.
    func hull(_ other: Query) -> Query { Query(lo: Swift.min(lo, other.lo), hi: Swift.max(hi, other.hi)) }
}

extension Request {
    /// The request as four 128-bit words, for the broadcast from rank 0.
    var encoded: [UInt128] {
        switch self {
        case .below(let n): [0, n, 0, 0]
        case .range(let lo, let hi): [1, lo, hi, 0]
        case .batch(let from, let to, let step): [2, from, to, step]
        }
    }

    init?(encoded words: [UInt128]) {
        guard words.count == 4 else { return nil }
        switch words[0] {
        case 0: self = .below(words[1])
        case 1 where words[1] <= words[2]: self = .range(words[1], words[2])
        case 2 where words[3] > 0 && words[1] < words[2]: self = .batch(from: words[1], to: words[2], step: words[3])
        default: return nil
        }
    }
}
