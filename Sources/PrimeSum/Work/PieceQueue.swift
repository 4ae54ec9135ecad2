#if canImport(Glibc)
import Glibc
#endif

/// The pieces waiting for a rank's worker threads: all given at once (the static schedule, and rank 0 of the
/// dynamic one, whose MPI thread deals from the same queue), or pushed one by one as they arrive.
final class PieceQueue: Sendable {
    private struct State {
        var pieces: [Query] = []
        var next = 0
        var isComplete = false
    }
    private let state = Locked(State())

    /// A queue of `pieces` to which no more will come.
    init(all pieces: [Query]) {
        state.withLock {
            $0.pieces = pieces
            $0.isComplete = true
        }
    }

    /// An empty queue to ``push(_:)`` pieces into until ``complete()``.
    init() {}

    func push(_ piece: Query) { state.withLock { $0.pieces.append(piece) } }
    /// No more pieces will come: workers stop once the queue is empty.
    func complete() { state.withLock { $0.isComplete = true } }
    var waitingCount: Int { state.withLock { $0.pieces.count - $0.next } }

    /// The next piece, or nil if none is waiting now.
    func takeIfAny() -> Query? {
        state.withLock { state in
            guard state.next < state.pieces.count else { return nil }
            state.next += 1
            return state.pieces[state.next - 1]
        }
    }

    /// A worker's next piece, waiting while the queue is empty but more may come; nil once all are taken.
    func take() -> Query? {
        while true {
            if let piece = takeIfAny() { return piece }
            if state.withLock({ $0.isComplete && $0.next == $0.pieces.count }) { return nil }
            usleep(JobTuning.emptyQueueSleepMicroseconds)
        }
    }
}
