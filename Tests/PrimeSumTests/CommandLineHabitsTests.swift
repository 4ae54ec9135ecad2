import Foundation
import Testing
import TestSupport

/// The command line users know from primesieve and primecount: short options, bare numbers for scripts,
/// `--version`, exclusive bounds said in `--help`, `**` and parentheses in numbers.
struct CommandLineHabitsTests {
    static func run(_ arguments: [String]) throws -> CommandResult {
        try BoundedCommand.run(BoundedCommand.product("prime-sum"), arguments, timeLimit: 60)
    }

    @Test("-t and -q are --threads and --quiet; numbers take ** and parentheses")
    func shortOptionsAndNumbers() throws {
        let result = try Self.run(["-t", "2", "-q", "(2^3+2)*10"])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput == "sum of primes below 100: 1060 (25 primes)\n")
        #expect(try Self.run(["-q", "2**10"]).standardOutput == "sum of primes below 1024: 80189 (172 primes)\n")
    }

    @Test("--print sum|count|both prints bare numbers, one line per answer; with --json it is a usage error")
    func bareNumbers() throws {
        #expect(try Self.run(["--print", "sum", "100"]).standardOutput == "1060\n")
        #expect(try Self.run(["--print", "count", "10", "20"]).standardOutput == "4\n")
        #expect(try Self.run(["--print", "both", "--batch", "10:30:10"]).standardOutput == "17 4\n77 8\n")
        let both = try Self.run(["--print", "sum", "--json", "100"])
        #expect(both.status == 64 && both.errorLines.count == 1, "\(both.standardError)")
        #expect(try Self.run(["--print", "digits", "100"]).status == 64)
    }

    @Test("--version names the release, the commit of this checkout, the MPI library and the sieve kernels")
    func version() throws {
        let result = try Self.run(["--version"])
        #expect(result.status == 0)
        let lines = result.standardOutput.split(separator: "\n")
        #expect(lines.count == 3, "\(result.standardOutput)")
        let head = try BoundedCommand.run("/usr/bin/git", ["-C", BoundedCommand.projectFolder.path, "rev-parse", "--short=12", "HEAD"])
        #expect(lines.first?.hasPrefix("prime-sum 0.") == true)
        if head.status == 0 { #expect(lines.first?.hasSuffix("(commit \(head.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)))") == true) }
        #expect(lines.dropFirst().first?.hasPrefix("MPI: ") == true && lines.dropFirst().first?.contains("MPI") == true)
        #expect(lines.last?.hasPrefix("sieve kernels on this CPU: ") == true)
    }

    @Test("--help says the bounds are exclusive, unlike primesieve's, with an example of each")
    func exclusiveBounds() throws {
        let help = try Self.run(["--help"]).standardOutput.replacingOccurrences(of: "\n", with: " ")
            .split(separator: " ").joined(separator: " ")
        #expect(help.contains("Bounds are exclusive"))
        #expect(help.contains("'primesieve 10 20' counts [10, 20], so 'prime-sum 10 21' is its range"))
    }

    @Test("a job without --checkpoint stopped through run.sh ends with the shell's status: SIGINT 130, SIGTERM 143",
          arguments: [(SIGINT, Int32(130)), (SIGTERM, Int32(143))])
    func signalStatus(signal: Int32, status: Int32) throws {
        let marker = "\(1_000_000_000_300 + Int(signal))"
        let job = try BoundedCommand.startScript(["--no-build", "-n", "2", "--", "--quiet", marker, "--method", "sieve"], timeLimit: 60)
        #expect(BoundedCommand.poll(for: 30) { BoundedCommand.processes(matching: "^[^ ]*prime-sum --quiet \(marker)").count == 2 })
        job.signal(signal)
        let result = try job.wait()
        #expect(result.status == status, "\(result.status) \(result.standardError)")
        #expect(result.standardOutput.isEmpty)
        #expect(BoundedCommand.poll(for: 15) { BoundedCommand.processes(matching: marker).isEmpty }, "a job was left running")
    }

    @Test("more ranks than the hostfile's slots is a usage error (64, one sentence) unless --oversubscribe")
    func ranksBeyondSlots() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("hostfile-\(UUID().uuidString)").path
        try "localhost slots=2\n".write(toFile: path, atomically: false, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let refused = try BoundedCommand.runScript(["--no-build", "--hostfile", path, "-n", "3", "--", "100"], timeLimit: 60)
        #expect(refused.status == 64 && refused.errorLines.count == 1, "\(refused.standardError)")
        #expect(refused.standardError.contains("3 ranks but the hostfile '\(path)' has 2 slots"), "\(refused.standardError)")
        let allowed = try BoundedCommand.runScript(["--no-build", "--hostfile", path, "-n", "3", "--oversubscribe", "--", "100"],
                                                   timeLimit: 60)
        #expect(allowed.status == 0 && allowed.standardOutput == "sum of primes below 100: 1060 (25 primes)\n",
                "\(allowed.standardError)")
    }

    @Test("a point-to-point layer Open MPI lacks, from --pml or the user's OMPI_MCA_pml (respected), is refused: 64, one sentence")
    func missingPointToPointLayer() throws {
        let script = BoundedCommand.projectFolder.appendingPathComponent("run.sh").path
        let viaOption = try BoundedCommand.run(script, ["--no-build", "--pml", "bogus", "-n", "1", "--", "100"], timeLimit: 90)
        let viaEnvironment = try BoundedCommand.run(script, ["--no-build", "-n", "1", "--", "100"], timeLimit: 90,
                                                    environment: ["OMPI_MCA_pml": "ob1,bogus"])
        for result in [viaOption, viaEnvironment] {
            #expect(result.status == 64 && result.errorLines.count == 1 && result.standardOutput.isEmpty, "\(result.standardError)")
            #expect(result.standardError.contains("Open MPI has no point-to-point layer 'bogus'"), "\(result.standardError)")
        }
        let chosen = try BoundedCommand.run(script, ["--no-build", "--pml", "ob1", "-n", "1", "--", "100"], timeLimit: 90,
                                            environment: ["OMPI_MCA_pml": "bogus"])
        #expect(chosen.status == 0, "--pml wins over the environment: \(chosen.standardError)")
        let excluded = try BoundedCommand.run(script, ["--no-build", "-n", "1", "--", "100"], timeLimit: 90,
                                              environment: ["OMPI_MCA_pml": "^ucx"])
        #expect(excluded.status == 0, "\(excluded.standardError)")
    }

    @Test("when mpirun refuses a launch (a hostfile's host without slots has too few cores), its own reason reaches the user")
    func launchFailureSaysWhy() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("hostfile-\(UUID().uuidString)").path
        try "localhost\n".write(toFile: path, atomically: false, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let ranks = ProcessInfo.processInfo.activeProcessorCount + 1
        let result = try BoundedCommand.runScript(["--no-build", "--hostfile", path, "-n", "\(ranks)", "--", "100"], timeLimit: 90)
        #expect(result.status != 0 && result.standardOutput.isEmpty, "\(result.status)")
        #expect(result.standardError.contains("before the ranks were up; launching again to show its reason"), "\(result.standardError)")
        #expect(result.standardError.contains("not enough slots"), "\(result.standardError)")
    }

    @Test("--threads defaults to SLURM_CPUS_PER_TASK, else 1")
    func threadsFromSlurm() throws {
        let product = BoundedCommand.product("prime-sum")
        let slurm = try BoundedCommand.run(product, ["--json", "1000"], timeLimit: 60, environment: ["SLURM_CPUS_PER_TASK": "3"])
        #expect(slurm.standardOutput.contains("\"threads\": 3") || slurm.standardOutput.contains("\"threads\":3"),
                "\(slurm.standardOutput)")
        let plain = try BoundedCommand.run(product, ["--json", "1000"], timeLimit: 60)
        #expect(plain.standardOutput.contains("\"threads\": 1") || plain.standardOutput.contains("\"threads\":1"),
                "\(plain.standardOutput)")
        let given = try BoundedCommand.run(product, ["--json", "-t", "2", "1000"], timeLimit: 60, environment: ["SLURM_CPUS_PER_TASK": "3"])
        #expect(given.standardOutput.contains("\"threads\": 2") || given.standardOutput.contains("\"threads\":2"))
    }

    @Test("a rank bound to fewer cores than its threads says so once; unbound, nothing is said")
    func threadsBeyondBinding() throws {
        let bound = try BoundedCommand.run(BoundedCommand.launcher,
                                           BoundedCommand.mpirunFlags(ranks: 1).map { $0 == "none" ? "core" : $0 }
                                               + [BoundedCommand.product("prime-sum"), "-t", "2", "1000"], timeLimit: 60)
        #expect(bound.status == 0, "\(bound.standardError)")
        #expect(bound.errorLines.count == 1 && bound.standardError.contains("runs 2 threads on 1 core (its CPU binding)"),
                "\(bound.standardError)")
        try #require(ProcessInfo.processInfo.activeProcessorCount >= 2, "this machine has one core: every rank is short of cores")
        let free = try BoundedCommand.mpirun(ranks: 1, "prime-sum", ["-t", "2", "1000"], timeLimit: 60)
        #expect(free.status == 0 && free.standardError.isEmpty, "\(free.standardError)")
    }

    @Test("progress on a terminal of 60 columns stays on one line, with the time left in h/min/s")
    func progressFitsTheTerminal() throws {
        let session = "primesum-\(UUID().uuidString.prefix(8))"
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("\(session).out").path
        let script = BoundedCommand.projectFolder.appendingPathComponent("run.sh").path
        // run.sh bounds the job (--time-limit): tmux runs it outside any bound the test sets.
        let command = "\(script) --no-build --time-limit 120 -n 2 -- --method sieve --progress 0.5 1e11 2>&1; echo done-\(session) >> \(output)"
        let tmux = "/usr/bin/tmux"
        try #require(FileManager.default.isExecutableFile(atPath: tmux), "tmux is not installed: skipped")
        defer {
            _ = try? BoundedCommand.run(tmux, ["kill-session", "-t", session], timeLimit: 10)
            try? FileManager.default.removeItem(atPath: output)
        }
        // The tmux server outlives the bounded command that starts it: its own session, and none of the test
        // runner's files (the runner waits for every holder of one of them to close it).
        let detach = #"for fd in /proc/self/fd/*; do n=${fd##*/}; [ "$n" -gt 2 ] && eval "exec $n>&-"; done; "#
            + #"exec setsid "$0" new-session -d -s "$1" -x 60 -y 20 "$2" </dev/null >/dev/null 2>&1"#
        let started = try BoundedCommand.run("/bin/bash", ["-c", detach, tmux, session, command], timeLimit: 10)
        try #require(started.status == 0, "\(started.standardError)")
        var screens: [String] = []
        #expect(BoundedCommand.poll(for: 120) {
            if let pane = try? BoundedCommand.run(tmux, ["capture-pane", "-p", "-t", session], timeLimit: 10), pane.status == 0 {
                screens.append(pane.standardOutput)
            }
            return (try? String(contentsOfFile: output, encoding: .utf8))?.contains("done-") == true
        })
        let progress = screens.flatMap { $0.split(separator: "\n") }.filter { $0.contains("% of 2 ranks' work") }
        #expect(!progress.isEmpty, "no progress seen: \(screens.last ?? "")")
        #expect(progress.allSatisfy { $0.count < 60 }, "\(progress)")
        // One progress line per screen: updated in place, never wrapped onto a second row.
        #expect(screens.allSatisfy { $0.split(separator: "\n").filter { $0.contains("ranks' work") }.count <= 1 }, "\(screens)")
        #expect(progress.contains { $0.range(of: #"about \d+ (s|min \d\d s|h \d\d min) left"#, options: .regularExpression) != nil }
                    || progress.contains { $0.contains("time left unknown") }, "\(progress)")
    }

    @Test("--output FILE writes the answers there atomically: all of them, or the file is left as it was (74)")
    func outputFile() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("output-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("answer.json").path
        try "old\n".write(toFile: path, atomically: false, encoding: .utf8)
        let written = try Self.run(["--print", "both", "--output", path, "--batch", "10:40:10"])
        #expect(written.status == 0 && written.standardOutput.isEmpty, "\(written.standardError)")
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "17 4\n77 8\n129 10\n")
        let json = try Self.run(["--json", "--output", path, "100"])
        let document = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any]
        #expect(json.status == 0 && document?["results"] != nil)
        // A file that cannot be made: 74, one sentence, nothing half-written left behind.
        try "old\n".write(toFile: path, atomically: false, encoding: .utf8)
        let blocked = folder.appendingPathComponent("missing/answer").path
        let failed = try Self.run(["--output", blocked, "100"])
        #expect(failed.status == 74 && failed.standardError.contains("cannot write the answer"), "\(failed.standardError)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["answer.json"])
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "old\n")
    }

    // (`./run.sh build` cannot run here: `swift test` holds the build folder's lock for the whole run.)
    @Test("an Open MPI found on PATH (modules, Spack) is used as it is: no Debian package check, even when dpkg knows none")
    func mpiFromElsewhere() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fake-dpkg-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        // A dpkg that knows no package, as on a system whose MPI did not come from Debian.
        let fake = folder.appendingPathComponent("dpkg-query").path
        try "#!/bin/sh\nexit 1\n".write(toFile: fake, atomically: true, encoding: .utf8)
        chmod(fake, 0o755)
        let path = folder.path + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
        let script = BoundedCommand.projectFolder.appendingPathComponent("run.sh").path
        let result = try BoundedCommand.run(script, ["--no-build", "-n", "1", "--", "100"], timeLimit: 60, environment: ["PATH": path])
        #expect(result.status == 0 && result.standardOutput == "sum of primes below 100: 1060 (25 primes)\n", "\(result.standardError)")
    }

    @Test("shell completions for bash, zsh and fish name every option; the bash script parses")
    func completions() throws {
        let help = try Self.run(["--help"]).standardOutput
        let options = help.split(whereSeparator: { " ,\n".contains($0) }).filter { $0.hasPrefix("--") && $0.count > 2 }
            .map { String($0.split(separator: "=").first ?? $0) }
        #expect(options.contains("--checkpoint") && options.contains("--output"), "\(options)")
        for shell in ["bash", "zsh", "fish"] {
            let script = try Self.run(["--generate-completion-script", shell])
            #expect(script.status == 0, "\(shell): \(script.standardError)")
            for option in Set(options) where option != "--help" && option != "--generate-completion-script" {
                #expect(script.standardOutput.contains(option.dropFirst(2)), "\(shell) completion lacks \(option)")
            }
        }
        let bash = try Self.run(["--generate-completion-script", "bash"]).standardOutput
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("prime-sum-\(UUID().uuidString).bash").path
        try bash.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(try BoundedCommand.run("/bin/bash", ["-n", path], timeLimit: 30).status == 0)
    }

    @Test("the checked-in man page (docs/man/prime-sum.1) names every option --help lists: it is not stale")
    func manPage() throws {
        let page = try String(contentsOf: BoundedCommand.projectFolder.appendingPathComponent("docs/man/prime-sum.1"), encoding: .utf8)
        let help = try Self.run(["--help"]).standardOutput
        let options = Set(help.split(whereSeparator: { " ,\n".contains($0) }).filter { $0.hasPrefix("--") && $0.count > 2 })
        #expect(options.count > 10, "\(options)")
        for option in options {
            #expect(page.contains("Fl -\(option.dropFirst(2))"), "the man page lacks \(option): regenerate it (docs/man/README)")
        }
    }

    @Test("a checkout moved with its .build (module caches naming the old path) is rebuilt with one sentence, then answers")
    func movedBuildFolder() throws {
        let copy = FileManager.default.temporaryDirectory.appendingPathComponent("moved-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: copy, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: copy) }
        let project = BoundedCommand.projectFolder
        // The checkout and its Open MPI build folder (not the other build folders: MPICH's is another build).
        let entries = try FileManager.default.contentsOfDirectory(atPath: project.path).filter { !$0.hasPrefix(".build-") }
        let copied = try BoundedCommand.run("/bin/cp", ["-a"] + entries.map { project.appendingPathComponent($0).path } + [copy.path],
                                            timeLimit: 120)
        try #require(copied.status == 0, "\(copied.standardError)")
        let result = try BoundedCommand.run(copy.appendingPathComponent("run.sh").path, ["-n", "1", "--", "1e6"], timeLimit: 900)
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardError.contains("the build folder was made in another place; clearing its module caches and building again"),
                "\(result.standardError)")
        #expect(!result.standardError.contains("module cache path"), "\(result.standardError)")
        #expect(result.standardOutput == "sum of primes below 1000000: 37550402023 (78498 primes)\n")
    }

    @Test("./run.sh build --static makes a prime-sum that runs with no Swift library on its path: Open MPI's alone")
    func staticBinary() throws {
        let built = try BoundedCommand.runScript(["build", "--static"], timeLimit: 1200)
        #expect(built.status == 0, "\(built.standardError)")
        let binary = BoundedCommand.projectFolder.appendingPathComponent(".build-static/release/prime-sum").path
        #expect(built.standardError.contains("built \(binary)"), "\(built.standardError)")
        let libraries = try BoundedCommand.run("/usr/bin/ldd", [binary], timeLimit: 30)
        #expect(libraries.status == 0 && !libraries.standardOutput.lowercased().contains("swift"), "\(libraries.standardOutput)")
        // No Swift toolchain on the path, no library path: as on a compute node with Open MPI alone.
        let bare = ["PATH": "/usr/bin:/bin", "LD_LIBRARY_PATH": ""]
        let result = try BoundedCommand.run(BoundedCommand.launcher, BoundedCommand.mpirunFlags(ranks: 2) + [binary, "--batch", "1e6:2e6:5e5"],
                                            timeLimit: 60, environment: bare)
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput == "sum of primes below 1000000: 37550402023 (78498 primes)\n"
                + "sum of primes below 1500000: 82074443256 (114155 primes)\n")
    }
}
