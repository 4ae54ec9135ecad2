/// Every tuning constant of the distributed job, with its trade-off. (The engine's are in `PrimeSieve.Tuning`.)
enum JobTuning {
    /// Static schedule, pieces per thread of a rank with several threads. The last pieces of a rank end at
    /// different times and leave threads idle for up to a piece, so more pieces even out the tail (~6 % of
    /// the time with 4 per thread, ~1.5 % with 16); each piece's set-up bounds it from above
    /// (``minimumPieceToSetUpRatio``). A rank with one thread takes its whole share as one piece.
    static let staticPiecesPerThread = 16
    /// Dynamic schedule, pieces per thread of the whole job, for work whose pieces have no set-up (the
    /// combinatorial line): the job ends within a smaller piece.
    static let finePiecesPerThread = 32
    /// The combinatorial layout: each part of each sum (easy leaves, hard leaves, P2) in this many pieces per
    /// thread of the job. Finer evens out the ranks (the cost model errs by up to 25 % a piece) at the price
    /// of each piece's set-up (a hard-leaf piece's sieving primes, a P2 piece's).
    static let combinatorialPiecesPerThread = 24
    /// Combinatorial sums below this take a fraction of a second and their tables are kilobytes to a few MB:
    /// one piece per part, and every rank builds its own tables (larger ones are shared per node,
    /// ``NodeTables``).
    static let smallCombinatorialBound: UInt128 = 1 << 32
    /// Dynamic schedule, pieces per thread of the whole job: enough for fast ranks to take more than slow
    /// ones, few enough that rank 0's dealing and each piece's set-up stay small.
    static let dealtPiecesPerThread = 8
    /// A piece is worth cutting off only if it is at least this many times `sqrt(hi)` long: every piece
    /// places each sieving prime up to `sqrt(hi)` at its first multiple in the piece (a division per prime),
    /// and a rank's first pieces generate those primes too (``RankSievingPrimes``).
    static let minimumPieceToSetUpRatio: UInt128 = 64
    /// ... and at least this long, whatever its sieving primes.
    static let minimumPieceWidth: UInt128 = 1 << 20

    /// Saved records a resumed job computes again and compares with the journal, chosen at random: a journal
    /// edited with recomputed checksums is refused (65) unless every edit dodges them. Each costs one dealt
    /// piece more, spread over the job like any other: about 1/(`dealtPiecesPerThread` · threads in the job)
    /// of the whole work each.
    static let spotCheckedRecords = 2

    /// Seconds between the static schedule's progress ticks on the MPI thread (it does nothing else).
    static let staticPollSeconds = 0.1
    /// Seconds between the dynamic schedule's polls: a rank asking for a piece waits up to this long.
    static let dealingPollSeconds = 0.001
    /// Microseconds a worker sleeps when its queue is empty but more pieces may come.
    static let emptyQueueSleepMicroseconds: UInt32 = 200
    /// Microseconds rank 0's MPI thread sleeps between polls once its own workers are done.
    static let idleDealerSleepMicroseconds: UInt32 = 500
    /// Seconds between a rank's progress messages to rank 0 (the display's own interval is the user's).
    static let progressSendSeconds = 0.5
}
