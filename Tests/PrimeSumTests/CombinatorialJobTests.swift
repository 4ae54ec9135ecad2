import Foundation
import Testing
import TestSupport

/// The combinatorial method as a distributed job: the same answers whatever the ranks, threads and schedule;
/// journals that resume at other counts after a kill or a stop, and bad journals refused untouched.
@Suite(.serialized) struct CombinatorialJobTests {
    static func line(below n: UInt128) -> String {
        let known = KnownAnswers.largePowersOfTen.first { $0.n == n }!
        return "sum of primes below \(n): \(known.sum) (\(known.count) primes)\n"
    }

    static func arguments(ranks: Int, threads: Int, schedule: String) -> [String] {
        ["--quiet", "--method", "combinatorial", "--threads", "\(threads)", "--schedule", schedule]
    }

    @Test("[10^12, 2^40 + 1): every combination of 1-8 ranks, 1-4 threads and both schedules agrees with the sieve")
    func sweepAgainstTheSieve() throws {
        let request = ["1e12", "2^40+1"]
        let sieve = try BoundedCommand.mpirun(ranks: 2, "prime-sum", ["--quiet", "--method", "sieve", "--threads", "2"] + request,
                                              timeLimit: 300)
        #expect(sieve.status == 0, "\(sieve.standardError)")
        #expect(sieve.standardOutput.hasPrefix("sum of primes in [1000000000000, 1099511627777): "))
        for ranks in 1...8 {
            for threads in 1...4 {
                for schedule in ["static", "dynamic"] {
                    let result = try BoundedCommand.mpirun(
                        ranks: ranks, "prime-sum", Self.arguments(ranks: ranks, threads: threads, schedule: schedule) + request,
                        timeLimit: 120)
                    #expect(result.status == 0, "\(ranks) × \(threads), \(schedule): \(result.standardError)")
                    #expect(result.standardOutput == sieve.standardOutput, "\(ranks) ranks × \(threads) threads, \(schedule) differs")
                }
            }
        }
    }

    @Test("below 10^15 on 8 ranks (dynamic) and 3 ranks × 2 threads (static): the published sum")
    func aboveTenToFifteen() throws {
        for (ranks, threads, schedule) in [(8, 1, "dynamic"), (3, 2, "static")] {
            let result = try BoundedCommand.mpirun(
                ranks: ranks, "prime-sum", Self.arguments(ranks: ranks, threads: threads, schedule: schedule) + ["1e15"],
                timeLimit: 300)
            #expect(result.status == 0, "\(result.standardError)")
            #expect(result.standardOutput == Self.line(below: 1_000_000_000_000_000), "\(ranks) × \(threads), \(schedule)")
        }
    }

    /// The journal's header line.
    static func header(of path: String) -> Substring { CheckpointTests.lines(of: path).first ?? "" }

