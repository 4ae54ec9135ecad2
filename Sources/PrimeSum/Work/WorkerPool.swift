import Dispatch
import Synchronization

/// One rank's worker threads: each takes the next piece from the queue, computes it, and folds its record
/// into the rank's share, while the thread that owns MPI drives the schedule (``waitForWorkers(upTo:)``).
final class WorkerPool<Kind: WorkKind>: Sendable {
    let queue: PieceQueue
    private let kind: Kind
    private let keepsRecords: Bool
    private let unitsDoneCounter = Atomic<UInt64>(0)
    private let state: Locked<State>
    private let group = DispatchGroup()

    private struct State {
        var share: RankShare<Kind.Partial>
        var records: [Kind.Record] = []
    }

    /// - Parameter keepsRecords: keep each finished piece's record for ``takeRecords()`` (for the journal).
    init(kind: Kind, queue: PieceQueue, keepsRecords: Bool) {
        self.kind = kind
        self.queue = queue
        self.keepsRecords = keepsRecords
        state = Locked(State(share: RankShare(partial: kind.emptyPartial, hull: nil)))
    }

    /// Starts `threads` workers; they stop when the queue is complete and empty.
    func start(threads: Int) {
        for _ in 0..<threads {
            DispatchQueue.global().async(group: group) { self.work() }
        }
    }

    private func work() {
        while let piece = queue.take() {
            guard !piece.isEmpty else { continue }
            let record = kind.compute(piece) { self.unitsDoneCounter.add($0, ordering: .relaxed) }
            let partial = kind.partial(of: record)
            state.withLock { state in
                kind.combine(&state.share.partial, with: partial)
                state.share.hull = state.share.hull?.hull(piece) ?? piece
                if keepsRecords { state.records.append(record) }
            }
        }
    }

    /// Waits up to `seconds` for every worker to stop; true if they have.
    func waitForWorkers(upTo seconds: Double) -> Bool {
        group.wait(timeout: .now() + .microseconds(Int(seconds * 1e6))) == .success
    }

    /// The units of work finished so far (integers, for the sieve).
    var unitsDone: UInt64 { unitsDoneCounter.load(ordering: .relaxed) }

    /// The records finished since the last call (with `keepsRecords`).
    func takeRecords() -> [Kind.Record] {
        state.withLock { state in defer { state.records = [] }; return state.records }
    }

    /// What the workers computed; call once they have stopped.
    var share: RankShare<Kind.Partial> { state.withLock { $0.share } }
}

/// What one rank computed: the partial result of its pieces, and the smallest range holding them.
struct RankShare<Partial: Sendable>: Sendable {
    var partial: Partial
    var hull: Query?
}
