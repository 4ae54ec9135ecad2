import MPI

/// Rank 0 deals pieces of equal estimated cost on demand to whichever rank is free (``Dealer``, ``Requester``).
///
/// For clusters whose nodes run at different speeds, or share them with other jobs: a static split waits
/// for the slowest rank, a dynamic one lets the fast ranks take more pieces. It is also the schedule of a
/// journaled job, whose records are the dealt pieces. Only the thread that initialised MPI calls MPI.
enum DynamicSchedule {
    /// Runs on every rank of `world` together; each returns its own share.
    /// - Parameters:
    ///   - remaining: the parts of the kind's domain still to do (used at rank 0 only).
    ///   - journal: rank 0's journal, if the job keeps one (`keepsJournal` says so on every rank).
    ///   - spotChecks: saved records to compute again and compare (rank 0); their pieces are dealt first.
    static func run<Kind: WorkKind>(_ kind: Kind, remaining: [Query], threads: Int, world: Communicator,
                                    keepsJournal: Bool, journal: Journal<Kind.Record>?, spotChecks: [Kind.Record],
                                    progress: ProgressExchange?) throws -> RankShare<Kind.Partial> {
        if world.rank == 0 {
            let checked = Set(spotChecks.map(\.piece))
            let gaps = remaining.filter { !checked.contains($0) }
            let pieces = spotChecks.map(\.piece) + Plan.dealt(of: kind, remaining: gaps, threadsInJob: world.size * threads)
            return try Dealer(kind: kind, pieces: pieces, threads: threads, world: world, journal: journal,
                              spotChecks: spotChecks, progress: progress).run()
        }
        return try Requester(kind: kind, threads: threads, world: world, keepsJournal: keepsJournal,
                             progress: progress).run()
    }
}
