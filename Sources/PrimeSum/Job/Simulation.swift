import PrimeSieve

extension DistributedPrimeSum {
    /// The answers the job would give on `ranks` ranks, computed here rank after rank without MPI: the same
    /// plan, the same worker pool, the same combine rule as the reduce. For tests of the plan and the pool.
    public static func simulate(_ request: Request, ranks: Int, options: Options) -> [PrimeTally] {
        let kind = SieveWork(request: request, engine: PrimeSieve(configuration: options.sieve))
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
