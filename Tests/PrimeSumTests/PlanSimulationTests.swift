import PrimeSieve
import PrimeSum
import PrimeSumCommandLine
import Testing
import TestSupport

/// The job's plan and per-rank work, simulated without MPI for many rank and thread counts, against a naive
/// sieve: every answer must be the same whatever the split.
struct PlanSimulationTests {
    static let limit = 3000
    static let prefix = Oracle.naivePrefixTallies(upTo: limit)

    static func naive(_ lo: UInt128, _ hi: UInt128) -> PrimeTally {
        Oracle.tally(from: Int(lo), to: Int(hi), prefix: prefix)
    }

    @Test("small ranges at 1-8 ranks and 1-4 threads")
    func smallRanges() throws {
        var generator = SystemRandomNumberGenerator()
        var requests: [Request] = [.range(10, 20), .range(0, 0), .range(7, 7), .below(0), .below(1), .below(3),
                                   .range(2, 3), .range(29, 32), .below(30)]
        for _ in 0..<60 {
            let lo = UInt128.random(in: 0..<UInt128(Self.limit), using: &generator)
            let hi = UInt128.random(in: lo...UInt128(Self.limit - 1), using: &generator)
            requests.append(.range(lo, hi))
        }
        for request in requests {
            let expected = request.queries.map { Self.naive($0.lo, $0.hi) }
            for ranks in 1...8 {
                for threads in 1...4 {
                    let answers = DistributedPrimeSum.simulate(request, ranks: ranks, options: .init(threads: threads))
                    #expect(answers == expected, "\(request) at \(ranks) ranks × \(threads) threads")
                }
            }
        }
    }

    @Test("batches of tiny bounds at 1-8 ranks and 1-4 threads")
    func batches() throws {
        for batch in ["0:100:1", "1:2999:7", "5:6:1", "0:3000:1000", "29:31:1"] {
            let request = try Request(numbers: [], batch: batch)
            let expected = request.queries.map { Self.naive($0.lo, $0.hi) }
            for ranks in 1...8 {
                for threads in 1...4 {
                    let answers = DistributedPrimeSum.simulate(request, ranks: ranks, options: .init(threads: threads))
                    #expect(answers == expected, "\(batch) at \(ranks) ranks × \(threads) threads")
                }
            }
        }
    }
}
