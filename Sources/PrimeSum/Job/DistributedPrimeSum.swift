import MPI
import PrimeSieve

#if canImport(Glibc)
import Glibc
#endif

/// The distributed job: rank 0 decides and plans, every rank computes its pieces, the per-query tallies are
/// reduced and the per-rank figures gathered at rank 0, which hands the outcome to the tool.
public enum DistributedPrimeSum {
    /// What the tool hands the job: a checked request to compute, or a message for rank 0 alone to print
    /// before every rank exits with the same status (help, a usage error).
    public enum Invocation: Sendable {
        case compute(Request, Options)
        case exit(EarlyExit)
    }

    /// The job's one entry point, called by every rank with its own parse of the same command line.
    ///
    /// Initialises MPI; rank 0 decides (its invocation is authoritative; it opens the journal) and tells the
    /// others; the job runs; rank 0 passes the outcome to `deliver`. Returns the status every rank exits with
    /// after `MPI_Finalize`. Every failure — MPI's, the journal's, `deliver`'s — ends the whole job with
    /// `MPI_Abort` and its ``ExitStatus``, so no rank is left waiting.
    public static func main(_ invocation: Invocation, deliver: (JobOutcome) throws -> Void) -> Int32 {
        Environment.run(threadLevel: .funneled, abortStatus: ExitStatus.mpiFailure) { environment -> Int32 in
            let world = environment.world
            announceStart(on: world)
            var invocation = invocation
            if case .compute(let request, let options) = invocation {
                let resolved = options.resolved(for: request)
                if let notice = resolved.notice, world.rank == 0 { writeToStandardError(notice) }
                invocation = .compute(request, resolved.options)
            }
            if case .compute(_, let options) = invocation, options.checkpoint != nil {
                Interruption.install()
            } else {
                Interruption.letQuitEndTheProcess()
            }
            let decision = try decide(invocation, world: world)
            if let status = decision.status { return status }
            guard case .compute(let request, let options) = invocation else { return ExitStatus.internalError }
            guard let outcome = try run(request, options: options, on: world, journal: decision.journal) else {
                return ExitStatus.success
            }
            do { try deliver(outcome) } catch { throw DeliveryFailed(underlying: error) }
            return ExitStatus.success
        }
    }

    /// Tells run.sh's start-up watchdog that every rank is up: rank 0 writes `PRIMESUM_STARTED_MARKER`, when
    /// set, as its first line of standard output (run.sh removes it before the answer reaches the user).
    private static func announceStart(on world: Communicator) {
        guard world.rank == 0, let marker = getenv("PRIMESUM_STARTED_MARKER") else { return }
        writeToStandardOutput(String(cString: marker) + "\n")
    }

    /// Rank 0 decides whether the job goes on — help, a usage error or a journal it cannot use ends it — and
    /// tells the others: the status to end with, or nil to compute (with the journal, at rank 0).
    private static func decide(_ invocation: Invocation,
                               world: Communicator) throws -> (status: Int32?, journal: Journal<ChunkRecord>?) {
        var verdict: Int32 = -1  // -1: go on; otherwise the status to exit with
        var journal: Journal<ChunkRecord>?
        if world.rank == 0 {
            switch invocation {
            case .exit(let early):
                early.print()
                verdict = early.status
            case .compute(let request, let options):
                do throws(JournalError) {
                    if let path = options.checkpoint { journal = try openJournal(at: path, for: request) }
                } catch {
                    writeToStandardError("\(error)\n")
                    verdict = error.abortStatus
                }
            }
        }
        try world.root(0).broadcast(&verdict)
        return (verdict >= 0 ? verdict : nil, journal)
    }

    static func openJournal(at path: String, for request: Request) throws(JournalError) -> Journal<ChunkRecord> {
        let kind = SieveWork(request: request, engine: PrimeSieve())
        return try Journal(path: path, description: request.journalDescription, accepts: kind.accepts)
    }

