import PrimeSieve

extension DistributedPrimeSum {
    /// The answers the job would give on `ranks` ranks, computed here rank after rank without MPI: the same
    /// method choice, plan, worker pool and combine rule as the job (the reduce of the combinatorial
    /// partials is their concatenation). For tests of the plan, the pool and the methods.
    public static func simulate(_ request: Request, ranks: Int, options: Options) -> [PrimeTally] {
        let options = options.resolved(for: request)
        if options.method == .combinatorial {
            let layout = CombinatorialWork.piecesPerPart(threadsInJob: ranks * options.threads)
            return simulate(CombinatorialWork(request: request, piecesPerPart: layout), ranks: ranks, options: options)
        }
        return simulate(SieveWork(request: request, engine: PrimeSieve(configuration: options.sieve)),
                        ranks: ranks, options: options)
    }

    private static func simulate<Kind: WorkKind>(_ kind: Kind, ranks: Int, options: Options) -> [PrimeTally] {
        let shares: [[Query]] = options.usesDynamicSchedule
            ? [Plan.dealt(of: kind, remaining: [kind.domain], threadsInJob: ranks * options.threads)]
            : Plan.runs(of: kind, ranks: ranks, threads: options.threads)
        var total = kind.emptyPartial
        for pieces in shares {
            let pool = WorkerPool(kind: kind, queue: PieceQueue(all: pieces), keepsRecords: false)
            do { try pool.start(threads: options.threads) } catch { preconditionFailure("\(error)") }
            while !pool.waitForWorkers(upTo: 1) {}
            kind.combine(&total, with: pool.share.partial)
        }
        return kind.tallies(of: total).perQuery
    }
}
