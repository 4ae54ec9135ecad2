import Foundation
import Testing
import TestSupport

/// Real clusters, built by the tests themselves: hosts in network namespaces, and a throwaway Slurm.
/// Where they cannot be built (not root, no `ip`, no Slurm), the tests are reported as skipped, never passed.
@Suite(.serialized) struct ClusterTests {
    static let canBuildHosts = BoundedCommand.isRoot && FileManager.default.isExecutableFile(atPath: "/usr/sbin/ip")
        || BoundedCommand.isRoot && FileManager.default.isExecutableFile(atPath: "/sbin/ip")
    static let canRunSlurm = BoundedCommand.isRoot && FileManager.default.isExecutableFile(atPath: "/usr/sbin/slurmctld")

    static func script(_ name: String) -> String {
        BoundedCommand.projectFolder.appendingPathComponent("Tests/Cluster/\(name)").path
    }

    static func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test("across 3 hosts in network namespaces over TCP: the local answer, from 3 different hosts",
          .enabled(if: canBuildHosts, "SKIPPED: needs root and iproute2 to build test hosts in network namespaces"))
    func acrossThreeHosts() throws {
        let local = try BoundedCommand.mpirun(ranks: 1, "prime-sum", ["2^32-1e7", "2^32+1e7"], timeLimit: 120)
        let result = try BoundedCommand.run(Self.script("netns-cluster.sh"),
                                            ["3", "--", "--", "--quiet", "--method", "sieve", "--json", "2^32-1e7", "2^32+1e7"], timeLimit: 180)
        #expect(result.status == 0, "\(result.standardError)")
        let document = try Self.json(result.standardOutput)
        let results = try #require(document["results"] as? [[String: String]])
        #expect(local.standardOutput.contains("\(results.first?["sum"] ?? "none") (\(results.first?["count"] ?? "none") primes)"))
        let hosts = (document["perRank"] as? [[String: Any]] ?? []).compactMap { $0["host"] as? String }
        #expect(Set(hosts) == ["h1", "h2", "h3"], "hosts \(hosts)")
    }

    @Test("sbatch run.sh on a 2-node Slurm with 4 tasks gives the local answer",
          .enabled(if: canRunSlurm, "SKIPPED: needs root and Debian's slurmctld, slurmd, slurm-client and munge"))
    func slurmBatchJob() throws {
        let local = try BoundedCommand.mpirun(ranks: 1, "prime-sum", ["--batch", "1e6:2e6:5e4"], timeLimit: 120)
        let result = try BoundedCommand.run(Self.script("slurm-cluster.sh"),
                                            ["2", "4", "--", "--no-build", "--", "--quiet", "--method", "sieve", "--json", "--batch", "1e6:2e6:5e4"],
                                            timeLimit: 300)
        #expect(result.status == 0, "\(result.standardOutput)\n\(result.standardError)")
        let document = try Self.json(result.standardOutput)
        #expect(document["ranks"] as? Int == 4)
        let sums = (document["results"] as? [[String: String]] ?? []).compactMap { $0["sum"] }
        let localSums = local.standardOutput.split(separator: "\n").map { $0.split(separator: " ")[5] }
        #expect(sums.count == 20 && sums.map { Substring($0) } == localSums)
    }