    /// Runs `request` across all ranks of `world`; the outcome at rank 0, nil elsewhere. Rank 0's request is
    /// authoritative (broadcast); with a journal (rank 0's), saved pieces are skipped and new ones appended.
    static func run(_ request: Request, options: Options, on world: Communicator,
                    journal: Journal<ChunkRecord>?) throws -> JobOutcome? {
        let start = Environment.wallTime()
        let request = try broadcast(request, from: world.root(0))
        var outcome: JobOutcome?
        if options.method == .combinatorial {
            let kind = CombinatorialWork(request: request, threadsInJob: world.size * options.threads)
            outcome = try run(kind, request: request, options: options, on: world, journal: nil)
        } else {
            let kind = SieveWork(request: request, engine: PrimeSieve(configuration: options.sieve))
            outcome = try run(kind, request: request, options: options, on: world, journal: journal)
        }
        outcome?.wallSeconds = Environment.wallTime() - start
        return outcome
    }

    /// Runs `kind`'s work across all ranks of `world`: the outcome at rank 0, nil elsewhere.
    private static func run<Kind: WorkKind>(_ kind: Kind, request: Request, options: Options, on world: Communicator,
                                            journal: Journal<Kind.Record>?) throws -> JobOutcome? {
        let spotChecks = journal.map { Array($0.records.shuffled().prefix(JobTuning.spotCheckedRecords)) } ?? []
        let remaining = (journal?.remaining(of: kind.domain) ?? [kind.domain]) + spotChecks.map(\.piece)
        // What earlier runs saved, bar the records checked again (this run counts those); taken before this
        // run appends its own.
        let saved = journal.map { kind.partial(of: $0.records.filter { !spotChecks.contains($0) }) }
        let progress = try ProgressExchange(world: world, totalUnits: remaining.reduce(0) { $0 + $1.width },
                                            displayInterval: options.progressInterval, silenceLimit: options.silenceLimit,
                                            unitName: kind.unitName)
        let computeStart = Environment.wallTime()
        let share: RankShare<Kind.Partial>
        if options.usesDynamicSchedule {
            share = try DynamicSchedule.run(kind, remaining: remaining, threads: options.threads, world: world,
                                            keepsJournal: options.checkpoint != nil, journal: journal,
                                            spotChecks: spotChecks, progress: progress)
        } else {
            share = try StaticSchedule.run(kind, threads: options.threads, world: world, progress: progress)
        }
        let seconds = Environment.wallTime() - computeStart
        guard let gathered = try gather(kind, share: share, saved: saved, seconds: seconds, world: world) else {
            return nil
        }
        return JobOutcome(request: request, answers: zip(request.queries, gathered.perQuery).map(Answer.init),
                          ranks: world.size, threads: options.threads, wallSeconds: 0, perRank: gathered.perRank,
                          method: options.method)
    }

    private static func broadcast(_ request: Request, from root: Root) throws -> Request {
        var encoded = request.encoded
        try root.broadcast(&encoded)
        guard let request = Request(encoded: encoded) else { throw JobError.malformedMessage("the request") }
        return request
    }

    /// Reduces the ranks' shares (rank 0's plus what the journal saved) and gathers each rank's figures.
    private static func gather<Kind: WorkKind>(
        _ kind: Kind, share: RankShare<Kind.Partial>, saved: Kind.Partial?, seconds: Double, world: Communicator
    ) throws -> (perQuery: [PrimeTally], perRank: [RankFigures])? {
        let root = world.root(0)
        var partial = share.partial
        if let saved { kind.combine(&partial, with: saved) }
        let reduced = try kind.reduce(partial, at: root)
        let hull = share.hull ?? Query(lo: 0, hi: 0)
        let hosts = try root.gatherv(Array(try Communicator.processorName().utf8))
        let ranges = try root.gather([hull.lo, hull.hi])
        let primes = try root.gather(kind.tallies(of: share.partial).total.count)
        let rankSeconds = try root.gather(seconds)
        guard let reduced, let hosts, let ranges, let primes, let rankSeconds else { return nil }
        let perRank = (0..<world.size).map { rank in
            RankFigures(rank: rank, host: String(decoding: hosts[rank], as: UTF8.self),
                        range: Query(lo: ranges[2 * rank], hi: ranges[2 * rank + 1]),
                        primes: primes[rank], seconds: rankSeconds[rank])
        }
        return (kind.tallies(of: reduced).perQuery, perRank)
    }
}
