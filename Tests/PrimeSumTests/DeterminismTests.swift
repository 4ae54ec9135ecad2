import Foundation
import Testing
import TestSupport

/// The same answers, bit for bit, whatever the rank count (oversubscribed up to 8), threads per rank,
/// schedule, or an interruption and resume in between.
@Suite(.serialized) struct DeterminismTests {
    struct Combination: CustomStringConvertible {
        var ranks: Int
        var threads: Int
        var schedule: String
        var description: String { "\(ranks) ranks × \(threads) threads, \(schedule)" }
        var arguments: [String] { ["--quiet", "--method", "sieve", "--threads", "\(threads)", "--schedule", schedule] }
    }

    static let everyCombination: [Combination] = (1...8).flatMap { ranks in
        (1...4).flatMap { threads in ["static", "dynamic"].map { Combination(ranks: ranks, threads: threads, schedule: $0) } }
    }

    static func expectSameOutput(_ request: [String], expected: String, over combinations: [Combination]) throws {
        for combination in combinations {
            let result = try BoundedCommand.mpirun(ranks: combination.ranks, "prime-sum", combination.arguments + request,
                                                   timeLimit: 120)
            #expect(result.status == 0, "\(combination): \(result.standardError)")
            #expect(result.standardOutput == expected, "\(combination) differs")
        }
    }

    static let acrossTwoTo32: (lo: UInt128, hi: UInt128) = ((1 << 32) - 30_000_000, (1 << 32) + 30_000_000)
    static var acrossTwoTo32Line: String {
        let tally = primesieveTally(from: acrossTwoTo32.lo, to: acrossTwoTo32.hi)
        return "sum of primes in [\(acrossTwoTo32.lo), \(acrossTwoTo32.hi)): \(tally.sum) (\(tally.count) primes)\n"
    }

    @Test("a range across 2^32: every combination of 1-8 ranks, 1-4 threads and both schedules agrees with primesieve")
    func acrossTwoTo32Sweep() throws {
        try Self.expectSameOutput(["2^32-3e7", "2^32+3e7"], expected: Self.acrossTwoTo32Line, over: Self.everyCombination)
    }

    @Test("the tutorial batch: 1-8 ranks, 1 and 3 threads, both schedules give the published answers")
    func tutorialBatchSweep() throws {
        let expected = KnownAnswers.tutorialBatch.map { "sum of primes below \($0.bound): \($0.sum) (" }
        for combination in Self.everyCombination where combination.threads % 2 == 1 {
            let result = try BoundedCommand.mpirun(ranks: combination.ranks, "prime-sum",
                                                   combination.arguments + ["--batch", "1e6:2e6:5e4"], timeLimit: 120)
            #expect(result.status == 0, "\(combination): \(result.standardError)")
            let lines = result.standardOutput.split(separator: "\n")
            #expect(lines.count == 20 && zip(lines, expected).allSatisfy { $0.hasPrefix($1) }, "\(combination) differs")
        }
    }

    @Test("near 2^64: a few combinations agree with primesieve")
    func nearTopSweep() throws {
        let lo: UInt128 = (1 << 64) - 2_000_000, hi: UInt128 = 1 << 64
        let tally = primesieveTally(from: lo, to: hi)
        try Self.expectSameOutput(["2^64-2e6", "2^64"], expected: "sum of primes in [\(lo), \(hi)): \(tally.sum) (\(tally.count) primes)\n",
                                  over: [Combination(ranks: 8, threads: 4, schedule: "dynamic"),
                                         Combination(ranks: 3, threads: 2, schedule: "static")])
    }

    @Test("interrupted then resumed: half a journal from 1 rank, finished by other combinations, same answer")
    func resumedSweep() throws {
        let folder = try CheckpointTests.scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let full = folder.appendingPathComponent("full").path
        let request = ["2^32-3e7", "2^32+3e7"]
        let first = try BoundedCommand.mpirun(ranks: 2, "prime-sum", ["--quiet", "--method", "sieve", "--checkpoint", full] + request, timeLimit: 120)
        #expect(first.standardOutput == Self.acrossTwoTo32Line)
        let lines = CheckpointTests.lines(of: full)
        #expect(lines.count >= 5)
        // Every other record kept: the gaps left are scattered over the range.
        let half = lines.enumerated().filter { $0.offset == 0 || $0.offset % 2 == 1 }.map { String($0.element) + "\n" }.joined()
        for combination in [Combination(ranks: 1, threads: 1, schedule: "dynamic"), Combination(ranks: 5, threads: 2, schedule: "static"),
                            Combination(ranks: 8, threads: 4, schedule: "dynamic")] {
            let journal = folder.appendingPathComponent("half-\(combination.ranks)").path
            try half.write(toFile: journal, atomically: false, encoding: .utf8)
            let resumed = try BoundedCommand.mpirun(ranks: combination.ranks, "prime-sum",
                                                    combination.arguments + ["--checkpoint", journal] + request, timeLimit: 120)
            #expect(resumed.status == 0, "\(combination): \(resumed.standardError)")
            #expect(resumed.standardOutput == Self.acrossTwoTo32Line, "\(combination) differs after resuming")
        }
    }
}
