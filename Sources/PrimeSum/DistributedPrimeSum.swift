import MPI
import PrimeSieve

/// The distributed job: rank 0 plans and scatters the ranges, every rank sieves its own, the per-query
/// tallies are reduced and the per-rank figures gathered at rank 0.
///
/// Every rank of the communicator calls ``run(_:options:on:)`` together; rank 0 alone gets the outcome.
public enum DistributedPrimeSum {
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
        /// Whether the job keeps a checkpoint (the same on every rank; rank 0 holds the journal). A
        /// checkpointed job runs the dynamic schedule, whose chunks are the journal's records.
        public var checkpointing: Bool

        public init(threads: Int = 1, sieve: SieveConfiguration = .default, progressInterval: Double? = nil,
                    schedule: Schedule = .static, checkpointing: Bool = false) {
            self.threads = threads
            self.sieve = sieve
            self.progressInterval = progressInterval
            self.schedule = schedule
            self.checkpointing = checkpointing
        }
    }

    /// How the work is spread over the ranks.
    public enum Schedule: String, Sendable, CaseIterable {
        /// Rank 0 cuts the span into one range of equal estimated cost per rank and scatters them.
        case `static`
        /// Rank 0 deals chunks of equal estimated cost on demand to whichever rank is free.
        case dynamic
    }

    /// Runs `request` across all ranks of `world`. Returns the outcome on rank 0, nil elsewhere.
    ///
    /// The request of rank 0 is authoritative: it is broadcast, so the other ranks' copies are not used.
    /// With `options.checkpointing`, rank 0 passes the opened `journal`: the chunks it holds are not computed
    /// again, and every chunk finished now is appended to it.
    public static func run(_ request: Request, options: Options, on world: Communicator,
                           journal: Journal? = nil) throws -> JobOutcome? {
        precondition(!options.checkpointing || world.rank != 0 || journal != nil, "rank 0 of a checkpointed job needs the journal")
        let start = Environment.wallTime()
        let root = world.root(0)
        let engine = PrimeSieve(configuration: options.sieve)

        var encoded = request.encoded
        try root.broadcast(&encoded)
        guard let request = Request(encoded: encoded) else { throw JobError.malformedBroadcast }
        let queries = request.queries

        let span = request.span
        let remaining = journal?.remaining(of: span) ?? [span]
        let saved = journal?.contributions() ?? [PrimeTally](repeating: .zero, count: queries.count)
        let progress = try options.progressInterval.map {
            try ProgressExchange(world: world, totalIntegers: remaining.reduce(0) { $0 + $1.hi - $1.lo },
                                 displayInterval: $0)
        }
        let sieveStart = Environment.wallTime()
        let outcome: RankWork.Outcome
        let myRange: [UInt128]
        switch options.checkpointing ? .dynamic : options.schedule {
        case .static:
            // Rank 0 cuts the span into ranges of equal estimated cost and scatters them, a pair per rank.
            if root.isCallerRoot {
                let pairs = plan(request, ranks: world.size, engine: engine).flatMap { [$0.lo, $0.hi] }
                myRange = try root.scatter(sending: pairs)
            } else {
                myRange = try root.scatter(as: UInt128.self)
            }
            let range = Query(lo: myRange[0], hi: myRange[1])
            let work = RankWork(range: range, queries: queries, threads: options.threads, engine: engine)
            if let progress {
                outcome = try work.run { integersDone in try progress.tick(integersDone: integersDone) }
                try progress.finish(integersDone: UInt64(range.hi - range.lo))
            } else {
                outcome = work.run { _ in }
            }
        case .dynamic:
            let chunks = root.isCallerRoot
                ? DynamicSchedule.chunks(of: remaining, span: span, threads: world.size * options.threads, engine: engine)
                : []
            let result = try DynamicSchedule.run(chunks: chunks, queries: queries, threads: options.threads,
                                                 engine: engine, world: world, progress: progress,
                                                 recordsChunks: options.checkpointing, journal: journal)
            outcome = result.outcome
            myRange = [result.hull.lo, result.hull.hi]
        }
        let seconds = Environment.wallTime() - sieveStart

        // Rank 0 adds what earlier runs saved in the checkpoint to its own share.
        let contributions = root.isCallerRoot ? zip(outcome.contributions, saved).map { $0 + $1 } : outcome.contributions
        let counts = try root.reduce(contributions.map(\.count), .sum)
        let sums = try root.reduce(contributions.map(\.sum), .sum)
        let hosts = try root.gatherv(Array(try Communicator.processorName().utf8))
        let ranges = try root.gather(myRange)
        let primes = try root.gather(outcome.total.count)
        let rankSeconds = try root.gather(seconds)

        guard let counts, let sums, let hosts, let ranges, let primes, let rankSeconds else { return nil }
        let perRank = (0..<world.size).map { rank in
            RankFigures(rank: rank, host: String(decoding: hosts[rank], as: UTF8.self),
                        range: Query(lo: ranges[2 * rank], hi: ranges[2 * rank + 1]),
                        primes: primes[rank], seconds: rankSeconds[rank])
        }
        return JobOutcome(
            request: request,
            answers: zip(queries, zip(counts, sums)).map { Answer(query: $0, tally: PrimeTally(count: $1.0, sum: $1.1)) },
            ranks: world.size, threads: options.threads,
            wallSeconds: Environment.wallTime() - start, perRank: perRank)
    }
}

