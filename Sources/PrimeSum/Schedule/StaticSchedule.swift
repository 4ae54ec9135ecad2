import MPI

/// Rank 0 scatters each rank a contiguous run of pieces of equal estimated cost; every rank computes its
/// own on its worker pool. The fastest schedule on equal, dedicated nodes: no messages while computing.
enum StaticSchedule {
    /// Runs on every rank of `world` together; each returns its own share, whose hull is its whole run.
    static func run<Kind: WorkKind>(_ kind: Kind, threads: Int, world: Communicator,
                                    progress: ProgressExchange?) throws -> RankShare<Kind.Partial> {
        let run = try scatterRuns(of: kind, threads: threads, world: world)
        let pool = WorkerPool(kind: kind, queue: PieceQueue(all: run), keepsRecords: false)
        try pool.start(threads: threads)
        while !pool.waitForWorkers(upTo: JobTuning.staticPollSeconds) {
            try progress?.tick(unitsDone: pool.unitsDone)
        }
        try progress?.finish(unitsDone: pool.unitsDone)
        var share = pool.share
        share.hull = Query(lo: run.first?.lo ?? 0, hi: run.last?.hi ?? 0)
        return share
    }

    /// This rank's run of pieces, planned at rank 0.
    private static func scatterRuns<Kind: WorkKind>(of kind: Kind, threads: Int,
                                                    world: Communicator) throws -> [Query] {
        let root = world.root(0)
        let words: [UInt128]
        if root.isCallerRoot {
            let runs = Plan.runs(of: kind, ranks: world.size, threads: threads)
            words = try root.scatter(sending: runs.flatMap { $0.flatMap { [$0.lo, $0.hi] } })
        } else {
            words = try root.scatter(as: UInt128.self)
        }
        return stride(from: 0, to: words.count, by: 2).map { Query(lo: words[$0], hi: words[$0 + 1]) }
    }
}
