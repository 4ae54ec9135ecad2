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
}
