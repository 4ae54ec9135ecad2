import Dispatch
import MPI
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// One rank's worker threads: each takes the next piece from the queue, computes it, and folds its record
/// into the rank's share, while the thread that owns MPI drives the schedule (``waitForWorkers(upTo:)``).
final class WorkerPool<Kind: WorkKind>: Sendable {
    let queue: PieceQueue
    private let kind: Kind
    private let keepsRecords: Bool
    private let unitsDoneCounter = Atomic<UInt64>(0)
    private let state: Locked<State>
    /// Signalled once by each worker as it stops.
    private let stopped = DispatchSemaphore(value: 0)
    private let counts = Locked((started: 0, stopped: 0))

    private struct State {
        var share: RankShare<Kind.Partial>
        var records: [Kind.Record] = []
        var started = 0.0
    }

    /// - Parameter keepsRecords: keep each finished piece's record for ``takeRecords()`` (for the journal).
    init(kind: Kind, queue: PieceQueue, keepsRecords: Bool) {
        self.kind = kind
        self.queue = queue
        self.keepsRecords = keepsRecords
        state = Locked(State(share: RankShare(partial: kind.emptyPartial, hull: nil)))
    }

    /// Starts `threads` workers, threads of this pool's own (so that a refusal to make one is an error, not a
    /// wait); they stop when the queue is complete and empty.
    func start(threads: Int) throws(ThreadStartFailed) {
        let now = monotonicSeconds()
        state.withLock { $0.started = now }
        for _ in 0..<threads {
            try startThread { [self] in
                work()
                stopped.signal()
            }
            counts.withLock { $0.started += 1 }
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
                state.share.pieces += 1
                state.share.seconds = monotonicSeconds() - state.started
                if keepsRecords { state.records.append(record) }
            }
        }
    }

    /// Waits up to `seconds` for every worker to stop; true if they have.
    func waitForWorkers(upTo seconds: Double) -> Bool {
        let deadline = DispatchTime.now() + .microseconds(Int(seconds * 1e6))
        while counts.withLock({ $0.stopped < $0.started }) {
            guard stopped.wait(timeout: deadline) == .success else { return false }
            counts.withLock { $0.stopped += 1 }
        }
        return true
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
    /// The non-empty pieces computed.
    var pieces = 0
    /// Seconds from the workers' start to the end of their last piece: the rank's time at work.
    var seconds = 0.0
}

/// The system would not start a thread (a process or address-space limit): exit status 71.
struct ThreadStartFailed: Error, CustomStringConvertible, AbortStatusProviding {
    var reason: String
    var description: String { "prime-sum: could not start a worker thread: \(reason)" }
    var abortStatus: Int32 { ExitStatus.systemError }
}

/// Starts a detached thread running `body`, or throws why the system refused.
private func startThread(_ body: @escaping @Sendable () -> Void) throws(ThreadStartFailed) {
    final class Body {
        let run: @Sendable () -> Void
        init(_ run: @escaping @Sendable () -> Void) { self.run = run }
    }
    let context = Unmanaged.passRetained(Body(body)).toOpaque()
    var thread = pthread_t()
    let result = pthread_create(&thread, nil, { context in
        Unmanaged<Body>.fromOpaque(context!).takeRetainedValue().run()
        return nil
    }, context)
    guard result == 0 else {
        Unmanaged<Body>.fromOpaque(context).release()
        throw ThreadStartFailed(reason: String(cString: strerror(result)))
    }
    pthread_detach(thread)
}
