import Foundation
import Testing
import TestSupport

/// Files, streams and numbers that try to make prime-sum lie, crash, overwrite or hang: each is refused with
/// its documented status and one sentence, and leaves every file as it was.
@Suite(.serialized) struct HostileInputTests {
    static func scratchFolder() throws -> URL { try CheckpointTests.scratchFolder() }

    /// A journal for `100` with one record, written by hand: `chunk 0 HI 1 COUNT:SUM`.
    static func handMadeJournal(at path: String, record: String) throws {
        for (index, body) in ["primesum-journal 1 below 100", record].enumerated() {
            let line = body + " crc32=" + String(format: "%08x", CheckpointTests.crc32(Array(body.utf8))) + "\n"
            if index == 0 { try line.write(toFile: path, atomically: false, encoding: .utf8) } else {
                let handle = try #require(FileHandle(forWritingAtPath: path))
                try handle.seekToEnd()
                try handle.write(contentsOf: Data(line.utf8))
                try handle.close()
            }
        }
    }

    @Test("forged records with valid checksums are refused (65), untouched", arguments: [
        "chunk 0 100 1 25:1000",  // sum lowered
        "chunk 0 100 1 26:1060",  // count raised
        "chunk 0 100 1 25:1061",  // sum raised
        "chunk 0 100 1 0:0",      // nothing found
        "chunk 0 90 1 25:1060",   // hi lowered: [90, 100) would be computed again and counted twice
    ])
    func forgedRecords(record: String) throws {
        let folder = try Self.scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("journal").path
        try Self.handMadeJournal(at: path, record: record)
        let before = try #require(FileManager.default.contents(atPath: path))
        for ranks in [1, 2] {
            let result = try BoundedCommand.mpirun(ranks: ranks, "prime-sum", ["--quiet", "--method", "sieve", "--checkpoint", path, "100"])
            #expect(result.status == 65, "\(record) at \(ranks) ranks: \(result.status) \(result.standardOutput)")
            #expect(result.standardOutput.isEmpty)
            #expect(result.standardError.contains("refusing checkpoint"), "\(result.standardError)")
            #expect(FileManager.default.contents(atPath: path) == before, "the refused journal was modified")
        }
    }

    @Test("impossible records are refused before use, never a trap", arguments: [
        "chunk 0 100 9223372036854775807 1:2",           // a piece count that overflows 4 + n
        "chunk 0 100 1 52:1060",                           // more primes than odd integers and 2
        "chunk 0 100 1 1:100",                             // a sum past count · (hi − 1)
        "chunk 0 100 1 0:5",                               // a sum of no primes
        "chunk 0 100 1 2:340282366920938463463374607431768211455",  // 2^128 − 1
    ])
    func impossibleRecords(record: String) throws {
        let folder = try Self.scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("journal").path
        try Self.handMadeJournal(at: path, record: record)
        let result = try BoundedCommand.mpirun(ranks: 1, "prime-sum", ["--quiet", "--method", "sieve", "--checkpoint", path, "100"])
        CheckpointTests.expectRefused(result, saying: "line 2 is not a chunk record", file: path,
                                      unchanged: try #require(FileManager.default.contents(atPath: path)))
    }

    @Test("a file that is not a journal is refused (65) and left as it is")
    func notAJournal() throws {
        let folder = try Self.scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("precious").path
        for contents in ["precious", "precious\n", "primesum-journal 1 below 100"] {
            try contents.write(toFile: path, atomically: false, encoding: .utf8)
            let result = try BoundedCommand.mpirun(ranks: 1, "prime-sum", ["--quiet", "--method", "sieve", "--checkpoint", path, "100"])
            CheckpointTests.expectRefused(result, saying: "not a prime-sum checkpoint journal", file: path,
                                          unchanged: Data(contents.utf8))
        }
    }

    @Test("a second job on a journal in use is refused (73); the first is unharmed")
    func lockedJournal() throws {
        let folder = try Self.scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("journal").path
        // The sieve below 10^11 (some 14 s on one thread): still running when the second job has been refused,
        // however slowly that job starts on a busy machine.
        let first = try BoundedCommand.startMPIRun(ranks: 1, "prime-sum", ["--quiet", "--method", "sieve", "--checkpoint", path, "1e11"])
        #expect(CheckpointTests.waitForRecords(1, in: path, running: first))
        let second = try BoundedCommand.mpirun(ranks: 1, "prime-sum", ["--quiet", "--method", "sieve", "--checkpoint", path, "1e11"])
        #expect(second.status == 73, "\(second.standardError)")
        #expect(second.errorLines.count == 1 && second.standardError.contains("another prime-sum job is using it"),
                "\(second.standardError)")
        first.signal(SIGUSR1)
        let stopped = try first.wait()
        #expect(stopped.status == 75, "\(stopped.standardError)")
    }

