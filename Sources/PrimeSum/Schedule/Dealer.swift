import MPI

#if canImport(Glibc)
import Glibc
#endif

/// Rank 0 under the dynamic schedule: deals pieces on demand to whichever rank asks, from the same queue
/// its own workers take from; with a journal, saves every finished piece's record (its own and the ones
/// the others send) and stops the job on an interrupting signal at any rank.
final class Dealer<Kind: WorkKind> {
    private let world: Communicator
    private let pool: WorkerPool<Kind>
    private let journal: Journal<Kind.Record>?
    private let progress: ProgressExchange?
    private var incoming: ReceiveRequest<UInt64>?
    private var ranksServed = 0
    private var piecesDealt = 0
    private var recordsReceived = 0
    private var sends: [SendRequest<UInt128>] = []
    /// Saved records being computed again, by piece: each must come back the same.
    private var spotChecks: [Query: Kind.Record]
    /// Records held back until every spot check has passed, so that a refused journal is left as it was.
    private var heldBack: [Kind.Record] = []

    init(kind: Kind, pieces: [Query], threads: Int, world: Communicator, journal: Journal<Kind.Record>?,
         spotChecks: [Kind.Record], progress: ProgressExchange?) throws {
        self.world = world
        self.journal = journal
        self.spotChecks = Dictionary(spotChecks.map { ($0.piece, $0) }) { first, _ in first }
        self.progress = progress
        pool = WorkerPool(kind: kind, queue: PieceQueue(all: pieces), keepsRecords: journal != nil)
        try pool.start(threads: threads)
        if world.size > 1 { incoming = try receiveNextRequest() }
    }

    /// Deals until every rank has been told there is no more, every record is saved and the workers stop.
    func run() throws -> RankShare<Kind.Partial> {
        while true {
            try serveRequests()
            try saveRecords()
            try stopIfInterrupted()
            try progress?.tick(unitsDone: pool.unitsDone)
            sends.removeAll { (try? $0.test()) == true }
            let workersDone = pool.waitForWorkers(upTo: JobTuning.dealingPollSeconds)
            if workersDone && incoming == nil && recordsReceived == expectedRecords {
                try saveRecords()
                break
            }
            if workersDone { usleep(JobTuning.idleDealerSleepMicroseconds) }  // only other ranks left to serve
        }
        for send in sends { try send.wait() }
        try progress?.finish(unitsDone: pool.unitsDone)
        return pool.share
    }

    /// The records rank 0 waits for from the others: one per piece dealt, when there is a journal.
    private var expectedRecords: Int { journal == nil ? 0 : piecesDealt }

    private func receiveNextRequest() throws -> ReceiveRequest<UInt64>? {
        ranksServed < world.size - 1 ? try world.ireceive(capacity: 1, tag: MessageTag.pieceRequest, as: UInt64.self) : nil
    }

    /// Answers every request that has come: the next piece, or an empty message when none is left.
    private func serveRequests() throws {
        while let request = incoming, let message = try request.test() {
            if let piece = pool.queue.takeIfAny() {
                sends.append(try world.isend([piece.lo, piece.hi], to: message.source, tag: MessageTag.piece))
                piecesDealt += 1
            } else {
                sends.append(try world.isend([UInt128](), to: message.source, tag: MessageTag.piece))
                ranksServed += 1
            }
            incoming = try receiveNextRequest()
        }
    }

    /// Appends this rank's finished records and those the others sent to the journal.
    private func saveRecords() throws {
        guard let journal else { return }
        for record in pool.takeRecords() { try save(record, in: journal) }
        while let probed = try world.iprobe(tag: MessageTag.record) {
            let words = try world.receive(capacity: try probed.count(of: UInt128.self), from: probed.source,
                                          tag: MessageTag.record, as: UInt128.self).values
            guard let record = Kind.Record(words: words) else { throw JobError.malformedMessage("a finished piece's record") }
            try save(record, in: journal)
            recordsReceived += 1
        }
    }

    /// Appends `record` — once every spot check has passed — or, for a spot-checked piece (already in the
    /// journal), compares it with the saved one.
    private func save(_ record: Kind.Record, in journal: Journal<Kind.Record>) throws {
        if let saved = spotChecks.removeValue(forKey: record.piece) {
            guard saved == record else {
                throw JournalError.refused(journal.path, "its record of [\(record.piece.lo), \(record.piece.hi)) differs "
                                           + "from the same chunk computed again: it was altered")
            }
        } else {
            heldBack.append(record)
        }
        guard spotChecks.isEmpty else { return }
        for held in heldBack { try journal.append(held) }
        heldBack = []
    }

    /// Once this rank or another received an interrupting signal (journaled jobs only): stops every rank,
    /// saves the records they sent before leaving, and throws ``PlannedStop``.
    private func stopIfInterrupted() throws {
        guard let journal else { return }
        var signal = Interruption.received
        if let probed = try world.iprobe(tag: MessageTag.interruption) {
            let words = try world.receive(capacity: 1, from: probed.source, tag: MessageTag.interruption, as: UInt64.self)
            signal = Int32(truncatingIfNeeded: words.values.first ?? 0)
        }
        guard let signal else { return }
        try progress?.stopEveryRank(takingRecords: saveRecords)
        try saveRecords()
        let interrupted = Interrupted(signal: signal, journalPath: journal.path, savedPieces: journal.records.count)
        throw PlannedStop(message: interrupted.description)
    }
}
