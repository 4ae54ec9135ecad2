import Foundation
import Testing
import TestSupport

/// The whole program under a real `mpirun`: answers, identical output at any rank count, JSON.
@Suite(.serialized) struct EndToEndTests {
    static func humanLine(below n: some BinaryInteger, sum: UInt128, count: UInt64) -> String {
        "sum of primes below \(n): \(sum) (\(count) primes)"
    }

    /// Runs prime-sum at 1, 2, 3 and 4 ranks and returns the common output, after checking it is identical.
    func outputAtEveryRankCount(_ arguments: [String], ranks: [Int] = [1, 2, 3, 4],
                                timeLimit: Int = 300) throws -> String {
        var outputs: [Int: String] = [:]
        for n in ranks {
            let result = try BoundedCommand.mpirun(ranks: n, "prime-sum", ["--quiet"] + arguments, timeLimit: timeLimit)
            #expect(result.status == 0, "\(n) ranks: \(result.standardError)")
            #expect(result.standardError.isEmpty, "\(n) ranks printed to stderr: \(result.standardError)")
            outputs[n] = result.standardOutput
        }
        let first = outputs[ranks[0]]!
        for n in ranks { #expect(outputs[n] == first, "output at \(n) ranks differs from \(ranks[0]) rank(s)") }
        return first
    }

    @Test("the tutorial batch gives the 20 published answers, identically at 1-4 ranks")
    func tutorialBatch() throws {
        let output = try outputAtEveryRankCount(["--batch", "1e6:2e6:5e4"])
        let lines = output.split(separator: "\n")
        #expect(lines.count == 20)
        for (line, known) in zip(lines, KnownAnswers.tutorialBatch) {
            #expect(line.hasPrefix("sum of primes below \(known.bound): \(known.sum) ("))
        }
    }

    @Test("the sum below 1e9, identically at 1-4 ranks")
    func belowOneBillion() throws {
        let known = KnownAnswers.belowPowersOfTen.last!
        let output = try outputAtEveryRankCount(["1e9"])
        #expect(output == Self.humanLine(below: known.n, sum: known.sum, count: known.count) + "\n")
    }

    @Test("a range crossing 2^32 matches primesieve, identically at 1-4 ranks")
    func rangeAcross2To32() throws {
        let lo: UInt128 = (1 << 32) - 20_000_000, hi: UInt128 = (1 << 32) + 20_000_000
        let expected = primesieveTally(from: lo, to: hi)
        let output = try outputAtEveryRankCount(["2^32-2e7", "2^32+2e7"])
        #expect(output == "sum of primes in [\(lo), \(hi)): \(expected.sum) (\(expected.count) primes)\n")
    }

    @Test("the sums below 1e10 and 3e10 (past 2^64) at 1, 2 and 4 ranks")
    func belowTenAndThirtyBillion() throws {
        let output = try outputAtEveryRankCount(["--batch", "1e10:3e10+1:2e10"], ranks: [1, 2, 4], timeLimit: 900)
        #expect(output == Self.humanLine(below: 10_000_000_000, sum: KnownAnswers.below1e10.sum,
                                         count: KnownAnswers.below1e10.count) + "\n"
                + "sum of primes below 30000000000: \(KnownAnswers.below3e10Sum) (1300005926 primes)\n")
    }

    @Test("run directly, without mpirun, it works as a single rank")
    func withoutMPIRun() throws {
        let result = try BoundedCommand.run(BoundedCommand.product("prime-sum"), ["2^32"], timeLimit: 120)
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput.hasPrefix("sum of primes below 4294967296: \(KnownAnswers.below2To32Sum) ("))
    }

    @Test("--json prints one document with decimal strings, the request and per-rank figures")
    func json() throws {
        let result = try BoundedCommand.mpirun(ranks: 3, "prime-sum", ["--json", "--method", "sieve", "--batch", "2^31:2^32+1:2^31"],
                                               timeLimit: 120)
        #expect(result.status == 0, "\(result.standardError)")
        let document = try #require(
            try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any])
        #expect(document["ranks"] as? Int == 3)
        #expect(document["threads"] as? Int == 1)
        #expect((document["wallSeconds"] as? Double ?? -1) >= 0)
        let request = try #require(document["request"] as? [String: String])
        #expect(request == ["kind": "batch", "from": "2147483648", "to": "4294967297", "step": "2147483648"])
        let results = try #require(document["results"] as? [[String: String]])
        #expect(results.count == 2)
        #expect(results[0] == ["lo": "0", "hi": "2147483648", "count": "105097565", "sum": "\(KnownAnswers.below2To31Sum)",
                               "method": "sieve"])
        #expect(results[1]["sum"] == "\(KnownAnswers.below2To32Sum)")
        #expect(results[1]["count"] == "203280221")
        let perRank = try #require(document["perRank"] as? [[String: Any]])
        #expect(perRank.map { $0["rank"] as? Int } == [0, 1, 2])
        // The ranks' ranges tile [0, largest bound) and their primes add up to the whole.
        #expect(perRank.first?["lo"] as? String == "0")
        #expect(perRank.last?["hi"] as? String == "4294967296")  // the largest bound
        for (a, b) in zip(perRank, perRank.dropFirst()) { #expect(a["hi"] as? String == b["lo"] as? String) }
        let primes = perRank.compactMap { ($0["primes"] as? String).flatMap { UInt64($0) } }.reduce(0, +)
        #expect(primes == 203280221)
        #expect(perRank.allSatisfy { !($0["host"] as? String ?? "").isEmpty && ($0["seconds"] as? Double ?? -1) >= 0 })
    }

    @Test("progress reaches stderr as plain lines while the answer is unchanged; --quiet silences it")
    func progress() throws {
        let shown = try BoundedCommand.mpirun(ranks: 2, "prime-sum", ["--method", "sieve", "--progress", "0.3", "1e10"], timeLimit: 120)
        #expect(shown.status == 0)
        #expect(shown.standardOutput == Self.humanLine(below: 10_000_000_000, sum: KnownAnswers.below1e10.sum,
                                                       count: KnownAnswers.below1e10.count) + "\n")
        let lines = shown.errorLines
        #expect(!lines.isEmpty && lines.allSatisfy { $0.hasPrefix("prime-sum: ") && $0.contains("% of 2 ranks' work") },
                "\(shown.standardError)")
        let quiet = try BoundedCommand.mpirun(ranks: 2, "prime-sum", ["--quiet", "--method", "sieve", "--progress", "0.3", "1e10"], timeLimit: 120)
        #expect(quiet.status == 0 && quiet.standardError.isEmpty && quiet.standardOutput == shown.standardOutput)
    }

    @Test("--report prints every rank's host, range, primes and seconds, and the imbalance")
    func report() throws {
        let result = try BoundedCommand.mpirun(ranks: 3, "prime-sum", ["--report", "--method", "sieve", "1e8"], timeLimit: 120)
        #expect(result.status == 0)
        let lines = result.standardOutput.split(separator: "\n")
        #expect(lines.count == 6)
        #expect(lines[1].split(separator: " ") == ["rank", "host", "range", "primes", "seconds"])
        #expect(lines[2].hasPrefix("   0  ") && lines[2].contains("[0, "))
        #expect(lines[4].contains(", 100000000)"))
        #expect(lines[5].hasPrefix("load imbalance (slowest / mean): ") && lines[5].contains("3 ranks × 1 threads"))
    }

    @Test("--schedule dynamic gives the static answers at 1-4 ranks, with 1 or 2 threads")
    func dynamicSchedule() throws {
        let arguments = ["--batch", "1e6:2e9+1:7e7"]
        let expected = try BoundedCommand.mpirun(ranks: 1, "prime-sum", ["--quiet"] + arguments, timeLimit: 120)
        #expect(expected.status == 0 && expected.standardOutput.split(separator: "\n").count == 29)
        for threads in ["1", "2"] {
            let output = try outputAtEveryRankCount(["--schedule", "dynamic", "--threads", threads] + arguments)
            #expect(output == expected.standardOutput, "dynamic schedule with \(threads) threads")
        }
        let across2To32 = try outputAtEveryRankCount(["--schedule", "dynamic", "2^32-3e7", "2^32+3e7"])
        let expectedAcross = primesieveTally(from: (1 << 32) - 30_000_000, to: (1 << 32) + 30_000_000)
        #expect(across2To32.hasSuffix(": \(expectedAcross.sum) (\(expectedAcross.count) primes)\n"))
    }

    @Test("--threads gives the same answers as one thread")
    func threads() throws {
        let one = try BoundedCommand.mpirun(ranks: 1, "prime-sum", ["--batch", "1e6:2e8:7777777"], timeLimit: 120)
        let three = try BoundedCommand.mpirun(ranks: 2, "prime-sum", ["--threads", "3", "--batch", "1e6:2e8:7777777"],
                                              timeLimit: 120)
        #expect(one.status == 0 && three.status == 0)
        #expect(one.standardOutput == three.standardOutput)
        #expect(one.standardOutput.split(separator: "\n").count == 26)
    }
}