    @Test("a journal deleted mid-run ends the job with 74 and the truth")
    func journalDeletedMidRun() throws {
        let folder = try Self.scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("journal").path
        let job = try BoundedCommand.startMPIRun(ranks: 2, "prime-sum", ["--quiet", "--method", "sieve", "--checkpoint", path, "3e10"])
        #expect(CheckpointTests.waitForRecords(1, in: path, running: job))
        try FileManager.default.removeItem(atPath: path)
        let result = try job.wait()
        #expect(result.status == 74, "\(result.standardError)")
        #expect(result.standardError.contains("was deleted or replaced during the run"), "\(result.standardError)")
        #expect(result.standardOutput.isEmpty)
    }

    @Test("empty requests under the dynamic schedule", arguments: [
        (["--schedule", "dynamic", "5", "5"], "sum of primes in [5, 5): 0 (0 primes)\n"),
        (["--schedule", "dynamic", "0"], "sum of primes below 0: 0 (0 primes)\n"),
        (["--schedule", "dynamic", "--batch", "0:1:1"], "sum of primes below 0: 0 (0 primes)\n"),
        (["--schedule", "dynamic", "--threads", "3", "2", "2"], "sum of primes in [2, 2): 0 (0 primes)\n"),
    ])
    func emptyDynamicRequests(arguments: [String], expected: String) throws {
        for ranks in [1, 2, 3] {
            let result = try BoundedCommand.mpirun(ranks: ranks, "prime-sum", ["--quiet"] + arguments)
            #expect(result.status == 0 && result.standardOutput == expected, "\(arguments) at \(ranks): \(result.standardError)")
        }
    }

