import MPI

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Progress of the whole job on rank 0's standard error, from every rank's count of units done (integers
/// sieved).
///
/// The other ranks post their counts to rank 0 with nonblocking sends, at most every half second, then a
/// final count when they finish; rank 0 polls for them with a nonblocking receive between its own ticks. No
/// rank ever waits on progress traffic while sieving, and the answer does not depend on it: rank 0 only
/// drains the final counts (already sent) before the reduce.
public final class ProgressExchange {
    private let world: Communicator
    private let totalUnits: Double
    private let displayInterval: Double
    private let isTerminal: Bool
    private let start = Environment.wallTime()

    // Away from rank 0.
    private var sends: [SendRequest<UInt64>] = []
    private var lastSend = -Double.infinity

    // At rank 0.
    private var doneByRank: [UInt64]
    private var finalCount = 0
    private var receive: ReceiveRequest<UInt64>?
    private var lastDisplay: Double
    private var displayed = false

    /// - Parameter displayInterval: seconds between progress displays at rank 0.
    init(world: Communicator, totalUnits: UInt128, displayInterval: Double) throws {
        self.world = world
        self.totalUnits = Double(totalUnits)
        self.displayInterval = displayInterval
        isTerminal = Self.standardErrorIsTerminal
        doneByRank = [UInt64](repeating: 0, count: world.size)
        lastDisplay = Environment.wallTime()
        if world.rank == 0 && world.size > 1 {
            receive = try world.ireceive(capacity: 2, tag: MessageTag.progress, as: UInt64.self)
        }
    }

    /// Whether progress goes to a terminal, where it is updated in place. Under mpirun a rank's standard error
    /// is a pipe, so run.sh tells the ranks about the user's terminal (`PRIMESUM_STDERR_IS_TERMINAL=1`).
    public static var standardErrorIsTerminal: Bool {
        isatty(2) != 0 || getenv("PRIMESUM_STDERR_IS_TERMINAL").map { String(cString: $0) == "1" } == true
    }

    /// Called on the MPI thread while this rank sieves: posts or collects counts, and displays at rank 0.
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
        while let request = receive, let message = try request.test() {
            try record(message)
        }
        if now - lastDisplay >= displayInterval && now - start >= 1 {
            lastDisplay = now
            display(now: now)
        }
    }

    /// Called once this rank has finished sieving: sends the final count, or at rank 0 collects every
    /// rank's final count and clears the display.
    func finish(unitsDone: UInt64) throws {
        if world.rank != 0 {
            sends.append(try world.isend([unitsDone, 1], to: 0, tag: MessageTag.progress))
            for send in sends { try send.wait() }
            return
        }
        doneByRank[0] = unitsDone
        while let request = receive {
            try record(try request.wait())
            if Environment.wallTime() - lastDisplay >= displayInterval {
                lastDisplay = Environment.wallTime()
                display(now: lastDisplay)
            }
        }
        if displayed && isTerminal { writeToStandardError("\r\u{1B}[K") }
    }

    /// Takes in one rank's count and, while final counts are missing, posts the receive of the next one.
    private func record(_ message: Message<UInt64>) throws {
        doneByRank[message.source] = Swift.max(doneByRank[message.source], message.values[0])
        if message.values[1] == 1 { finalCount += 1 }
        receive = finalCount < world.size - 1 ? try world.ireceive(capacity: 2, tag: MessageTag.progress, as: UInt64.self) : nil
    }

    private func display(now: Double) {
        guard totalUnits > 0 else { return }
        let done = Double(doneByRank.reduce(0, +))
        let fraction = Swift.min(done / totalUnits, 1)
        let elapsed = now - start
        let rate = done / Swift.max(elapsed, 1e-9)
        let left = rate > 0 ? (totalUnits - done) / rate : .infinity
        let text = "prime-sum: \((fraction * 100).formatted(decimals: 1))% of \(world.size) ranks' work, "
            + "\((rate / 1e6).formatted(decimals: 1)) million integers/s, "
            + (left.isFinite ? "about \(Int(left.rounded())) s left" : "time left unknown")
        writeToStandardError(isTerminal ? "\r\u{1B}[K" + text : text + "\n")
        displayed = true
    }
}
