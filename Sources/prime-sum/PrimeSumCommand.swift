import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif
import PrimeSieve
import PrimeSum
import PrimeSumCommandLine

/// The command line of `prime-sum`: what to compute and how to print it.
struct PrimeSumCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prime-sum",
        abstract: "Exact sums of primes over huge integer ranges, spread across MPI ranks.",
        discussion: """
            Bounds are exclusive: 'prime-sum 100' sums the primes below 100 (1060: 97 is the largest), and \
            'prime-sum 10 20' those in [10, 20), 20 excluded (60). primesieve's and primecount's bounds are \
            inclusive: 'primesieve 10 20' counts [10, 20], so 'prime-sum 10 21' is its range.

            Numbers may be written 1000000, 1_000_000, 1e9, 10^12, 2**64, 2^64-1 or (2^32+1)*3; every value \
            must be an exact integer in [0, 2^64]. Run it under mpirun to use several ranks, or directly as a \
            single rank.

            With --checkpoint FILE, rank 0 saves each finished chunk in FILE; SIGTERM, SIGINT or SIGUSR1 then stop \
            the job resumably, and the same command run again (with any number of ranks or threads) skips the \
            saved chunks.

            Exit status: \(ExitStatus.summary).
            """)

    @Argument(help: ArgumentHelp("N: the sum of the primes below N; or A B: the sum of the primes in [A, B).",
                                 valueName: "numbers"))
    var numbers: [String] = []

    @Option(parsing: .unconditional,
            help: ArgumentHelp("The sum of the primes below each bound of FROM..<TO by STEP (Python range).",
                               valueName: "FROM:TO:STEP"))
    var batch: String?

    @Option(name: [.customShort("t"), .long], parsing: .unconditional,
            help: "Threads per rank (default: SLURM_CPUS_PER_TASK in a Slurm job that sets it, else 1).")
    var threads: Int?

    @Option(name: .customLong("segment-kib"), parsing: .unconditional,
            help: ArgumentHelp("Largest sieve segment in KiB, a power of two up to 8192 (default: sized to this "
                               + "machine's caches; ranges below ~10^11 use less)."))
    var segmentKiB: Int?

    @Flag(help: "Print one JSON document instead of lines.")
    var json = false

    @Option(help: ArgumentHelp("static: one range of equal estimated cost per rank; dynamic: rank 0 deals chunks on demand (for unequal or busy nodes).", valueName: "static|dynamic"))
    var schedule: DistributedPrimeSum.Schedule = .static

    @Option(help: ArgumentHelp("sieve: the segmented sieve; combinatorial: Deléglise–Rivat per bound; auto: whichever the cost models say is faster.", valueName: "auto|sieve|combinatorial"))
    var method: Method = .auto

    @Flag(name: [.customShort("q"), .long], help: "No progress on standard error.")
    var quiet = false

    @Option(help: ArgumentHelp("Print only numbers, one line per answer: its sum, its count, or both (sum, then count).",
                               valueName: "sum|count|both"))
    var print: PrintedNumbers?

    @Option(parsing: .unconditional, help: ArgumentHelp("Seconds between progress reports on standard error for runs longer than a second (default: 1 on a terminal, 10 otherwise; 0: none).", valueName: "seconds"))
    var progress: Double?

    @Option(parsing: .unconditional, help: ArgumentHelp("Save each finished chunk in FILE, and skip the chunks FILE already holds: an interrupted job resumes where it stopped. Implies --schedule dynamic.", valueName: "file"))
    var checkpoint: String?

    @Option(parsing: .unconditional, help: ArgumentHelp("Write the answers to FILE instead of standard output, atomically: FILE holds all of them or is left as it was (for batch jobs whose output file mixes in other lines).", valueName: "file"))
    var output: String?

    @Flag(help: "Print the release, the commit it was built from, the MPI library and the sieve's vector kernels, and exit.")
    var version = false

    @Flag(help: "After the answers, print each rank's figures (sieve: host, range, primes, seconds; combinatorial: host, pieces, seconds, then each component's pieces, CPU seconds and share) and the load imbalance.")
    var report = false

    @Option(name: .customLong("silence-limit"), parsing: .unconditional,
            help: ArgumentHelp("End the job (status 75) when a rank has not reported for this many seconds: stopped, frozen or unreachable (default 300).", valueName: "seconds"))
    var silenceLimit: Double = DistributedPrimeSum.Options.defaultSilenceLimit

    /// The largest `--threads` accepted.
    static let maximumThreads = 1024

    func validate() throws {
        if let threads, !(1...Self.maximumThreads).contains(threads) {
            throw ValidationError("--threads must be between 1 and \(Self.maximumThreads), not \(threads)")
        }
        if let progress, !(progress >= 0 && progress <= 86400) {
            throw ValidationError("--progress must be a number of seconds from 0 to 86400, not \(progress)")
        }
        if let checkpoint, checkpoint.isEmpty { throw ValidationError("--checkpoint needs a file name") }
        if let output, output.isEmpty { throw ValidationError("--output needs a file name") }
        guard silenceLimit >= 1 && silenceLimit <= 86400 else {
            throw ValidationError("--silence-limit must be a number of seconds from 1 to 86400, not \(silenceLimit)")
        }
        if print != nil && json { throw ValidationError("--print and --json are two ways to print the answers; give one") }
        if let segmentKiB, !(1...8192).contains(segmentKiB) || segmentKiB.nonzeroBitCount != 1 {
            throw ValidationError("--segment-kib must be a power of two from 1 to 8192, not \(segmentKiB)")
        }
    }

    /// How the job is to run.
    var options: DistributedPrimeSum.Options {
        var options = DistributedPrimeSum.Options(threads: threadsPerRank, progressInterval: progressInterval,
                                                  schedule: schedule, checkpoint: checkpoint, silenceLimit: silenceLimit,
                                                  method: method)
        if let segmentKiB { options.sieve = SieveConfiguration(segmentBytes: segmentKiB * 1024) }
        return options
    }

    /// `--threads`, else the CPUs Slurm gives each task (`SLURM_CPUS_PER_TASK`, set by `--cpus-per-task`), else 1.
    var threadsPerRank: Int {
        if let threads { return threads }
        let slurm = getenv("SLURM_CPUS_PER_TASK").flatMap { Int(String(cString: $0)) }
        return slurm.map { min(max($0, 1), Self.maximumThreads) } ?? 1
    }

    /// Seconds between progress reports, or nil for none.
    var progressInterval: Double? {
        if quiet || progress == 0 { return nil }
        return progress ?? (ProgressExchange.standardErrorIsTerminal ? 1 : 10)
    }

    /// What rank 0 prints of the outcome.
    func render(_ outcome: JobOutcome) -> String {
        if json { return Output.json(outcome) }
        let answers = print.map { Output.numbers(outcome, $0) } ?? Output.humanReadable(outcome)
        return answers + (report ? Output.report(outcome) : "")
    }
}

extension DistributedPrimeSum.Schedule: ExpressibleByArgument {}
extension Method: ExpressibleByArgument {}
extension PrintedNumbers: ExpressibleByArgument {}