    @Test("a usage error in a Slurm job of 4 tasks: prime-sum's one sentence, once, status 64, no srun exit lines",
          .enabled(if: canRunSlurm, "SKIPPED: needs root and Debian's slurmctld, slurmd, slurm-client and munge"))
    func slurmUsageError() throws {
        let result = try BoundedCommand.run(Self.script("slurm-cluster.sh"),
                                            ["2", "4", "--", "--no-build", "--", "--threads", "0", "5"], timeLimit: 300)
        #expect(result.status == 64, "\(result.standardOutput)\n\(result.standardError)")
        #expect(result.standardOutput.isEmpty, "\(result.standardOutput)")
        let sentences = result.errorLines.filter { $0.hasPrefix("prime-sum: ") }
        #expect(sentences == ["prime-sum: --threads must be between 1 and 1024, not 0; see 'prime-sum --help'"],
                "\(result.standardError)")
        #expect(!result.standardError.contains("srun:"), "\(result.standardError)")
    }

    @Test("a host's link going down mid-run ends the job within --net-timeout (plus start-up), nothing left",
          .enabled(if: canBuildHosts, "SKIPPED: needs root and iproute2 to build test hosts in network namespaces"))
    func linkDown() throws {
        let result = try BoundedCommand.run(Self.script("netns-cluster.sh"),
                                            ["3", "--", "--net-timeout", "6", "--", "--quiet", "--method", "sieve", "1e13"], timeLimit: 120,
                                            environment: ["PRIMESUM_TEST_LINK_DOWN": "3:4"])
        #expect(result.status != 0 && result.status != 124, "status \(result.status): \(result.standardError)")
        // 4 s until the link goes down, about 6 s to notice, a few to tear down.
        #expect(result.seconds < 25, "the job took \(result.seconds) s to end")
        #expect(result.standardOutput.isEmpty)
        #expect(BoundedCommand.processes(matching: "prime-sum --quiet 1e13").isEmpty, "processes left behind")
    }

    @Test("a rank killed on another host: run.sh names the rank and that host in one sentence, nothing left",
          .enabled(if: canBuildHosts, "SKIPPED: needs root and iproute2 to build test hosts in network namespaces"))
    func killedRankOnAnotherHost() throws {
        let result = try BoundedCommand.run(Self.script("netns-cluster.sh"),
                                            ["3", "--", "--", "--quiet", "--method", "sieve", "1000000000000300"], timeLimit: 120,
                                            environment: ["PRIMESUM_TEST_KILL_RANK": "2:4"])
        #expect(result.status == 137, "status \(result.status): \(result.standardError)")
        // Host 3 (rank 2 of 3 with one slot per host), by its hostfile address.
        let said = /^run\.sh: rank 2 of the job, on host 10\.\d+\.\d+\.3, was killed by signal 9 \(Killed\); the other ranks were stopped\n$/
        #expect(result.standardError.wholeMatch(of: said) != nil, "\(result.standardError)")
        #expect(result.standardOutput.isEmpty)
        #expect(BoundedCommand.processes(matching: "prime-sum --quiet 1000000000000300").isEmpty, "processes left behind")
    }

    @Test("a Slurm job past its 1-minute limit saves its chunks and exits 75; resubmitted, it finishes exactly",
          .enabled(if: canRunSlurm, "SKIPPED: needs root and Debian's slurmctld, slurmd, slurm-client and munge"))
    func slurmTimeLimit() throws {
        let folder = try CheckpointTests.scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let journal = folder.appendingPathComponent("journal").path
        // 2^64 - 6e10 .. 2^64: about 70 s of work on 2 cores, more than the first job gets before Slurm's
        // warning (10-40 s after it starts: the warning may come up to 30 s early) or its time limit.
        let range = ["2^64-6e10", "2^64"]
        let result = try BoundedCommand.run(
            Self.script("slurm-cluster.sh"),
            ["1", "2", "--", "--no-build", "--", "--quiet", "--method", "sieve", "--checkpoint", journal] + range, timeLimit: 600,
            environment: ["SLURM_TEST_FIRST_SBATCH": "--time=1 --signal=B:USR1@50", "SLURM_TEST_JOB_SECONDS": "240"])
        #expect(result.standardError.contains("first job exit code 75"), "\(result.standardError)")
        #expect(result.standardError.contains("run the same command again to resume"))
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput == "sum of primes in [18446744013709551616, 18446744073709551616): "
                + "\(KnownAnswers.top6e10.sum) (\(KnownAnswers.top6e10.count) primes)\n")
    }

    /// Checks a combinatorial job's JSON document: the published sum below `n`, the method, and the four
    /// components with pieces; returns the hosts of its ranks.
    static func expectCombinatorialDocument(_ text: String, below n: UInt128) throws -> [String] {
        let document = try json(text)
        let known = KnownAnswers.largePowersOfTen.first { $0.n == n }!
        let results = try #require(document["results"] as? [[String: String]])
        #expect(results == [["lo": "0", "hi": "\(n)", "count": "\(known.count)", "sum": "\(known.sum)", "method": "combinatorial"]])
        let components = (document["components"] as? [[String: Any]] ?? []).compactMap { $0["pieces"] as? Int }
        #expect(components.count == 4 && components.allSatisfy { $0 > 0 }, "components \(components)")
        return (document["perRank"] as? [[String: Any]] ?? []).compactMap { $0["host"] as? String }
    }

    @Test("a combinatorial job across 3 namespace hosts over TCP: the published sum below 10^15",
          .enabled(if: canBuildHosts, "SKIPPED: needs root and iproute2 to build test hosts in network namespaces"))
    func combinatorialAcrossThreeHosts() throws {
        let result = try BoundedCommand.run(Self.script("netns-cluster.sh"),
                                            ["3", "--", "--", "--quiet", "--method", "combinatorial", "--json", "1e15"], timeLimit: 180)
        #expect(result.status == 0, "\(result.standardError)")
        let hosts = try Self.expectCombinatorialDocument(result.standardOutput, below: 1_000_000_000_000_000)
        #expect(Set(hosts) == ["h1", "h2", "h3"], "hosts \(hosts)")
    }

    @Test("a combinatorial sbatch job on a 2-node Slurm with 4 tasks: the published sum below 10^15",
          .enabled(if: canRunSlurm, "SKIPPED: needs root and Debian's slurmctld, slurmd, slurm-client and munge"))
    func combinatorialSlurmJob() throws {
        let result = try BoundedCommand.run(Self.script("slurm-cluster.sh"),
                                            ["2", "4", "--", "--no-build", "--", "--quiet", "--method", "combinatorial", "--json", "1e15"],
                                            timeLimit: 300)
        #expect(result.status == 0, "\(result.standardOutput)\n\(result.standardError)")
        let hosts = try Self.expectCombinatorialDocument(result.standardOutput, below: 1_000_000_000_000_000)
        #expect(hosts.count == 4)
    }

    @Test("a combinatorial Slurm job past its 1-minute limit saves its pieces and exits 75; resubmitted, it finishes exactly",
          .enabled(if: canRunSlurm, "SKIPPED: needs root and Debian's slurmctld, slurmd, slurm-client and munge"))
    func combinatorialSlurmTimeLimit() throws {
        let folder = try CheckpointTests.scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let journal = folder.appendingPathComponent("journal").path
        // The sum below 10^18: about 195 CPU-seconds, some 100 s on 2 cores, well past the first job's
        // warning from Slurm (10-40 s after it starts).
        let result = try BoundedCommand.run(
            Self.script("slurm-cluster.sh"),
            ["1", "2", "--", "--no-build", "--", "--quiet", "--method", "combinatorial", "--checkpoint", journal, "1e18"],
            timeLimit: 600,
            environment: ["SLURM_TEST_FIRST_SBATCH": "--time=1 --signal=B:USR1@50", "SLURM_TEST_JOB_SECONDS": "240"])
        #expect(result.standardError.contains("first job exit code 75"), "\(result.standardError)")
        #expect(result.standardError.contains("run the same command again to resume"))
        #expect(result.status == 0, "\(result.standardError)")
        let known = KnownAnswers.largePowersOfTen.first { $0.n == 1_000_000_000_000_000_000 }!
        #expect(result.standardOutput == "sum of primes below 1000000000000000000: \(known.sum) (\(known.count) primes)\n")
    }

    @Test("the batch script docs/operations.md gives, submitted as written (its folder and journal aside): warned a minute before its 1-minute limit it exits 75; resubmitted, it finishes exactly",
          .enabled(if: canRunSlurm, "SKIPPED: needs root and Debian's slurmctld, slurmd, slurm-client and munge"))
    func documentedBatchScript() throws {
        let folder = try CheckpointTests.scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let journal = folder.appendingPathComponent("sum-1e18.journal").path
        let guide = try String(contentsOf: BoundedCommand.projectFolder.appendingPathComponent("docs/operations.md"), encoding: .utf8)
        let start = try #require(guide.range(of: "```sh\n#!/bin/bash\n"), "no batch script in docs/operations.md")
        let end = try #require(guide.range(of: "```", range: start.upperBound..<guide.endIndex))
        var script = String(guide[guide.index(start.lowerBound, offsetBy: 6)..<end.lowerBound])
        #expect(script.contains("#SBATCH --signal=B:USR1@60") && script.contains("\nexec ./run.sh --no-build -- "), "\(script)")
        // The site's folder becomes this checkout and its journal one in the test's folder; the request stays
        // 10^18 (some 100 s on this machine's 2 cores, well past the warning that comes within 30 s).
        script = script.replacingOccurrences(of: "cd /home/$USER/PrimeSum", with: "cd \(BoundedCommand.projectFolder.path)")
            .replacingOccurrences(of: "--checkpoint sum-1e18.journal --json 1e18", with: "--checkpoint \(journal) --json 1e18")
        #expect(script.contains(journal))
        let path = folder.appendingPathComponent("prime-sum.sbatch").path
        try script.write(toFile: path, atomically: true, encoding: .utf8)
        // Its 16 tasks per node and 2 hours give way to this machine's 2 nodes × 1 task and a 1-minute limit.
        let result = try BoundedCommand.run(Self.script("slurm-cluster.sh"), ["2", "2"], timeLimit: 600,
                                            environment: ["SLURM_TEST_SCRIPT": path, "SLURM_TEST_SBATCH": "--ntasks-per-node=1",
                                                          "SLURM_TEST_FIRST_SBATCH": "--time=1",
                                                          "SLURM_TEST_JOB_SECONDS": "240"])
        #expect(result.standardError.contains("first job exit code 75"), "\(result.standardError)")
        #expect(result.standardError.contains("run the same command again to resume"), "\(result.standardError)")
        #expect(result.status == 0, "\(result.standardError)")
        let known = KnownAnswers.largePowersOfTen.first { $0.n == 1_000_000_000_000_000_000 }!
        // The second job's document: the last one that starts at a line's start.
        let lines = result.standardOutput.split(separator: "\n", omittingEmptySubsequences: false)
        let last = lines.lastIndex { $0.hasPrefix("{") } ?? 0
        let document = try Self.json(lines[last...].joined(separator: "\n"))
        let results = document["results"] as? [[String: String]] ?? []
        #expect(results.first?["sum"] == "\(known.sum)" && results.first?["count"] == "\(known.count)", "\(result.standardOutput)")
    }
}
