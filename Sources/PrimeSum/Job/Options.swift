import MPI

import PrimeSieve

extension DistributedPrimeSum {
    /// How the job runs, beyond what it computes.
    public struct Options: Sendable {
        /// Threads per rank.
        public var threads: Int
        /// The engine's tuning.
        public var sieve: SieveConfiguration
        /// Seconds between progress displays on rank 0's standard error; nil for none.
        public var progressInterval: Double?
        /// How the work is spread over the ranks.
        public var schedule: Schedule
        /// The checkpoint journal's path, if the job keeps one: it then runs the dynamic schedule, whose
        /// pieces are the journal's records, and stops resumably on SIGTERM, SIGINT or SIGUSR1.
        public var checkpoint: String?
        /// Seconds a rank may go without reporting its progress before the job is ended (exit status 75).
        public var silenceLimit: Double
        /// How the answers are found; `auto` is resolved by ``resolved(for:)`` before the job runs.
        public var method: Method

        /// The default ``silenceLimit``: long enough for a rank starved of its core by other jobs for minutes.
        public static let defaultSilenceLimit = 300.0

        public init(threads: Int = 1, sieve: SieveConfiguration = .default, progressInterval: Double? = nil,
                    schedule: Schedule = .static, checkpoint: String? = nil, silenceLimit: Double = defaultSilenceLimit,
                    method: Method = .auto) {
            self.method = method
            self.threads = threads
            self.sieve = sieve
            self.progressInterval = progressInterval
            self.schedule = schedule
            self.checkpoint = checkpoint
            self.silenceLimit = silenceLimit
        }

        var usesDynamicSchedule: Bool { schedule == .dynamic || checkpoint != nil }

        /// The options with `method` resolved for `request` (`auto` by the cost models, alike on every rank).
        func resolved(for request: Request) -> Options {
            var options = self
            if options.method == .auto { options.method = request.cheaperMethod }
            return options
        }
    }

    /// How the work is spread over the ranks.
    public enum Schedule: String, Sendable, CaseIterable {
        /// Rank 0 scatters each rank a run of pieces of equal estimated cost.
        case `static`
        /// Rank 0 deals pieces of equal estimated cost on demand to whichever rank is free.
        case dynamic
    }
}

/// What a rank does instead of computing: rank 0 prints `message` (help, or a usage error's sentence), and
/// every rank exits with `status`.
public struct EarlyExit: Error, Sendable {
    public var message: String
    public var toStandardError: Bool
    public var status: Int32

    public init(message: String, toStandardError: Bool, status: Int32) {
        self.message = message
        self.toStandardError = toStandardError
        self.status = status
    }

    /// Prints the message (at rank 0 alone) and returns the status to exit with: the early exit's own, or 74
    /// when standard output cannot take it (help sent to a full disk or a closed stream is lost, not shown).
    func print() -> Int32 {
        guard !toStandardError else {
            writeToStandardError(message)
            return status
        }
        do throws(StandardStreams.WriteFailed) {
            try StandardStreams.writeToStandardOutput(message)
        } catch {
            writeToStandardError("prime-sum: cannot write to standard output: \(error)\n")
            return ExitStatus.ioError
        }
        return status
    }
}
