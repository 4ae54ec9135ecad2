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
    /// An early exit (help, a usage error) needs no MPI: the launcher's rank 0 prints it and every process
    /// returns its status without starting MPI (no start-up cost, and nothing of MPI's to go wrong in a
    /// process that lives milliseconds). Otherwise initialises MPI; rank 0 decides (its request is
    /// authoritative; it opens the journal) and tells the others; the job runs; rank 0 passes the outcome to
    /// `deliver`. Returns the status every rank exits with after `MPI_Finalize`. Every failure — MPI's, the
    /// journal's, `deliver`'s — ends the whole job with `MPI_Abort` and its ``ExitStatus``, so no rank is left
    /// waiting.
    public static func main(_ invocation: Invocation, deliver: (JobOutcome) throws -> Void) -> Int32 {
        let request: Request, requestedOptions: Options
        switch invocation {
        case .exit(let early):
            guard (Environment.launcherRank ?? 0) == 0 else { return early.status }
            announceStart()
            return early.print()
        case .compute(let checked, let options):
            (request, requestedOptions) = (checked, options)
        }
        shareOneMallocArenaUnderAddressSpaceLimit()
        // Before MPI starts, so that a signal during its start-up (which can take seconds) is not lost.
        if requestedOptions.checkpoint != nil { Interruption.install() } else { Interruption.letQuitEndTheProcess() }
        return Environment.run(threadLevel: .funneled, abortStatus: ExitStatus.mpiFailure) { environment -> Int32 in
            let world = environment.world
            if world.rank == 0 { announceStart() }
            let options = requestedOptions.resolved(for: request)
            let decision = try decide(request, options: options, world: world)
            if let status = decision.status { return status }
            let outcome: JobOutcome?
            do {
                outcome = try run(request, options: options, on: world, prepared: decision.prepared)
            } catch let stop as PlannedStop {
                if let message = stop.message { writeToStandardError(message + "\n") }
                return ExitStatus.interrupted
            }
            guard let outcome else { return ExitStatus.success }
            do { try deliver(outcome) } catch { throw DeliveryFailed(underlying: error) }
            return ExitStatus.success
        }
    }

    /// Tells run.sh's start-up watchdog that every rank is up (or, for an early exit, has run): rank 0 writes
    /// `PRIMESUM_STARTED_MARKER`, when set, as its first line of standard output (run.sh removes it before the
    /// answer reaches the user).
    private static func announceStart() {
        guard let marker = getenv("PRIMESUM_STARTED_MARKER") else { return }
        writeToStandardOutput(String(cString: marker) + "\n")
    }

    /// Rank 0 decides whether the job goes on — a journal it cannot use ends it — and tells the others: the
    /// status to end with, or nil to compute (with the work, and its journal, prepared at rank 0).
    private static func decide(_ request: Request, options: Options,
                               world: Communicator) throws -> (status: Int32?, prepared: PreparedWork?) {
        var verdict: Int32 = -1  // -1: go on; otherwise the status to exit with
        var prepared: PreparedWork?
        if world.rank == 0 {
            do throws(JournalError) {
                prepared = try PreparedWork(request, options: options, threadsInJob: world.size * options.threads)
            } catch {
                writeToStandardError("\(error)\n")
                verdict = error.abortStatus
            }
        }
        try world.root(0).broadcast(&verdict)
        return (verdict >= 0 ? verdict : nil, prepared)
    }

    /// Runs `request` across all ranks of `world`; the outcome at rank 0, nil elsewhere. Rank 0's request and
    /// layout are authoritative (broadcast); rank 0 passes the work it prepared (with its journal: saved
    /// pieces are skipped and new ones appended), the other ranks build the same work.
    static func run(_ request: Request, options: Options, on world: Communicator,
                    prepared: PreparedWork?) throws -> JobOutcome? {
        let start = Environment.wallTime()
        let request = try broadcast(request, from: world.root(0))
        var layout = prepared?.layout ?? 0
        try world.root(0).broadcast(&layout)
        let tables = NodeTables(world: world)
        let work = try prepared?.sharingTables(tables) ?? PreparedWork(request, options: options, layout: layout, tables: tables)
        try warnOfBinding(threads: options.threads, on: world)
        var outcome: JobOutcome?
        switch work {
        case .sieve(let kind, let journal):
            outcome = try run(kind, request: request, options: options, on: world, journal: journal)
        case .combinatorial(let kind, let journal):
            outcome = try run(kind, request: request, options: options, on: world, journal: journal)
        }
        outcome?.wallSeconds = Environment.wallTime() - start
        return outcome
    }

    /// Runs `kind`'s work across all ranks of `world`: the outcome at rank 0, nil elsewhere.
    private static func run<Kind: WorkKind>(_ kind: Kind, request: Request, options: Options, on world: Communicator,
                                            journal: Journal<Kind.Record>?) throws -> JobOutcome? {
        let spotChecks = journal.map { Array($0.records.shuffled().prefix(JobTuning.spotCheckedRecords)) } ?? []
        let unsaved = journal?.remaining(of: kind.domain) ?? [kind.domain]
        if let journal { announceResume(from: journal, unsaved: unsaved, of: kind.domain) }
        let remaining = unsaved + spotChecks.map(\.piece)
        // What earlier runs saved, bar the records checked again (this run counts those); taken before this
        // run appends its own.
        let saved = journal.map { kind.partial(of: $0.records.filter { !spotChecks.contains($0) }) }
        let progress = try ProgressExchange(world: world, totalUnits: remaining.reduce(0) { $0 + $1.width },
                                            displayInterval: options.progressInterval, silenceLimit: options.silenceLimit,
                                            unitName: kind.unitName)
        let share: RankShare<Kind.Partial>
        if options.usesDynamicSchedule {
            share = try DynamicSchedule.run(kind, remaining: remaining, threads: options.threads, world: world,
                                            keepsJournal: options.checkpoint != nil, journal: journal,
                                            spotChecks: spotChecks, progress: progress)
        } else {
            share = try StaticSchedule.run(kind, threads: options.threads, world: world, progress: progress)
        }
        guard let gathered = try gather(kind, share: share, saved: saved, world: world) else {
            return nil
        }
        return JobOutcome(request: request, answers: zip(request.queries, gathered.perQuery).map(Answer.init),
                          ranks: world.size, threads: options.threads, wallSeconds: 0, perRank: gathered.perRank,
                          method: options.method, components: gathered.components)
    }

    /// Says once, at rank 0, when a rank's threads outnumber the cores its binding lets it use: they would
    /// share them (plain `mpirun` binds each rank to one core).
    private static func warnOfBinding(threads: Int, on world: Communicator) throws {
        guard threads > 1 else { return }
        let cores = try world.root(0).gather(Int32(clamping: coresAvailableToProcess() ?? threads))
        guard let cores, let rank = cores.firstIndex(where: { Int($0) < threads }) else { return }
        let others = cores.filter { Int($0) < threads }.count - 1
        writeToStandardError("prime-sum: rank \(rank)\(others > 0 ? " (and \(others) more)" : "") runs \(threads) threads "
                             + "on \(cores[rank]) core\(cores[rank] == 1 ? "" : "s") (its CPU binding), so they share them; "
                             + "launch with 'mpirun --bind-to none' (run.sh does) or 'srun --cpus-per-task=\(threads)'\n")
    }

    /// Says on standard error how much of the work a journal already holds, when it holds some.
    private static func announceResume<Record>(from journal: Journal<Record>, unsaved: [Query], of domain: Query) {
        guard !journal.records.isEmpty, domain.width > 0 else { return }
        let saved = Double(domain.width - unsaved.reduce(0) { $0 + $1.width }) / Double(domain.width)
        writeToStandardError("prime-sum: resuming from '\(journal.path)': it holds \(journal.records.count) finished "
                             + "chunks, \((100 * saved).formatted(decimals: 1)) % of the work\n")
    }

    private static func broadcast(_ request: Request, from root: Root) throws -> Request {
        var encoded = request.encoded
        try root.broadcast(&encoded)
        guard let request = Request(encoded: encoded) else { throw JobError.malformedMessage("the request") }
        return request
    }

    /// Reduces the ranks' shares (rank 0's plus what the journal saved) and gathers each rank's figures and
    /// the job's components (summed over the ranks).
    private static func gather<Kind: WorkKind>(
        _ kind: Kind, share: RankShare<Kind.Partial>, saved: Kind.Partial?, world: Communicator
    ) throws -> (perQuery: [PrimeTally], perRank: [RankFigures], components: [ComponentTotal])? {
        let root = world.root(0)
        var partial = share.partial
        if let saved { kind.combine(&partial, with: saved) }
        let reduced = try kind.reduce(partial, at: root)
        let hull = share.hull ?? Query(lo: 0, hi: 0)
        let hosts = try root.gatherv(Array(try Communicator.processorName().utf8))
        let ranges = try root.gather([hull.lo, hull.hi])
        let primes = try root.gather(kind.tallies(of: share.partial).total.count)
        let components = kind.componentTotals()
        // Per rank: its seconds, its pieces (the components' where the work has them), then each component's
        // pieces and seconds.
        let pieces = components.isEmpty ? share.pieces : components.reduce(0) { $0 + $1.pieces }
        let figures = try root.gather([share.seconds, Double(pieces)] + components.flatMap { [Double($0.pieces), $0.seconds] })
        guard let reduced, let hosts, let ranges, let primes, let figures else { return nil }
        let stride = 2 + 2 * components.count
        let perRank = (0..<world.size).map { rank in
            RankFigures(rank: rank, host: String(decoding: hosts[rank], as: UTF8.self),
                        range: Query(lo: ranges[2 * rank], hi: ranges[2 * rank + 1]), primes: primes[rank],
                        seconds: figures[stride * rank], pieces: Int(figures[stride * rank + 1]))
        }
        let jobComponents = components.enumerated().map { index, component in
            (0..<world.size).reduce(ComponentTotal(name: component.name, pieces: 0, seconds: 0)) { total, rank in
                let base = stride * rank + 2 + 2 * index
                return ComponentTotal(name: total.name, pieces: total.pieces + Int(figures[base]),
                                      seconds: total.seconds + figures[base + 1])
            }
        }
        return (kind.tallies(of: reduced).perQuery, perRank, jobComponents)
    }
}
