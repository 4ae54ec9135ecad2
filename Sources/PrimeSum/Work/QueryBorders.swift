import PrimeSieve

/// The sorted, distinct borders of a request's queries: where a piece is cut so that one sieve of the piece
/// answers every query, and how the tallies of those cuts become each query's tally.
struct QueryBorders: Sendable {
    let queries: [Query]
    private let sorted: [UInt128]

    init(_ queries: [Query]) {
        self.queries = queries
        sorted = Set(queries.flatMap { [$0.lo, $0.hi] }).sorted()
    }

    /// `piece.lo`, the borders strictly inside the piece, and `piece.hi`: the ends of its cuts.
    func points(in piece: Query) -> [UInt128] {
        let first = sorted.partitioningIndex { $0 > piece.lo }
        let end = sorted.partitioningIndex { $0 >= piece.hi }
        return [piece.lo] + (first < end ? Array(sorted[first..<end]) : []) + [piece.hi]
    }

    /// Each query's tally inside `piece`, from the tallies of the cuts between consecutive ``points(in:)``:
    /// a difference of running totals, so a batch of a million bounds costs one pass over the cuts per query.
    /// - Precondition: `cutTallies.count == points(in: piece).count - 1`.
    func contributions(of piece: Query, cutTallies: [PrimeTally]) -> QueryTallies {
        let points = points(in: piece)
        precondition(cutTallies.count == points.count - 1, "cuts and cut points disagree")
        var runningTotals = [PrimeTally.zero]  // runningTotals[i]: the tally of [piece.lo, points[i])
        for cut in cutTallies { runningTotals.append(runningTotals.last! + cut) }
        func runningTotal(at x: UInt128) -> PrimeTally {
            let clamped = Swift.min(Swift.max(x, piece.lo), piece.hi)
            return runningTotals[points.partitioningIndex { $0 >= clamped }]
        }
        let perQuery = queries.map { query in
            let upper = runningTotal(at: query.hi), lower = runningTotal(at: query.lo)
            return query.isEmpty ? .zero : PrimeTally(count: upper.count - lower.count, sum: upper.sum - lower.sum)
        }
        return QueryTallies(perQuery: perQuery, total: runningTotals.last!)
    }
}

/// Each query's tally over some disjoint pieces, and the tally of the pieces themselves.
struct QueryTallies: Sendable, Equatable {
    var perQuery: [PrimeTally]
    var total: PrimeTally

    static func zero(queryCount: Int) -> QueryTallies {
        QueryTallies(perQuery: [PrimeTally](repeating: .zero, count: queryCount), total: .zero)
    }

    /// Adds the tallies of disjoint pieces.
    mutating func add(_ other: QueryTallies) {
        for i in perQuery.indices { perQuery[i] += other.perQuery[i] }
        total += other.total
    }
}
