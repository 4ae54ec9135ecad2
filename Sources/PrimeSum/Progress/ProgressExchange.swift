import MPI

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Every rank's count of units done (integers sieved), gathered at rank 0: shown there as the job's progress,
/// and watched as a heartbeat, so that a rank that stops reporting (stopped, frozen) ends the job instead of
/// hanging it.
///
/// The other ranks post their counts to rank 0 with nonblocking sends, every half second, then a final count
/// when they finish; rank 0 polls for them with a nonblocking receive between its own ticks. No rank ever
/// waits on this traffic while computing, and the answer does not depend on it: rank 0 only drains the final
/// counts (already sent) before the reduce.
public final class ProgressExchange {
    private let world: Communicator
    private let totalUnits: Double
    private let displayInterval: Double?
    private let silenceLimit: Double
    private let isTerminal: Bool
    private let start = Environment.wallTime()

    // Away from rank 0.
    private var sends: [SendRequest<UInt64>] = []
    private var lastSend = -Double.infinity

    // At rank 0.
    private var doneByRank: [UInt64]
    private var lastHeard: [Double]
    private var finished: [Bool]
    private var finalCount = 0
    private var receive: ReceiveRequest<UInt64>?
    private var lastDisplay: Double
    private var displayed = false
    private let unitName: String?

    /// - Parameters:
    ///   - displayInterval: seconds between progress displays at rank 0; nil for none.
    ///   - silenceLimit: seconds after which a rank that has not reported ends the job (``RankSilent``).
    ///   - unitName: what the units count, for the rate shown ("integers"); nil to show no rate (units that
    ///     are estimated costs).
    init(world: Communicator, totalUnits: UInt128, displayInterval: Double?, silenceLimit: Double,
         unitName: String? = "integers") throws {
        self.world = world
        self.unitName = unitName
        self.totalUnits = Double(totalUnits)
        self.displayInterval = displayInterval
        self.silenceLimit = silenceLimit
        isTerminal = Self.standardErrorIsTerminal
        doneByRank = [UInt64](repeating: 0, count: world.size)
        lastHeard = [Double](repeating: start, count: world.size)
        finished = [Bool](repeating: false, count: world.size)
        lastDisplay = start
        if world.rank == 0 && world.size > 1 {
            receive = try world.ireceive(capacity: 2, tag: MessageTag.progress, as: UInt64.self)
        }
    }

    /// Whether progress goes to a terminal, where it is updated in place. Under mpirun a rank's standard error
    /// is a pipe, so run.sh tells the ranks about the user's terminal (`PRIMESUM_STDERR_IS_TERMINAL=1`).
    public static var standardErrorIsTerminal: Bool {
        isatty(2) != 0 || getenv("PRIMESUM_STDERR_IS_TERMINAL").map { String(cString: $0) == "1" } == true
    }

    /// Called on the MPI thread while this rank computes: posts or collects counts; at rank 0, displays and
    /// throws ``RankSilent`` if a rank has been silent too long.
    func tick(unitsDone: UInt64) throws {
        let now = Environment.wallTime()
        if world.rank != 0 {
            guard now - lastSend >= JobTuning.progressSendSeconds else { return }
            lastSend = now
            sends.removeAll { (try? $0.test()) == true }
            sends.append(try world.isend([unitsDone, 0], to: 0, tag: MessageTag.progress))
            return
        }
        doneByRank[0] = unitsDone
        try collect(now: now)
        if let displayInterval, now - lastDisplay >= displayInterval && now - start >= 1 {
            lastDisplay = now
            display(now: now)
        }
    }

    /// Called once this rank has finished: sends the final count, or at rank 0 collects every rank's final
    /// count (still watching for silence) and clears the display.
    func finish(unitsDone: UInt64) throws {
        if world.rank != 0 {
            sends.append(try world.isend([unitsDone, 1], to: 0, tag: MessageTag.progress))
            for send in sends { try send.wait() }
            return
        }
        doneByRank[0] = unitsDone
        while receive != nil {
            let now = Environment.wallTime()
            try collect(now: now)
            if let displayInterval, now - lastDisplay >= displayInterval {
                lastDisplay = now
                display(now: now)
            }
            if receive != nil { usleep(1000) }
        }
        if displayed && isTerminal { writeToStandardError("\r\u{1B}[K") }
    }

    /// Takes in every count that has come, then checks that no unfinished rank has been silent too long.
    private func collect(now: Double) throws {
        while let request = receive, let message = try request.test() {
            let rank = message.source
            doneByRank[rank] = Swift.max(doneByRank[rank], message.values[0])
            lastHeard[rank] = now
            if message.values[1] == 1 && !finished[rank] {
                finished[rank] = true
                finalCount += 1
            }
            receive = finalCount < world.size - 1 ? try world.ireceive(capacity: 2, tag: MessageTag.progress, as: UInt64.self) : nil
        }
        if let silent = (1..<world.size).first(where: { !finished[$0] && now - lastHeard[$0] > silenceLimit }) {
            throw RankSilent(rank: silent, seconds: now - lastHeard[silent])
        }
    }

    private func display(now: Double) {
        guard totalUnits > 0 else { return }
        let done = Double(doneByRank.reduce(0, +))
        let fraction = Swift.min(done / totalUnits, 1)
        let elapsed = now - start
        let rate = done / Swift.max(elapsed, 1e-9)
        let left = rate > 0 ? (totalUnits - done) / rate : .infinity
        let text = "prime-sum: \((fraction * 100).formatted(decimals: 1))% of \(world.size) ranks' work, "
            + (unitName.map { "\((rate / 1e6).formatted(decimals: 1)) million \($0)/s, " } ?? "")
            + (left.isFinite ? "about \(Int(left.rounded())) s left" : "time left unknown")
        writeToStandardError(isTerminal ? "\r\u{1B}[K" + text : text + "\n")
        displayed = true
    }
}

/// A rank stopped reporting its progress (stopped, frozen, or its host unreachable): the job is ended rather
/// than left hanging. Exit status 75: with a checkpoint, its finished chunks are saved.
struct RankSilent: Error, CustomStringConvertible, AbortStatusProviding {
    var rank: Int
    var seconds: Double

    var description: String {
        "prime-sum: rank \(rank) has not reported for \(Int(seconds)) s (stopped, frozen or unreachable); ending the job "
            + "(with --checkpoint, run the same command again to resume from the saved chunks)"
    }

    var abortStatus: Int32 { ExitStatus.interrupted }
}