extension DistributedPrimeSum {
    /// The ranks' ranges: the request's span cut into `ranks` consecutive ranges of equal estimated cost.
    static func plan(_ request: Request, ranks: Int, engine: PrimeSieve) -> [Query] {
        let span = request.span
        let borders = engine.equalCostBorders(from: span.lo, to: span.hi, parts: ranks)
        return zip(borders, borders.dropFirst()).map { Query(lo: $0, hi: $1) }
    }

    /// The answers the job would give on `ranks` ranks, computed here rank after rank without MPI: the same
    /// plan and the same per-rank work, summed as the reduce would sum them. For tests of the plan.
    public static func simulate(_ request: Request, ranks: Int, options: Options) -> [PrimeTally] {
        let engine = PrimeSieve(configuration: options.sieve)
        let queries = request.queries
        var answers = [PrimeTally](repeating: .zero, count: queries.count)
        for range in plan(request, ranks: ranks, engine: engine) {
            let work = RankWork(range: range, queries: queries, threads: options.threads, engine: engine).run { _ in }
            for (i, contribution) in work.contributions.enumerated() { answers[i] += contribution }
        }
        return answers
    }
}

/// A failure of the job itself (not of MPI, not of the user).
public enum JobError: Error, CustomStringConvertible {
    case malformedBroadcast

    public var description: String {
        switch self {
        case .malformedBroadcast: "internal error: the request broadcast by rank 0 could not be decoded"
        }
    }
}

/// One printed answer: the primes of a query's range.
public struct Answer: Sendable, Equatable {
    public var query: Query
    public var tally: PrimeTally
}

/// What one rank did.
public struct RankFigures: Sendable, Equatable {
    public var rank: Int
    public var host: String
    public var range: Query
    public var primes: UInt64
    public var seconds: Double
}

/// Everything rank 0 knows at the end of a job.
public struct JobOutcome: Sendable {
    public var request: Request
    public var answers: [Answer]
    public var ranks: Int
    public var threads: Int
    public var wallSeconds: Double
    public var perRank: [RankFigures]

    /// The slowest rank's sieve time over the mean: 1 when the ranks finished together.
    public var imbalance: Double {
        let seconds = perRank.map(\.seconds)
        let mean = seconds.reduce(0, +) / Double(Swift.max(seconds.count, 1))
        return mean > 0 ? seconds.max()! / mean : 1
    }
}

extension Request {
    /// The request as four 128-bit words, for the broadcast from rank 0.
    var encoded: [UInt128] {
        switch self {
        case .below(let n): [0, n, 0, 0]
        case .range(let lo, let hi): [1, lo, hi, 0]
        case .batch(let from, let to, let step): [2, from, to, step]
        }
    }

    init?(encoded words: [UInt128]) {
        guard words.count == 4 else { return nil }
        switch words[0] {
        case 0: self = .below(words[1])
        case 1: self = .range(words[1], words[2])
        case 2: self = .batch(from: words[1], to: words[2], step: words[3])
        default: return nil
        }
    }
}
