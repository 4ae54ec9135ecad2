import Dispatch
import MPI
import PrimeSieve
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The dynamic schedule: rank 0 deals chunks of equal estimated cost on demand to whichever rank is free.
///
/// For clusters whose nodes run at different speeds, or share them with other jobs: a static split waits
/// for the slowest rank, a dynamic one lets the fast ranks take more chunks. Rank 0's own worker threads
/// take chunks from the same counter its MPI thread deals from. Every other rank's MPI thread keeps a small
/// queue filled for its worker threads with one request to rank 0 outstanding at a time. Only the thread
/// that initialised MPI calls it.
enum DynamicSchedule {
    static let requestTag: Int32 = 7101
    static let chunkTag: Int32 = 7102
    /// A finished chunk's ``ChunkRecord``, sent to rank 0 when the job keeps a checkpoint.
    static let resultTag: Int32 = 7103
    /// A rank that received an interrupting signal tells rank 0, which stops the job.
    static let interruptTag: Int32 = 7104
    /// Chunks per thread of the whole job: enough to even out unequal ranks, few enough that each chunk's
    /// set-up (the sieving primes up to sqrt(hi)) stays small.
    static let chunksPerThread = 8

    /// What a rank did under the dynamic schedule.
    struct RankResult {
        var outcome: RankWork.Outcome
        /// The smallest range holding every chunk this rank sieved.
        var hull: Query
    }

    /// The chunks rank 0 deals for the parts of `span` still to do (all of it, unless a checkpoint saved
    /// some): about `chunksPerThread` per thread of the job over the whole span, each part cut in proportion
    /// to its length, at borders of equal estimated cost.
    static func chunks(of remaining: [Query], span: Query, threads: Int, engine: PrimeSieve) -> [Query] {
        let wholeCount = RankWork.worthwhileChunkCount(span, maximum: threads * chunksPerThread)
        let spanLength = Double(span.hi - span.lo)
        return remaining.flatMap { part -> [Query] in
            let share = Int((Double(part.hi - part.lo) / spanLength * Double(wholeCount)).rounded(.up))
            let parts = RankWork.worthwhileChunkCount(part, maximum: Swift.max(share, 1))
            let borders = engine.equalCostBorders(from: part.lo, to: part.hi, parts: parts)
            return zip(borders, borders.dropFirst()).map { Query(lo: $0, hi: $1) }.filter { $0.lo < $0.hi }
        }
    }

    /// Runs the schedule on every rank of `world`; each returns its own result.
    ///
    /// - Parameters:
    ///   - chunks: rank 0's chunks to deal (ignored elsewhere).
    ///   - recordsChunks: true on every rank when the job keeps a checkpoint: each finished chunk then goes
    ///     to rank 0, which appends it to `journal`, and SIGTERM, SIGINT or SIGUSR1 at any rank stops the job
    ///     with ``Interrupted``.
    ///   - journal: rank 0's checkpoint, when `recordsChunks`.
    static func run(chunks: [Query], queries: [Query], threads: Int, engine: PrimeSieve, world: Communicator,
                    progress: ProgressExchange?, recordsChunks: Bool, journal: Journal?) throws -> RankResult {
        let accumulator = Accumulator(queryCount: queries.count)
        let queue = ChunkQueue()
        let finished = FinishedChunks()
        let borders = QueryBorders(queries)
        let group = DispatchGroup()

        if world.rank == 0 { queue.deal(chunks) }
        for _ in 0..<threads {
            DispatchQueue.global().async(group: group) {
                while let chunk = queue.take() {
                    let sieved = RankWork.sieve(chunk, borders: borders, queries: queries, engine: engine) {
                        accumulator.integersDone.add($0, ordering: .relaxed)
                    }
                    accumulator.add(sieved.outcome, chunk: chunk)
                    if recordsChunks { finished.push(ChunkRecord(chunk: chunk, pieces: sieved.pieces)) }
                }
            }
        }

        var sends: [SendRequest<UInt128>] = []
        var requestSends: [SendRequest<UInt64>] = []
        if world.rank == 0 {
            var finishedRanks = 0
            var chunksDealtToOthers = 0, recordsFromOthers = 0
            var incoming = world.size > 1 ? try world.ireceive(capacity: 1, tag: requestTag, as: UInt64.self) : nil
            while true {
                while let request = incoming, let message = try request.test() {
                    if let chunk = queue.takeForRemote() {
                        sends.append(try world.isend([chunk.lo, chunk.hi], to: message.source, tag: chunkTag))
                        chunksDealtToOthers += 1
                    } else {
                        sends.append(try world.isend([UInt128](), to: message.source, tag: chunkTag))
                        finishedRanks += 1
                    }
                    incoming = finishedRanks < world.size - 1
                        ? try world.ireceive(capacity: 1, tag: requestTag, as: UInt64.self) : nil
                }
                if recordsChunks, let journal {
                    for record in finished.takeAll() { try journal.append(record) }
                    while let probed = try world.iprobe(tag: resultTag) {
                        let words = try world.receive(capacity: try probed.count(of: UInt128.self), from: probed.source,
                                                      tag: resultTag, as: UInt128.self).values
                        guard let record = ChunkRecord(encoded: words) else { throw JobError.malformedBroadcast }
                        try journal.append(record)
                        recordsFromOthers += 1
                    }
                    var signal = Interruption.received
                    if let probed = try world.iprobe(tag: interruptTag) {
                        signal = Int32(truncatingIfNeeded: try world.receive(capacity: 1, from: probed.source,
                                                                             tag: interruptTag, as: UInt64.self).values.first ?? 0)
                    }
                    if let signal {
                        throw Interrupted(signal: signal, journalPath: journal.path, savedChunks: journal.records.count)
                    }
                }
                try progress?.tick(integersDone: accumulator.integersDone.load(ordering: .relaxed))
                sends.removeAll { (try? $0.test()) == true }
                let workersDone = group.wait(timeout: .now() + .milliseconds(1)) == .success
                if workersDone && incoming == nil && (!recordsChunks || recordsFromOthers == chunksDealtToOthers) {
                    if recordsChunks, let journal { for record in finished.takeAll() { try journal.append(record) } }
                    break
                }
                if workersDone { usleep(500) }  // only other ranks' requests left to serve
            }
        } else {
            var reply: ReceiveRequest<UInt128>?
            var exhausted = false
            var interruptSent = false
            while true {
                if let pending = reply, let message = try pending.test() {
                    reply = nil
                    if message.values.count == 2 {
                        queue.push(Query(lo: message.values[0], hi: message.values[1]))
                    } else {
                        exhausted = true
                        queue.finish()
                    }
                }
                if reply == nil && !exhausted && queue.queuedCount < threads {
                    requestSends.append(try world.isend([UInt64(1)], to: 0, tag: requestTag))
                    reply = try world.ireceive(capacity: 2, from: 0, tag: chunkTag, as: UInt128.self)
                }
                if recordsChunks {
                    for record in finished.takeAll() {
                        sends.append(try world.isend(record.encoded, to: 0, tag: resultTag))
                    }
                    if let signal = Interruption.received, !interruptSent {
                        requestSends.append(try world.isend([UInt64(signal)], to: 0, tag: interruptTag))
                        interruptSent = true
                    }
                }
                try progress?.tick(integersDone: accumulator.integersDone.load(ordering: .relaxed))
                sends.removeAll { (try? $0.test()) == true }
                requestSends.removeAll { (try? $0.test()) == true }
                if group.wait(timeout: .now() + .milliseconds(1)) == .success && exhausted {
                    if recordsChunks {
                        for record in finished.takeAll() { sends.append(try world.isend(record.encoded, to: 0, tag: resultTag)) }
                    }
                    break
                }
            }
        }
        for send in sends { try send.wait() }
        for send in requestSends { try send.wait() }
        let result = accumulator.result()
        try progress?.finish(integersDone: accumulator.integersDone.load(ordering: .relaxed))
        return result
    }
}

