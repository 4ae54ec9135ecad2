@testable import PrimeSum
import PrimeSieve
import PrimeSumCommandLine
import Testing
import TestSupport

/// The one cut: static runs and dealt pieces tile what they must, for every request form including empty
/// ones, and the simulated job gives the naive answers under both schedules.
struct PlanTests {
    static let kinds: [SieveWork] = ([
        .range(0, 0), .range(5, 5), .below(0), .below(1), .below(2), .range(7, 9), .below(1000), .range(10, 1 << 24),
        .batch(from: 0, to: 1, step: 1), .batch(from: 5, to: 6, step: 100), .range(UInt128(1) << 64 - 1000, 1 << 64),
    ] as [Request]).map { SieveWork(request: $0, engine: PrimeSieve()) }

    @Test("static runs: one per rank, equally long, contiguous, covering the domain")
    func staticRuns() {
        for kind in Self.kinds {
            for ranks in 1...9 {
                for threads in 1...5 {
                    let runs = Plan.runs(of: kind, ranks: ranks, threads: threads)
                    #expect(runs.count == ranks && Set(runs.map(\.count)).count == 1)
                    let pieces = runs.flatMap { $0 }
                    #expect(pieces.first?.lo == kind.domain.lo && pieces.last?.hi == kind.domain.hi)
                    #expect(zip(pieces, pieces.dropFirst()).allSatisfy { $0.hi == $1.lo && $0.lo <= $0.hi })
                }
            }
        }
    }

    @Test("a short range near 2^64 is not cut into more pieces than its set-up justifies, whatever the threads or ranks")
    func noPiecesBeyondTheirWorth() {
        let kind = SieveWork(request: .range((1 << 64) - 1_000_000, 1 << 64), engine: PrimeSieve())
        for (ranks, threads) in [(1, 8), (1, 64), (16, 1), (4, 4)] {
            let pieces = Plan.runs(of: kind, ranks: ranks, threads: threads).flatMap { $0 }.filter { !$0.isEmpty }
            #expect(pieces.count == 1, "\(ranks) ranks × \(threads) threads: \(pieces.count) pieces")
        }
        #expect(Plan.dealt(of: kind, remaining: [kind.domain], threadsInJob: 64).count == 1)
    }

    @Test("dealt pieces: none empty, in order, tiling exactly the gaps left")
    func dealtPieces() {
        for kind in Self.kinds {
            let d = kind.domain
            let thirds = d.lo + d.width / 3, twoThirds = d.lo + 2 * d.width / 3
            for remaining in [[d], [Query(lo: d.lo, hi: thirds), Query(lo: twoThirds, hi: d.hi)], []] {
                for threadsInJob in [1, 2, 7, 64] {
                    let pieces = Plan.dealt(of: kind, remaining: remaining, threadsInJob: threadsInJob)
                    #expect(pieces.allSatisfy { !$0.isEmpty })
                    #expect(pieces.reduce(0) { $0 + $1.width } == remaining.reduce(0) { $0 + $1.width })
                    for gap in remaining where !gap.isEmpty {
                        let inside = pieces.filter { $0.lo >= gap.lo && $0.hi <= gap.hi }
                        #expect(inside.first?.lo == gap.lo && inside.last?.hi == gap.hi)
                        #expect(zip(inside, inside.dropFirst()).allSatisfy { $0.hi == $1.lo })
                    }
                }
            }
        }
    }

    @Test("the simulated job under both schedules, empty requests included, against the naive sieve")
    func simulatedSchedules() throws {
        let prefix = Oracle.naivePrefixTallies(upTo: 3000)
        var generator = SystemRandomNumberGenerator()
        var requests: [Request] = [.range(0, 0), .range(5, 5), .below(0), .below(2), try Request(numbers: [], batch: "0:1:1"),
                                   try Request(numbers: [], batch: "0:3000:13")]
        for _ in 0..<30 {
            let lo = UInt128.random(in: 0..<3000, using: &generator)
            requests.append(.range(lo, UInt128.random(in: lo..<3000, using: &generator)))
        }
        for request in requests {
            let expected = request.queries.map { Oracle.tally(from: Int($0.lo), to: Int($0.hi), prefix: prefix) }
            for schedule in DistributedPrimeSum.Schedule.allCases {
                for (ranks, threads) in [(1, 1), (2, 3), (5, 2), (8, 1)] {
                    let options = DistributedPrimeSum.Options(threads: threads, schedule: schedule)
                    #expect(DistributedPrimeSum.simulate(request, ranks: ranks, options: options) == expected,
                            "\(request), \(schedule), \(ranks) × \(threads)")
                }
            }
        }
    }

    @Test("a request's span is the hull of its queries, computed without listing them")
    func spanIsTheHullOfTheQueries() throws {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<300 {
            let from = UInt128.random(in: 0...1000, using: &generator)
            let to = UInt128.random(in: (from + 1)...2000, using: &generator)
            let request = Request.batch(from: from, to: to, step: UInt128.random(in: 1...300, using: &generator))
            let queries = request.queries
            #expect(request.span == Query(lo: queries.map(\.lo).min()!, hi: queries.map(\.hi).max()!), "\(request)")
        }
        #expect(Request.range(3, 9).span == Query(lo: 3, hi: 9) && Request.below(7).span == Query(lo: 0, hi: 7))
    }

    @Test("combinatorial static runs: every piece once, to the least-loaded rank, loads within the largest piece")
    func combinatorialStaticRuns() throws {
        for (request, ranks) in [(Request.below(10_000_000_000_000), 3), (.range(1 << 40, 3 << 40), 8), (.below(100), 4)] {
            let kind = CombinatorialWork(request: request, piecesPerPart: CombinatorialWork.piecesPerPart(threadsInJob: ranks))
            let runs = Plan.runs(of: kind, ranks: ranks, threads: 1)
            #expect(runs.count == ranks && Set(runs.map(\.count)).count == 1)
            let pieces = runs.joined().filter { !$0.isEmpty }.sorted { $0.lo < $1.lo }
            #expect(pieces.first?.lo ?? 0 == kind.domain.lo && pieces.last?.hi ?? 0 == kind.domain.hi)
            #expect(zip(pieces, pieces.dropFirst()).allSatisfy { $0.hi == $1.lo }, "\(request): pieces overlap or leave gaps")
            let loads = runs.map { $0.reduce(UInt128(0)) { $0 + $1.width } }
            let largest = pieces.map(\.width).max() ?? 0
            #expect(loads.max()! - loads.min()! <= largest, "\(request): loads \(loads)")
        }
    }

    @Test("the plan's prediction: efficiencies in (0, 1], near 1 on 2 ranks, falling with many ranks at 10^13")
    func prediction() {
        let two = PlanPrediction(.below(10_000_000_000_000), ranks: 2)
        let many = PlanPrediction(.below(10_000_000_000_000), ranks: 256)
        for p in [two, many] {
            #expect(p.staticEfficiency > 0 && p.staticEfficiency <= 1 && p.dynamicEfficiency > 0 && p.dynamicEfficiency <= 1)
        }
        #expect(two.staticEfficiency > 0.8 && two.dynamicEfficiency > 0.8, "\(two)")
        #expect(many.dynamicEfficiency < two.dynamicEfficiency, "set-up bounds many ranks: \(many)")
    }
}