    @Test("an answer (or help) that cannot be written is status 74 with one sentence; a reader that leaves is a quiet 141")
    func brokenOutput() throws {
        let primeSum = BoundedCommand.product("prime-sum")
        let full = try BoundedCommand.run("/bin/bash", ["-c", "\"$0\" 100 >/dev/full", primeSum])
        #expect(full.status == 74, "\(full.standardError)")
        #expect(full.standardError.contains("cannot write the answer"), "\(full.standardError)")
        for early in ["--help", "--version"] {
            let lost = try BoundedCommand.run("/bin/bash", ["-c", "\"$0\" \(early) >/dev/full", primeSum])
            #expect(lost.status == 74 && lost.errorLines == ["prime-sum: cannot write to standard output: No space left on device"],
                    "\(early): status \(lost.status), \(lost.standardError)")
        }
        let closed = try BoundedCommand.run("/bin/bash", ["-c", "\"$0\" --no-build -n 1 -- 100 >&-",
                                                          BoundedCommand.projectFolder.appendingPathComponent("run.sh").path])
        #expect(closed.status == 74 && closed.errorLines.count == 1, "\(closed.standardError)")
        let script = BoundedCommand.projectFolder.appendingPathComponent("run.sh").path
        let piped = try BoundedCommand.run("/bin/bash", ["-c", "set -o pipefail; \"$0\" --no-build -n 2 -- --quiet --batch 0:1e6:1 | head -1",
                                                         script], timeLimit: 300)
        #expect(piped.status == 141, "\(piped.standardError)")
        #expect(piped.standardError.isEmpty, "\(piped.standardError)")
        #expect(piped.standardOutput == "sum of primes below 0: 0 (0 primes)\n")
    }

    @Test("run.sh refuses numbers that bash arithmetic would wrap", arguments: [
        ["-n", "18446744073709551618"], ["--time-limit", "18446744073709551617"], ["--net-timeout", "18446744073709551618"],
        ["-n", "0"], ["-n", "00000000000000000000000000002"], ["--time-limit", "0"],
    ])
    func wrappedNumbers(arguments: [String]) throws {
        let result = try BoundedCommand.runScript(["--no-build"] + arguments + ["--", "100"])
        #expect(result.status == (arguments.last == "00000000000000000000000000002" ? 0 : 64), "\(arguments): \(result.standardError)")
    }

    @Test("the job does not outlive run.sh: SIGHUP stops it, and so does SIGKILL of run.sh", arguments: [SIGHUP, SIGKILL])
    func jobDiesWithRunScript(signal: Int32) throws {
        let marker = "\(1_000_000_000_000 + Int(signal))"  // a command line of its own, to look for
        let job = try BoundedCommand.startScript(["--no-build", "-n", "2", "--", "--quiet", marker, "--method", "sieve"], timeLimit: 120)
        #expect(BoundedCommand.poll(for: 30) { BoundedCommand.processes(matching: "--quiet \(marker)").count >= 3 },
                "the job did not start")
        job.signal(signal)
        _ = try job.wait()
        #expect(BoundedCommand.poll(for: 20) { BoundedCommand.processes(matching: marker).isEmpty }, "the job outlived run.sh")
    }

    @Test("messages name the option and its range, stay on one line, and cut what they echo", arguments: [
        (["--threads", "-1", "5"], "--threads must be between 1 and 1024, not -1"),
        (["--progress", "-1", "5"], "--progress must be a number of seconds from 0 to 86400"),
        (["--", "--json"], "'--json' is not a number"),
        (["12\n34"], "'12\\u{a}34' is not a number"),
        ([String(repeating: "7", count: 100_000) + "x"], "…' is not a number"),
    ])
    func messages(arguments: [String], says: String) throws {
        let result = try BoundedCommand.mpirun(ranks: 1, "prime-sum", arguments, timeLimit: 60)
        #expect(result.status == 64 && result.errorLines.count == 1, "\(result.standardError.prefix(4000))")
        #expect(result.standardError.contains(says), "\(result.standardError.prefix(4000))")
        #expect(arguments.joined().count < 1000 || !result.standardError.contains(String(repeating: "7", count: 200)))
        #expect(result.standardError.count < 400)
    }

    @Test("a checkpoint name that starts with a dash is a name")
    func dashedCheckpointName() throws {
        let folder = try Self.scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try BoundedCommand.run("/bin/bash", ["-c", "cd \"$1\" && \"$0\" --quiet --checkpoint -1.journal 100",
                                                          BoundedCommand.product("prime-sum"), folder.path])
        #expect(result.status == 0 && result.standardOutput == "sum of primes below 100: 1060 (25 primes)\n", "\(result.standardError)")
    }

    @Test("run.sh refuses an argument too long for mpirun with one sentence")
    func longArgumentThroughRunScript() throws {
        let result = try BoundedCommand.runScript(["--no-build", "-n", "1", "--", String(repeating: "7", count: 100_000)])
        #expect(result.status == 64 && result.errorLines.count == 1, "\(result.standardError.prefix(4000))")
        #expect(result.standardError.contains("too long"))
    }

    /// The process of rank `rank` among `parent`'s children, from its `OMPI_COMM_WORLD_RANK`.
    static func rankProcess(_ rank: Int, childOf parent: Int32) -> Int32? {
        BoundedCommand.processes(matching: "prime-sum").first { pid in
            let environment = (try? Data(contentsOf: URL(fileURLWithPath: "/proc/\(pid)/environ"))) ?? Data()
            let isChild = ((try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? "")
                .split(separator: ")").last?.split(separator: " ").dropFirst(1).first == "\(parent)"
            return isChild && environment.split(separator: 0).contains { $0 == Data("OMPI_COMM_WORLD_RANK=\(rank)".utf8) }
        }
    }

    /// Whether process `pid` has a handler for `signal` (its `SigCgt` mask in /proc).
    static func catches(_ signal: Int32, process pid: Int32) -> Bool {
        let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
        guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix("SigCgt:") }),
              let mask = UInt64(line.dropFirst("SigCgt:".count).trimmingCharacters(in: .whitespaces), radix: 16) else { return false }
        return mask & (1 << UInt64(signal - 1)) != 0
    }

    @Test("a stopped rank ends the job after --silence-limit with 75, its chunks saved; a resume finishes it")
    func stoppedRank() throws {
        try #require(!BoundedCommand.isMPICH)
        let folder = try Self.scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("journal").path
        // 10^11: long enough that the job is still dealing when rank 1 stops (a fast host finishes 3·10^10 in seconds).
        let job = try BoundedCommand.startMPIRun(ranks: 3, "prime-sum", ["--quiet", "--method", "sieve", "--silence-limit", "6", "--checkpoint", path, "1e11"])
        #expect(CheckpointTests.waitForRecords(1, in: path, running: job))
        let mpirun = try #require(job.programID)
        let rank = try #require(Self.rankProcess(1, childOf: mpirun), "rank 1 not found")
        kill(rank, SIGSTOP)
        defer { kill(rank, SIGCONT) }
        let result = try job.wait()
        #expect(result.status == 75, "\(result.standardError)")
        #expect(result.standardError.contains("rank 1 has not reported"), "\(result.standardError)")
        #expect(result.seconds < 60)
        let resumed = try BoundedCommand.mpirun(ranks: 2, "prime-sum", ["--quiet", "--method", "sieve", "--checkpoint", path, "1e11"], timeLimit: 300)
        let known = KnownAnswers.largePowersOfTen[0]
        #expect(resumed.status == 0 && resumed.standardOutput == "sum of primes below \(known.n): \(known.sum) (\(known.count) primes)\n",
                "\(resumed.standardError)")
    }

    @Test("a rank stopped after its share, while it waits for the others, ends the job with 75 instead of hanging it")
    func rankStoppedWhileWaiting() throws {
        try #require(!BoundedCommand.isMPICH)
        let job = try BoundedCommand.startMPIRun(ranks: 2, "prime-sum", ["--quiet", "--method", "sieve", "--silence-limit", "6", "1e11"])
        let mpirun = try #require(BoundedCommand.poll(for: 20) { job.programID != nil } ? job.programID : nil)
        var ranks: [Int32] = []
        #expect(BoundedCommand.poll(for: 20) {
            ranks = [0, 1].compactMap { Self.rankProcess($0, childOf: mpirun) }
            return ranks.count == 2
        })
        try #require(ranks.count == 2, "ranks not found")
        defer { for rank in ranks { kill(rank, SIGCONT) } }
        // Rank 0 stops once the work is scattered; rank 1 finishes its half and waits for rank 0.
        usleep(1_500_000)
        kill(ranks[0], SIGSTOP)
        #expect(BoundedCommand.poll(for: 90) { Self.cpuShare(of: ranks[1], over: 1) < 0.5 }, "rank 1 never went idle")
        kill(ranks[1], SIGSTOP)
        kill(ranks[0], SIGCONT)
        let result = try job.wait()
        #expect(result.status == 75, "\(result.standardError)")
        #expect(result.standardError.contains("rank 1 has not reported"), "\(result.standardError)")
    }

    /// The share of one core that process `pid` used over the next `seconds`, from `/proc/PID/stat`.
    static func cpuShare(of pid: Int32, over seconds: Double) -> Double {
        func ticks() -> Double {
            let stat = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
            let fields = stat.split(separator: ")").last?.split(separator: " ") ?? []
            // utime and stime: fields 14 and 15 of stat(5), the 12th and 13th after the command's ")".
            return fields.count > 12 ? (Double(fields[11]) ?? 0) + (Double(fields[12]) ?? 0) : 0
        }
        let before = ticks()
        usleep(UInt32(seconds * 1e6))
        return (ticks() - before) / Double(sysconf(Int32(_SC_CLK_TCK))) / seconds
    }

    @Test("under an address-space limit the job answers or says it could not start a thread (71); it never hangs")
    func addressSpaceLimit() throws {
        for kib in [100_000, 200_000, 400_000] {
            let result = try BoundedCommand.run("/bin/bash", ["-c", "ulimit -v \(kib); exec \"$0\" --threads 2 1e9",
                                                              BoundedCommand.product("prime-sum")], timeLimit: 60)
            #expect(result.status == 0 || result.status == 71, "ulimit -v \(kib): \(result.status) \(result.standardError.prefix(300))")
            if result.status == 71 {
                #expect(result.errorLines.first?.hasSuffix("prime-sum: could not start a worker thread: Resource temporarily unavailable") == true)
            }
        }
    }

    /// With a checkpoint the signal goes as soon as the rank handles it (set before MPI starts, so mostly
    /// while MPI is still starting): a signal in the job's first moments is honoured too.
    @Test("SIGQUIT to a rank ends the job without a backtrace; with a checkpoint it stops resumably (75)")
    func quitSignal() throws {
        try #require(!BoundedCommand.isMPICH)
        let folder = try Self.scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("journal").path
        for checkpoint in [[], ["--checkpoint", path]] {
            let job = try BoundedCommand.startMPIRun(ranks: 2, "prime-sum", ["--quiet", "--method", "sieve"] + checkpoint + ["1000000000007"])
            let mpirun = try #require(BoundedCommand.poll(for: 20) { job.programID != nil } ? job.programID : nil)
            var rank: Int32?
            #expect(BoundedCommand.poll(for: 20) { rank = Self.rankProcess(1, childOf: mpirun); return rank != nil })
            if let rank, !checkpoint.isEmpty {
                #expect(BoundedCommand.poll(for: 20) { Self.catches(SIGQUIT, process: rank) }, "rank 1 never handled SIGQUIT")
            } else {
                usleep(500_000)
            }
            if let rank { kill(rank, SIGQUIT) }
            let result = try job.wait()
            #expect(result.status != 0 && result.seconds < 60, "\(checkpoint): \(result.status)")
            #expect(!result.standardError.contains("crashed") && !result.standardError.contains("Backtrac"),
                    "\(result.standardError.prefix(400))")
            if !checkpoint.isEmpty { #expect(result.status == 75, "\(result.standardError.prefix(400))") }
        }
    }

    @Test("SIGINT in run.sh's first moments is not lost: no answer, nothing left running", arguments: [0, 10_000, 30_000])
    func earlySignal(delayMicroseconds: UInt32) throws {
        let marker = "\(1_000_000_000_100 + Int(delayMicroseconds / 1000))"
        let job = try BoundedCommand.startScript(["--no-build", "-n", "1", "--", "--quiet", marker, "--method", "sieve"], timeLimit: 60)
        #expect(BoundedCommand.poll(for: 5) { job.programID != nil })
        usleep(delayMicroseconds)
        job.signal(SIGINT)
        let result = try job.wait()
        #expect(result.status != 0, "after \(delayMicroseconds) µs: \(result.status) \(result.standardError)")
        #expect(result.standardOutput.isEmpty)
        #expect(BoundedCommand.poll(for: 15) { BoundedCommand.processes(matching: marker).isEmpty }, "a job was left running")
    }

    @Test("run.sh says which rank was killed, on which host, in one sentence and nothing else", arguments: [0, 2])
    func killedRankThroughRunScript(victim: Int) throws {
        let marker = "100000000\(victim)200"
        let job = try BoundedCommand.startScript(["--no-build", "-n", "3", "--oversubscribe", "--", "--quiet", marker, "--method", "sieve"],
                                                 timeLimit: 120)
        var ranks: [Int32] = []
        #expect(BoundedCommand.poll(for: 30) {
            ranks = BoundedCommand.processes(matching: "^[^ ]*prime-sum --quiet \(marker)")
            return ranks.count == 3
        }, "the 3 ranks did not start")
        // The rank's number, from the environment mpirun gave it.
        let target = ranks.first { pid in
            let environment = (try? String(contentsOfFile: "/proc/\(pid)/environ", encoding: .utf8)) ?? ""
            return environment.split(separator: "\0").contains("OMPI_COMM_WORLD_RANK=\(victim)")
        }
        #expect(target != nil, "no rank \(victim) among \(ranks)")
        if let target { kill(target, SIGKILL) }
        let result = try job.wait()
        #expect(result.status == 137, "\(result.status) \(result.standardError)")
        let host = ProcessInfo.processInfo.hostName.split(separator: ".").first.map(String.init) ?? ""
        #expect(result.standardError == "run.sh: rank \(victim) of the job, on host \(host), was killed by signal 9 (Killed); "
                + "the other ranks were stopped\n", "\(result.standardError)")
    }

    @Test("a host unreachable from the start ends the launch after --startup-timeout (68), naming it, nothing left",
          .enabled(if: ClusterTests.canBuildHosts, "SKIPPED: needs root and iproute2 to build test hosts in network namespaces"))
    func unreachableHostAtStartUp() throws {
        let result = try BoundedCommand.run(ClusterTests.script("netns-cluster.sh"),
                                            ["2", "--", "--startup-timeout", "8", "--", "--quiet", "--method", "sieve", "1000000000500"],
                                            timeLimit: 120, environment: ["PRIMESUM_TEST_LINK_DOWN": "2:0"])
        #expect(result.status == 68, "\(result.status): \(result.standardError)")
        #expect(result.standardError.contains("did not start within 8 seconds: no answer from "), "\(result.standardError)")
        #expect(result.standardError.contains(".2 "), "the silent host is not named: \(result.standardError)")
        #expect(result.seconds < 40 && result.standardOutput.isEmpty)
        #expect(BoundedCommand.processes(matching: "1000000000500").isEmpty, "processes left behind")
    }
}
