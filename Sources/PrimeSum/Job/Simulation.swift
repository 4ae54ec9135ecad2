import PrimeSieve

#if canImport(Glibc)
import Glibc
#endif

extension DistributedPrimeSum {
    /// The answers the job would give on `ranks` ranks, computed here rank after rank without MPI: the same
    /// method choice, plan, worker pool and combine rule as the job (the reduce of the combinatorial
    /// partials is their concatenation). For tests of the plan, the pool and the methods.
    public static func simulate(_ request: Request, ranks: Int, options: Options) -> [PrimeTally] {
        let options = options.resolved(for: request)
        if options.method == .combinatorial {
            let layout = CombinatorialWork.piecesPerPart(threadsInJob: ranks * options.threads)
            return simulate(CombinatorialWork(request: request, piecesPerPart: layout), ranks: ranks, options: options)
        }
        return simulate(SieveWork(request: request, engine: PrimeSieve(configuration: options.sieve)),
                        ranks: ranks, options: options)
    }

    private static func simulate<Kind: WorkKind>(_ kind: Kind, ranks: Int, options: Options) -> [PrimeTally] {
        let shares: [[Query]] = options.usesDynamicSchedule
            ? [Plan.dealt(of: kind, remaining: [kind.domain], threadsInJob: ranks * options.threads)]
            : Plan.runs(of: kind, ranks: ranks, threads: options.threads)
        var total = kind.emptyPartial
        for pieces in shares {
            let pool = WorkerPool(kind: kind, queue: PieceQueue(all: pieces), keepsRecords: false)
            do { try pool.start(threads: options.threads) } catch { preconditionFailure("\(error)") }
            while !pool.waitForWorkers(upTo: 1) {}
            kind.combine(&total, with: pool.share.partial)
        }
        return kind.tallies(of: total).perQuery
    }
}

/// What the plan of a combinatorial job on many ranks promises, from the cost model: each piece's estimate
/// (about nanoseconds on the machine it was fitted on) times a random error of the size measured per piece
/// (lognormal, σ = 0.25, fixed seed), plus each rank's set-up (its tables, timed here). Start-up and
/// messages are left out. For the scaling table beyond this machine.
public struct PlanPrediction: Sendable {
    public var ranks: Int
    /// The engine's pieces in the job's layout for `ranks` ranks of one thread.
    public var pieces: Int
    /// One rank's set-up: the tables and the plan, seconds.
    public var setUpSeconds: Double
    /// The whole work on one rank, seconds (set-up included).
    public var oneRankSeconds: Double
    /// One rank's seconds over `ranks` ranks' seconds ÷ `ranks`, static schedule (costliest first, to the
    /// least-loaded rank by estimate) and dynamic (the dealt pieces in order, each to the first rank free).
    public var staticEfficiency: Double
    public var dynamicEfficiency: Double

    /// The error of the cost model per piece, as measured at 10^16 (about ±25 %).
    static let errorSigma = 0.25

    /// The prediction for the sums `request` needs, on `ranks` ranks of one thread.
    public init(_ request: Request, ranks: Int) {
        let start = monotonicSeconds()
        let kind = CombinatorialWork(request: request, piecesPerPart: CombinatorialWork.piecesPerPart(threadsInJob: ranks))
        setUpSeconds = monotonicSeconds() - start
        self.ranks = ranks
        pieces = kind.sums.reduce(0) { $0 + $1.pieces.count }
        // Each engine piece (a static run's element) gets its time once; a dealt run of the line, the times
        // of the pieces starting in it.
        var random = SplitMix(seed: 2026)
        let secondsPerUnit = kind.estimatedSeconds / Double(kind.domain.width)
        let runs = kind.staticRuns(ranks: ranks) ?? []
        let timed = runs.joined().map { ($0.lo, Double($0.width) * secondsPerUnit * exp(Self.errorSigma * random.nextGaussian())) }
            .sorted { $0.0 < $1.0 }
        var before = [0.0]  // running totals of the pieces' times, in line order
        for (_, seconds) in timed { before.append(before.last! + seconds) }
        func seconds(_ piece: Query) -> Double {
            before[timed.partitioningIndex { $0.0 >= piece.hi }] - before[timed.partitioningIndex { $0.0 >= piece.lo }]
        }
        oneRankSeconds = setUpSeconds + before.last!
        let staticLongest = runs.map { $0.reduce(0) { $0 + seconds($1) } }.max() ?? 0
        var free = [Double](repeating: 0, count: ranks)
        for piece in Plan.dealt(of: kind, remaining: [kind.domain], threadsInJob: ranks) {
            let rank = free.indices.min { free[$0] < free[$1] }!
            free[rank] += seconds(piece)
        }
        staticEfficiency = oneRankSeconds / (Double(ranks) * (setUpSeconds + staticLongest))
        dynamicEfficiency = oneRankSeconds / (Double(ranks) * (setUpSeconds + (free.max() ?? 0)))
    }
}

/// A small seeded generator (SplitMix64), so that predictions repeat.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A standard normal variate (Box–Muller).
    mutating func nextGaussian() -> Double {
        let u = (Double(next() >> 11) + 0.5) / 9_007_199_254_740_992, v = Double(next() >> 11) / 9_007_199_254_740_992
        return (-2 * log(u)).squareRoot() * cos(2 * Double.pi * v)
    }
}
