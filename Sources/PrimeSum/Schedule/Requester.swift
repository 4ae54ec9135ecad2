import MPI

/// Every rank but 0 under the dynamic schedule: keeps its workers' queue filled by asking rank 0 for a
/// piece whenever fewer than one per thread wait, one request outstanding at a time; with a journal, sends
/// rank 0 every finished piece's record and tells it of an interrupting signal.
final class Requester<Kind: WorkKind> {
    private let world: Communicator
    private let pool: WorkerPool<Kind>
    private let threads: Int
    private let keepsJournal: Bool
    private let progress: ProgressExchange?
    private var reply: ReceiveRequest<UInt128>?
    private var dealerIsDone = false
    private var interruptionSent = false
    private var sends: [SendRequest<UInt128>] = []
    private var requestSends: [SendRequest<UInt64>] = []

    init(kind: Kind, threads: Int, world: Communicator, keepsJournal: Bool, progress: ProgressExchange?) throws {
        self.world = world
        self.threads = threads
        self.keepsJournal = keepsJournal
        self.progress = progress
        pool = WorkerPool(kind: kind, queue: PieceQueue(), keepsRecords: keepsJournal)
        try pool.start(threads: threads)
    }

    /// Works until rank 0 has no more pieces and the workers have finished and reported theirs.
    func run() throws -> RankShare<Kind.Partial> {
        while true {
            try takeReply()
            try askIfShort()
            try report()
            try progress?.tick(unitsDone: pool.unitsDone)
            if let progress, try progress.stopRequested() { try stop(progress) }
            sends.removeAll { (try? $0.test()) == true }
            requestSends.removeAll { (try? $0.test()) == true }
            if pool.waitForWorkers(upTo: JobTuning.dealingPollSeconds) && dealerIsDone {
                try report()
                break
            }
        }
        for send in sends { try send.wait() }
        for send in requestSends { try send.wait() }
        try progress?.finish(unitsDone: pool.unitsDone)
        return pool.share
    }

    /// Rank 0 stops the job (a signal, with a journal): sends the records finished so far, then the last
    /// progress message, and throws ``PlannedStop``. Pieces still being computed are abandoned.
    private func stop(_ progress: ProgressExchange) throws -> Never {
        try report()
        for send in sends { try send.wait() }
        try progress.leave(unitsDone: pool.unitsDone)
        throw PlannedStop(message: nil)
    }

    /// Queues the piece rank 0 sent, or completes the queue if it sent none.
    private func takeReply() throws {
        guard let pending = reply, let message = try pending.test() else { return }
        reply = nil
        if message.values.count == 2 {
            pool.queue.push(Query(lo: message.values[0], hi: message.values[1]))
        } else {
            dealerIsDone = true
            pool.queue.complete()
        }
    }

    private func askIfShort() throws {
        guard reply == nil && !dealerIsDone && pool.queue.waitingCount < threads else { return }
        requestSends.append(try world.isend([UInt64(1)], to: 0, tag: MessageTag.pieceRequest))
        reply = try world.ireceive(capacity: 2, from: 0, tag: MessageTag.piece, as: UInt128.self)
    }

    /// Sends rank 0 the finished records and, once, an interrupting signal (journaled jobs only).
    private func report() throws {
        guard keepsJournal else { return }
        for record in pool.takeRecords() {
            sends.append(try world.isend(record.words, to: 0, tag: MessageTag.record))
        }
        if let signal = Interruption.received, !interruptionSent {
            requestSends.append(try world.isend([UInt64(signal)], to: 0, tag: MessageTag.interruption))
            interruptionSent = true
        }
    }
}
