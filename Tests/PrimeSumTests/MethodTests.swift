import Foundation
import PrimeSieve
import PrimeSum
import PrimeSumCommandLine
import Testing
import TestSupport

/// The two methods give identical answers on every request form, schedule, rank and thread count; `auto`
/// chooses by the cost models; and the tool says which method it used.
struct MethodTests {
    /// Request forms, empty ones included, at sizes where each method is cheap enough to run both.
    static func requests() throws -> [Request] {
        var random = SystemRandomNumberGenerator()
        var requests: [Request] = [.below(0), .below(1), .below(5), .below(100), .below(12_345_678), .below(1 << 32),
                                   .range(0, 0), .range(5, 5), .range(1_000_000, 1_000_000), .range(0, 1000),
                                   .range(999_999_000, 1_000_000_000), .range(17, 4_000_000_000),
                                   try Request(numbers: [], batch: "1e6:2e6:5e4"), try Request(numbers: [], batch: "0:1:1"),
                                   try Request(numbers: [], batch: "1e8:3e9:7e8")]
        for _ in 0..<6 {
            let lo = UInt128.random(in: 0..<3_000_000_000, using: &random)
            requests.append(.range(lo, lo + UInt128.random(in: 0..<1_000_000_000, using: &random)))
        }
        return requests
    }

    @Test("the combinatorial method answers like the sieve: every form, both schedules, 1-3 ranks, 1-4 threads")
    func combinatorialMatchesSieve() throws {
        for request in try Self.requests() {
            let sieve = DistributedPrimeSum.simulate(request, ranks: 1, options: .init(method: .sieve))
            for schedule in DistributedPrimeSum.Schedule.allCases {
                for (ranks, threads) in [(1, 1), (1, 4), (2, 2), (3, 1)] {
                    for method in [Method.combinatorial, .auto] {
                        let options = DistributedPrimeSum.Options(threads: threads, schedule: schedule, method: method)
                        #expect(DistributedPrimeSum.simulate(request, ranks: ranks, options: options) == sieve,
                                "\(request), \(method), \(schedule), \(ranks) × \(threads)")
                    }
                }
            }
        }
    }

    @Test("auto: the sieve for small bounds, dense batches and short ranges high up; combinatorial for large bounds")
    func autoChoosesByCost() throws {
        #expect(Request.below(1000).cheaperMethod == .sieve)
        #expect(Request.below(1_000_000_000).cheaperMethod == .combinatorial)
        #expect(Request.below(1 << 64).cheaperMethod == .combinatorial)
        #expect(Request.range(1 << 63, (1 << 63) + 1_000_000_000).cheaperMethod == .sieve)
        #expect(Request.range(1_000_000, 1_000_000_000_000).cheaperMethod == .combinatorial)
        #expect(try Request(numbers: [], batch: "1e6:2e6:5e4").cheaperMethod == .sieve)
        #expect(try Request(numbers: [], batch: "1e12:1e13:1e12").cheaperMethod == .combinatorial)
    }

    @Test("--report and --json name the method; a combinatorial checkpoint's header names the method and layout")
    func theToolSaysWhichMethod() throws {
        let product = BoundedCommand.product("prime-sum")
        let report = try BoundedCommand.mpirun(ranks: 2, "prime-sum", ["--report", "1e12"])
        #expect(report.status == 0)
        #expect(report.standardOutput.contains("sum of primes below 1000000000000: 18435588552550705911377 (37607912018 primes)"))
        #expect(report.standardOutput.contains("method: combinatorial"))
        let json = try BoundedCommand.run(product, ["--json", "--method", "sieve", "1000"])
        #expect(json.standardOutput.contains(#""method": "sieve""#))
        let journal = FileManager.default.temporaryDirectory.appendingPathComponent("method-\(getpid()).journal").path
        defer { try? FileManager.default.removeItem(atPath: journal) }
        let checkpointed = try BoundedCommand.run(product, ["--checkpoint", journal, "--method", "combinatorial", "1e11"])
        #expect(checkpointed.status == 0)
        let header = try String(contentsOfFile: journal, encoding: .utf8).prefix { $0 != "\n" }
        #expect(header.hasPrefix("primesum-journal 1 below 100000000000 combinatorial 24 crc32="), "\(header)")
        let bad = try BoundedCommand.run(product, ["--method", "lucy", "100"])
        #expect(bad.status == 64)
        #expect(bad.standardError.split(separator: "\n").count == 1)
    }

    @Test("every request form through mpirun on 2 ranks: combinatorial and sieve print the same lines")
    func endToEnd() throws {
        for arguments in [["3e10"], ["1e10", "2e10"], ["--batch", "1e9:1e10:3e9"], ["5", "5"], ["0"]] {
            let sieve = try BoundedCommand.mpirun(ranks: 2, "prime-sum", ["--method", "sieve"] + arguments)
            for schedule in ["static", "dynamic"] {
                let combinatorial = try BoundedCommand.mpirun(
                    ranks: 2, "prime-sum", ["--method", "combinatorial", "--threads", "2", "--schedule", schedule] + arguments)
                #expect(combinatorial.status == 0 && sieve.status == 0, "\(arguments)")
                #expect(combinatorial.standardOutput == sieve.standardOutput, "\(arguments) \(schedule)")
            }
        }
    }
}
