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
/// The other ranks post their counts to rank 0 with nonblocking sends, every half second; rank 0 polls for
/// them with a nonblocking receive between its own ticks. No rank ever waits on this traffic while computing,
/// and the answer does not depend on it. A rank that has finished keeps reporting while it waits for the
/// others, until rank 0 has heard that every rank finished and says so: the job's closing collectives then
/// start only once every rank is known to be alive and done, and last milliseconds, so that a rank stopped
/// at any moment of a long job is caught by the watch and never leaves rank 0 waiting in a collective.
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
    /// Rank 0's verdict on the job's end, once it comes: ``Verdict``.
    private var verdictReceive: ReceiveRequest<UInt64>?
    private var verdict: Verdict?

    // At rank 0.
    private var doneByRank: [UInt64]
    private var lastHeard: [Double]
    private var state: [RankState]
    private var farewells = 0
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
        state = [RankState](repeating: .computing, count: world.size)
        lastDisplay = start
        if world.rank == 0 && world.size > 1 {
            receive = try world.ireceive(capacity: 2, tag: MessageTag.progress, as: UInt64.self)
        } else if world.rank != 0 {
            verdictReceive = try world.ireceive(capacity: 1, from: 0, tag: MessageTag.verdict, as: UInt64.self)
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
            try report(unitsDone, .computing)
            return
        }
        doneByRank[0] = unitsDone
        try collect(now: now)
        if let displayInterval, now - lastDisplay >= displayInterval && now - start >= 1 {
            lastDisplay = now
            display(now: now)
        }
    }

    /// Called once this rank has finished. Away from rank 0: reports, still every half second, until rank 0
    /// gives its verdict, then says farewell (throwing ``PlannedStop`` if the verdict is to stop). At rank 0:
    /// collects the counts (still watching for silence) until every rank has finished, tells them, collects
    /// their farewells and clears the display.
    func finish(unitsDone: UInt64) throws {
        if world.rank != 0 {
            var lastReport = -Double.infinity
            while try receivedVerdict() == nil {
                let now = Environment.wallTime()
                if now - lastReport >= JobTuning.progressSendSeconds {
                    lastReport = now
                    try report(unitsDone, .finished)
                }
                usleep(1000)
            }
            try leave(unitsDone: unitsDone)
            if verdict == .stop { throw PlannedStop(message: nil) }
            return
        }
        doneByRank[0] = unitsDone
        state[0] = .leaving
        try collect(until: .finished)
        try announce(.allFinished)
        try collect(until: .leaving)
        if displayed && isTerminal { writeToStandardError("\r\u{1B}[K") }
    }

    /// At rank 0, for a planned stop (a signal, with a journal): tells every rank to stop and collects their
    /// farewells, which come after the last records they send (still watching for silence). `takeRecords`
    /// runs while it waits: a rank sends its farewell only once its records have gone, and a record too long
    /// to go eagerly goes only when rank 0 receives it.
    func stopEveryRank(takingRecords takeRecords: () throws -> Void) throws {
        state[0] = .leaving
        try announce(.stop)
        try collect(until: .leaving, meanwhile: takeRecords)
        if displayed && isTerminal { writeToStandardError("\r\u{1B}[K") }
    }

    /// Away from rank 0: whether rank 0 has told this rank to stop (``stopEveryRank(takingRecords:)``).
    func stopRequested() throws -> Bool {
        try receivedVerdict() == .stop
    }

    /// Away from rank 0: sends this rank's last progress message, once every message before it has gone.
    func leave(unitsDone: UInt64) throws {
        try report(unitsDone, .leaving)
        for send in sends { try send.wait() }
    }

    private func receivedVerdict() throws -> Verdict? {
        if verdict == nil, let request = verdictReceive, let message = try request.test() {
            verdictReceive = nil
            verdict = Verdict(rawValue: message.values.first ?? 0) ?? .stop
        }
        return verdict
    }

    private func announce(_ verdict: Verdict) throws {
        let notices = try (1..<world.size).map { try world.isend([verdict.rawValue], to: $0, tag: MessageTag.verdict) }
        for notice in notices { try notice.wait() }
    }

    /// Rank 0 collects counts, displaying progress, until every rank has reached `target`.
    private func collect(until target: RankState, meanwhile: () throws -> Void = {}) throws {
        while state.contains(where: { $0 < target }) {
            let now = Environment.wallTime()
            try meanwhile()
            try collect(now: now)
            if let displayInterval, now - lastDisplay >= displayInterval {
                lastDisplay = now
                display(now: now)
            }
            if state.contains(where: { $0 < target }) { usleep(1000) }
        }
    }

    /// Posts this rank's count and state to rank 0 (away from rank 0), dropping sends that have completed.
    private func report(_ unitsDone: UInt64, _ rankState: RankState) throws {
        sends.removeAll { (try? $0.test()) == true }
        sends.append(try world.isend([unitsDone, UInt64(rankState.rawValue)], to: 0, tag: MessageTag.progress))
    }

    /// Takes in every count that has come, then checks that no rank still expected to speak has been silent
    /// too long.
    private func collect(now: Double) throws {
        while let request = receive, let message = try request.test() {
            let rank = message.source
            doneByRank[rank] = Swift.max(doneByRank[rank], message.values[0])
            lastHeard[rank] = now
            let reported = RankState(rawValue: Int(message.values[1])) ?? .computing
            if reported > state[rank] {
                state[rank] = reported
                if reported == .leaving { farewells += 1 }
            }
            // A rank's farewell is its last message: the receive stops being posted once all have come.
            receive = farewells < world.size - 1 ? try world.ireceive(capacity: 2, tag: MessageTag.progress, as: UInt64.self) : nil
        }
        if let silent = (1..<world.size).first(where: { state[$0] != .leaving && now - lastHeard[$0] > silenceLimit }) {
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
        let head = "prime-sum: \((fraction * 100).formatted(decimals: 1))% of \(world.size) ranks' work"
        let rateText = unitName.map { ", \((rate / 1e6).formatted(decimals: 1)) million \($0)/s" } ?? ""
        let leftText = left.isFinite ? ", about \(Self.duration(left)) left" : ", time left unknown"
        guard isTerminal else { return writeToStandardError(head + rateText + leftText + "\n") }
        // Updated in place: narrower than the terminal, or it wraps and each update adds a row. The rate goes
        // first when the line is too wide.
        let width = Swift.max(Self.terminalColumns - 1, 20)
        let text = head.count + rateText.count + leftText.count <= width ? head + rateText + leftText : head + leftText
        writeToStandardError("\r\u{1B}[K" + String(text.prefix(width)))
        displayed = true
    }

    /// `seconds` as people read a time left: "42 s", "3 min 05 s", "2 h 07 min".
    static func duration(_ seconds: Double) -> String {
        let whole = Int(seconds.rounded())
        func twoDigits(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        if whole < 60 { return "\(whole) s" }
        if whole < 3600 { return "\(whole / 60) min \(twoDigits(whole % 60)) s" }
        return "\(whole / 3600) h \(twoDigits(whole / 60 % 60)) min"
    }

    /// The width of the terminal that standard error shows on: run.sh's `PRIMESUM_TERMINAL_COLUMNS` (under
    /// mpirun a rank's standard error is a pipe), else the terminal's own, else 80.
    static var terminalColumns: Int {
        if let text = getenv("PRIMESUM_TERMINAL_COLUMNS"), let columns = Int(String(cString: text)), columns > 0 {
            return columns
        }
        var size = winsize()
        return ioctl(2, UInt(TIOCGWINSZ), &size) == 0 && size.ws_col > 0 ? Int(size.ws_col) : 80
    }
}

/// Rank 0's word to the other ranks on how the job ends.
private enum Verdict: UInt64 {
    /// Every rank has finished: on to the closing collectives.
    case allFinished = 1
    /// Stop now (a signal, with a journal): every rank leaves without the closing collectives.
    case stop = 2
}

/// The job stops as planned, every rank agreeing (a signal with a journal): each rank finalizes MPI and exits
/// 75 without `MPI_Abort`. Rank 0 carries the message to print.
struct PlannedStop: Error {
    var message: String?
}

/// Where a rank is in the job, as its progress messages tell rank 0.
private enum RankState: Int, Comparable {
    /// Computing its pieces.
    case computing
    /// Done, waiting for the others.
    case finished
    /// Done and told that every rank is: its last progress message.
    case leaving

    static func < (a: RankState, b: RankState) -> Bool { a.rawValue < b.rawValue }
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