/// The records of the chunks this rank's workers finished, waiting for the MPI thread to send or journal.
private final class FinishedChunks: Sendable {
    private let records = Locked<[ChunkRecord]>([])

    func push(_ record: ChunkRecord) { records.withLock { $0.append(record) } }

    func takeAll() -> [ChunkRecord] { records.withLock { records in defer { records = [] }; return records } }
}

/// The chunks waiting for this rank's worker threads: dealt all at once at rank 0, pushed one by one as
/// they arrive elsewhere.
private final class ChunkQueue: Sendable {
    private struct State {
        var chunks: [Query] = []
        var next = 0
        var finished = false
    }
    private let state = Locked(State())

    /// Rank 0: every chunk of the job, shared by its workers and the ranks it deals to.
    func deal(_ chunks: [Query]) {
        state.withLock {
            $0.chunks = chunks
            $0.finished = true
        }
    }

    func push(_ chunk: Query) { state.withLock { $0.chunks.append(chunk) } }
    func finish() { state.withLock { $0.finished = true } }
    var queuedCount: Int { state.withLock { $0.chunks.count - $0.next } }

    /// Rank 0's MPI thread: the next chunk for another rank, or nil when all are dealt.
    func takeForRemote() -> Query? {
        state.withLock { state in
            guard state.next < state.chunks.count else { return nil }
            state.next += 1
            return state.chunks[state.next - 1]
        }
    }

    /// A worker: the next chunk, waiting while the queue is empty but more may come; nil when all are done.
    func take() -> Query? {
        while true {
            let (chunk, finished) = state.withLock { state -> (Query?, Bool) in
                guard state.next < state.chunks.count else { return (nil, state.finished) }
                state.next += 1
                return (state.chunks[state.next - 1], false)
            }
            if let chunk { return chunk }
            if finished { return nil }
            usleep(200)
        }
    }
}

/// The sum of the chunks' outcomes on this rank.
private final class Accumulator: Sendable {
    let integersDone = Atomic<UInt64>(0)
    private let state: Locked<(outcome: RankWork.Outcome, hull: Query?)>

    init(queryCount: Int) {
        state = Locked((RankWork.Outcome.zero(queryCount: queryCount), nil))
    }

    func add(_ outcome: RankWork.Outcome, chunk: Query) {
        state.withLock { state in
            state.outcome.add(outcome)
            state.hull = state.hull.map { Query(lo: Swift.min($0.lo, chunk.lo), hi: Swift.max($0.hi, chunk.hi)) } ?? chunk
        }
    }

    func result() -> DynamicSchedule.RankResult {
        state.withLock { DynamicSchedule.RankResult(outcome: $0.outcome, hull: $0.hull ?? Query(lo: 0, hi: 0)) }
    }
}
