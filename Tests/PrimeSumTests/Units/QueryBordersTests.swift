@testable import PrimeSum
import PrimeSieve
import Testing
import TestSupport

/// Cut points and per-query contributions, against the naive sieve: every piece of [0, 400) against every
/// border of random batches and ranges.
struct QueryBordersTests {
    static let limit = 400
    static let prefix = Oracle.naivePrefixTallies(upTo: limit)

    static func randomQueries(using generator: inout some RandomNumberGenerator) -> [Query] {
        (0..<Int.random(in: 1...6, using: &generator)).map { _ in
            let lo = UInt128.random(in: 0...UInt128(limit), using: &generator)
            return Query(lo: lo, hi: UInt128.random(in: lo...UInt128(limit), using: &generator))
        }
    }

    @Test("a piece's cut points run from lo to hi through every border strictly inside it, ascending")
    func cutPoints() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<50 {
            let queries = Self.randomQueries(using: &generator)
            let borders = QueryBorders(queries)
            let allBorders = Set(queries.flatMap { [$0.lo, $0.hi] })
            for lo in stride(from: 0, to: Self.limit, by: 7) {
                for hi in stride(from: lo + 1, through: Self.limit, by: 11) {
                    let piece = Query(lo: UInt128(lo), hi: UInt128(hi))
                    let points = borders.points(in: piece)
                    #expect(points.first == piece.lo && points.last == piece.hi)
                    #expect(zip(points, points.dropFirst()).allSatisfy { $0 < $1 })
                    #expect(Set(points.dropFirst().dropLast()) == allBorders.filter { $0 > piece.lo && $0 < piece.hi })
                }
            }
        }
    }

    @Test("each query's contribution from a piece is the naive tally of query ∩ piece")
    func contributions() {
        var generator = SystemRandomNumberGenerator()
        let engine = PrimeSieve()
        for _ in 0..<40 {
            let queries = Self.randomQueries(using: &generator)
            let borders = QueryBorders(queries)
            let lo = Int.random(in: 0..<Self.limit, using: &generator)
            let piece = Query(lo: UInt128(lo), hi: UInt128(Int.random(in: (lo + 1)...Self.limit, using: &generator)))
            let points = borders.points(in: piece)
            let cuts = zip(points, points.dropFirst()).map { engine.tally(from: $0, to: $1) }
            let tallies = borders.contributions(of: piece, cutTallies: cuts)
            for (query, contribution) in zip(queries, tallies.perQuery) {
                let overlap = (Swift.max(query.lo, piece.lo), Swift.min(query.hi, piece.hi))
                #expect(contribution == Oracle.tally(from: Int(overlap.0), to: Int(overlap.1), prefix: Self.prefix),
                        "\(query) in \(piece)")
            }
            #expect(tallies.total == Oracle.tally(from: Int(piece.lo), to: Int(piece.hi), prefix: Self.prefix))
        }
    }
}