    @Test("SIGKILL of mpirun mid-run, then a resume on 1 rank × 2 threads: the exact sum, in the journal's layout")
    func resumeAfterKill() throws {
        let folder = try CheckpointTests.scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let journal = folder.appendingPathComponent("journal").path
        let request = ["--quiet", "--method", "combinatorial", "--checkpoint", journal, "1e16"]

        let first = try BoundedCommand.startMPIRun(ranks: 2, "prime-sum", request, timeLimit: 300)
        #expect(CheckpointTests.waitForRecords(3, in: journal, running: first), "no piece was saved while the job ran")
        first.signal(SIGKILL)
        #expect(try first.wait().status != 0)
        #expect(BoundedCommand.poll(for: 10) { BoundedCommand.processes(matching: journal).isEmpty }, "ranks left behind")
        let saved = CheckpointTests.lines(of: journal).count - 1
        #expect(Self.header(of: journal).hasPrefix("primesum-journal 1 below 10000000000000000 combinatorial 48 "))

        let resumed = try BoundedCommand.mpirun(ranks: 1, "prime-sum", ["--threads", "2"] + request, timeLimit: 300)
        #expect(resumed.status == 0, "\(resumed.standardError)")
        #expect(resumed.standardOutput == Self.line(below: 10_000_000_000_000_000))
        #expect(resumed.standardError.contains("resuming from '\(journal)': it holds \(saved) finished chunks"),
                "\(resumed.standardError)")
        #expect(Self.header(of: journal).hasPrefix("primesum-journal 1 below 10000000000000000 combinatorial 48 "),
                "the resume kept the journal's layout")
        let total = CheckpointTests.lines(of: journal).count - 1
        #expect(total > saved)

        let again = try BoundedCommand.mpirun(ranks: 3, "prime-sum", request, timeLimit: 120)
        #expect(again.standardOutput == Self.line(below: 10_000_000_000_000_000))
        #expect(CheckpointTests.lines(of: journal).count - 1 == total, "a finished journal grew")
    }

    @Test("SIGTERM to run.sh stops a combinatorial job with 75 and a resume hint; 2 ranks × 2 threads finish it")
    func resumeAfterTerminate() throws {
        let folder = try CheckpointTests.scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let journal = folder.appendingPathComponent("journal").path
        let request = ["--quiet", "--method", "combinatorial", "--checkpoint", journal, "1e16"]

        let first = try BoundedCommand.startScript(["--no-build", "-n", "3", "--"] + request, timeLimit: 300)
        #expect(CheckpointTests.waitForRecords(2, in: journal, running: first))
        first.signal(SIGTERM)
        let stopped = try first.wait()
        #expect(stopped.status == 75, "\(stopped.standardError)")
        #expect(stopped.standardError.contains("run the same command again to resume"))
        #expect(stopped.standardOutput.isEmpty)
        #expect(BoundedCommand.poll(for: 10) { BoundedCommand.processes(matching: journal).isEmpty }, "ranks left behind")

        let resumed = try BoundedCommand.runScript(["--no-build", "-n", "2", "--", "--threads", "2"] + request, timeLimit: 300)
        #expect(resumed.status == 0, "\(resumed.standardError)")
        #expect(resumed.standardOutput == Self.line(below: 10_000_000_000_000_000))
    }

    @Test("SIGTERM while ranks send records too long to go eagerly (some 250 KB here): the job stops with 75, 10 times in 10")
    func stopWithRecordsInFlight() throws {
        let folder = try CheckpointTests.scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        for attempt in 1...10 {
            let journal = folder.appendingPathComponent("journal-\(attempt)").path
            // Every record goes by rendezvous: it leaves a rank only once rank 0 receives it, which rank 0
            // must keep doing while it waits for the ranks' farewells.
            let first = try BoundedCommand.start(BoundedCommand.projectFolder.appendingPathComponent("run.sh").path,
                                                 ["--no-build", "-n", "3", "--", "--quiet", "--method", "combinatorial",
                                                  "--checkpoint", journal, "1e16"],
                                                 timeLimit: 60, environment: ["OMPI_MCA_btl_vader_eager_limit": "256"])
            #expect(CheckpointTests.waitForRecords(2, in: journal, running: first))
            first.signal(SIGTERM)
            let stopped = try first.wait()
            #expect(stopped.status == 75, "attempt \(attempt): \(stopped.standardError)")
            guard stopped.status == 75 else { return }
        }
    }

    /// A finished journal of the sum below 10^13 in the layout of 2 ranks × 2 threads (96 pieces per part).
    static func finishedJournal(in folder: URL) throws -> String {
        let path = folder.appendingPathComponent("journal").path
        let result = try Self.runOn(path, ranks: 2, threads: 2)
        #expect(result.status == 0)
        #expect(result.standardOutput == line(below: 10_000_000_000_000))
        #expect(CheckpointTests.lines(of: path).count >= 6, "want several records to work with")
        return path
    }

    static func runOn(_ path: String, ranks: Int = 2, threads: Int = 1) throws -> CommandResult {
        try BoundedCommand.mpirun(ranks: ranks, "prime-sum", ["--quiet", "--method", "combinatorial", "--threads", "\(threads)",
                                                              "--checkpoint", path, "1e13"], timeLimit: 120)
    }

    @Test("a combinatorial journal corrupt, of the sieve, of another layout, or with a malformed record is refused untouched")
    func refusedJournals() throws {
        let folder = try CheckpointTests.scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = try Self.finishedJournal(in: folder)
        let pristine = FileManager.default.contents(atPath: path)!
        let header = String(Self.header(of: path))
        #expect(header.hasPrefix("primesum-journal 1 below 10000000000000 combinatorial 96 "), "\(header)")

        // A digit changed in a record, checksum left as it was.
        var text = String(decoding: pristine, as: UTF8.self).split(separator: "\n").map(String.init)
        let digit = text[2].firstIndex { $0.isNumber && $0 != "0" }!
        text[2].replaceSubrange(digit...digit, with: "0")
        try (text.joined(separator: "\n") + "\n").write(toFile: path, atomically: false, encoding: .utf8)
        let corrupt = FileManager.default.contents(atPath: path)!
        CheckpointTests.expectRefused(try Self.runOn(path), saying: "line 3 is corrupt", file: path, unchanged: corrupt)

        // The sieve's header for the same request.
        try pristine.write(to: URL(fileURLWithPath: path))
        try CheckpointTests.rewriteLine(0, of: path, as: "primesum-journal 1 below 10000000000000")
        let sieve = FileManager.default.contents(atPath: path)!
        CheckpointTests.expectRefused(try Self.runOn(path), saying: "another request", file: path, unchanged: sieve)

        // Another layout named in the header: the records are not its pieces.
        try pristine.write(to: URL(fileURLWithPath: path))
        try CheckpointTests.rewriteLine(0, of: path, as: "primesum-journal 1 below 10000000000000 combinatorial 5")
        let otherLayout = FileManager.default.contents(atPath: path)!
        CheckpointTests.expectRefused(try Self.runOn(path), saying: "is not a chunk record", file: path, unchanged: otherLayout)

        // A record claiming one more piece than it holds, with a valid checksum.
        try pristine.write(to: URL(fileURLWithPath: path))
        var words = CheckpointTests.lines(of: path)[1].split(separator: " ").dropLast().map(String.init)
        words[3] = "\(Int(words[3])! + 1)"
        try CheckpointTests.rewriteLine(1, of: path, as: words.joined(separator: " "))
        let malformed = FileManager.default.contents(atPath: path)!
        CheckpointTests.expectRefused(try Self.runOn(path), saying: "line 2 is not a chunk record", file: path, unchanged: malformed)
    }

    @Test("a torn last combinatorial record is dropped and computed again; a finished journal answers at once")
    func tornLastRecord() throws {
        let folder = try CheckpointTests.scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = try Self.finishedJournal(in: folder)
        let pristine = FileManager.default.contents(atPath: path)!
        let records = CheckpointTests.lines(of: path).count - 1
        let end = CheckpointTests.lines(of: path).dropFirst().map { UInt128($0.split(separator: " ")[2])! }.max()!

        try pristine.dropLast(9).write(to: URL(fileURLWithPath: path))
        let result = try Self.runOn(path, ranks: 3)
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput == Self.line(below: 10_000_000_000_000))
        #expect(FileManager.default.contents(atPath: path)!.last == UInt8(ascii: "\n"))
        // The torn piece is computed again once: as one piece, or as several if it held several of the
        // engines' pieces and this run's 3 threads cut its gap finer; no other piece is saved twice.
        #expect(CheckpointTests.lines(of: path).count - 1 >= records)
        CheckpointTests.expectCovers(path, upTo: end)
    }
}
