import Dispatch
import PrimeSieve
import Synchronization

/// One rank's share of a job: sieve its range once, on `threads` threads, and return each query's tally
/// restricted to that range.
///
/// The range is cut at every query border inside it (and at the thread chunks' borders); the tally of
/// `range ∩ [qlo, qhi)` is then a difference of running totals, so a batch of a million bounds still costs
/// one sieve of the range.
struct RankWork {
    let range: Query
    let queries: [Query]
    let threads: Int
    let engine: PrimeSieve

    /// Chunks per thread: more chunks even out threads that run at different speeds. The last chunks end at
    /// different times, leaving a thread idle for up to a chunk: with 4 per thread (8 for 2 threads) that
    /// tail cost ~6 % (2 threads gave 1.89× in two benchmark runs); with 16, ~1.5 %. A chunk's own set-up
    /// (sieving primes up to sqrt(hi), a segment) stays small against it (`worthwhileChunkCount`).
    static let chunksPerThread = 16
    /// A chunk is worth cutting off only if it is at least this many times `sqrt(hi)` long.
    static let minimumChunkToSetUpRatio: UInt128 = 64

    struct Outcome {
        /// For each query, the tally of its primes inside this rank's range.
        var contributions: [PrimeTally]
        /// The tally of the whole range.
        var total: PrimeTally

        static func zero(queryCount: Int) -> Outcome {
            Outcome(contributions: [PrimeTally](repeating: .zero, count: queryCount), total: .zero)
        }

        /// Adds the outcome of a disjoint range.
        mutating func add(_ other: Outcome) {
            for i in contributions.indices { contributions[i] += other.contributions[i] }
            total += other.total
        }
    }

    /// How many chunks `range` is worth cutting into, from 1 to `maximum`. Every chunk generates the sieving
    /// primes up to sqrt(hi) again, so a chunk shorter than `minimumChunkToSetUpRatio`·sqrt(hi) (or 2^20
    /// integers) would spend more on set-up than on sieving.
    static func worthwhileChunkCount(_ range: Query, maximum: Int) -> Int {
        let setUp = UInt128(UInt64(Swift.min(range.hi, UInt128(UInt64.max))).squareRootFloorForPlanning())
        let chunks = (range.hi - range.lo) / Swift.max(minimumChunkToSetUpRatio * setUp, 1 << 20)
        return Swift.max(1, Int(Swift.min(chunks, UInt128(maximum))))
    }

    /// Sieves the range on worker threads; the calling thread (the one MPI belongs to) runs `tick` with the
    /// number of integers sieved so far every `tickInterval` seconds until they are done.
    func run(tickInterval: Double = 0.1, tick: (UInt64) throws -> Void) rethrows -> Outcome {
        // At least one chunk per thread (while the range has that many integers), more where worthwhile.
        let chunkCount = threads == 1 ? 1 : Swift.max(
            Int(Swift.min(range.hi - range.lo, UInt128(threads))),
            Self.worthwhileChunkCount(range, maximum: threads * Self.chunksPerThread))
        let chunkBorders = engine.equalCostBorders(from: range.lo, to: range.hi, parts: chunkCount)
        // (Tiny ranges repeat borders: empty chunks are left out.)
        let chunks = zip(chunkBorders, chunkBorders.dropFirst()).map { Query(lo: $0, hi: $1) }.filter { $0.lo < $0.hi }
        let outcomes = try sieveChunks(chunks, tickInterval: tickInterval, tick: tick)
        return outcomes.reduce(into: Outcome.zero(queryCount: queries.count)) { $0.add($1) }
    }

    /// Sieves one chunk in one pass, cut at the query borders inside it: the tallies of its pieces (what a
    /// checkpoint records) and each query's tally inside the chunk.
    static func sieve(_ chunk: Query, borders: QueryBorders, queries: [Query], engine: PrimeSieve,
                      progress: @escaping (UInt64) -> Void) -> (pieces: [PrimeTally], outcome: Outcome) {
        let points = borders.points(in: chunk)
        let pieces = engine.tallies(from: chunk.lo, to: chunk.hi, cutAt: Array(points.dropFirst().dropLast()),
                                    progress: progress)
        return (pieces, outcome(of: chunk, points: points, pieceTallies: pieces, queries: queries))
    }

    /// Each query's tally inside `range`, from the tallies of the pieces between consecutive `points` (which
    /// run from `range.lo` to `range.hi` and include every query border inside the range).
    static func outcome(of range: Query, points: [UInt128], pieceTallies: [PrimeTally], queries: [Query]) -> Outcome {
        precondition(pieceTallies.count == Swift.max(points.count - 1, 0), "pieces and cut points disagree")
        var runningTotals = [PrimeTally.zero]  // runningTotals[i]: tally of [range.lo, points[i])
        for piece in pieceTallies { runningTotals.append(runningTotals.last! + piece) }
        func runningTotal(at x: UInt128) -> PrimeTally {
            let clamped = Swift.min(Swift.max(x, range.lo), range.hi)
            return runningTotals[points.partitioningIndex { $0 >= clamped }]
        }
        let contributions = queries.map { query in
            let upper = runningTotal(at: query.hi), lower = runningTotal(at: query.lo)
            return query.lo < query.hi
                ? PrimeTally(count: upper.count - lower.count, sum: upper.sum - lower.sum) : .zero
        }
        return Outcome(contributions: contributions, total: runningTotals.last!)
    }

    /// Each chunk's outcome, computed on `threads` worker threads that take the next chunk from a shared
    /// counter, while this thread ticks.
    private func sieveChunks(_ chunks: [Query], tickInterval: Double,
                             tick: (UInt64) throws -> Void) rethrows -> [Outcome] {
        let results = ChunkResults(count: chunks.count)
        let engine = engine, queries = queries
        let borders = QueryBorders(queries)
        let group = DispatchGroup()
        for _ in 0..<Swift.min(threads, chunks.count) {
            DispatchQueue.global().async(group: group) {
                while true {
                    let index = results.nextChunk.add(1, ordering: .relaxed).oldValue
                    guard index < chunks.count else { return }
                    let sieved = Self.sieve(chunks[index], borders: borders, queries: queries, engine: engine) {
                        results.integersDone.add($0, ordering: .relaxed)
                    }
                    results.store(sieved.outcome, at: index)
                }
            }
        }
        while group.wait(timeout: .now() + .milliseconds(Int(tickInterval * 1000))) == .timedOut {
            try tick(results.integersDone.load(ordering: .relaxed))
        }
        return results.all.compactMap { $0 }
    }
}

/// The chunks' results, each slot written by exactly one thread.
private final class ChunkResults: Sendable {
    let nextChunk = Atomic<Int>(0)
    let integersDone = Atomic<UInt64>(0)
    private let slots: Locked<[RankWork.Outcome?]>

    init(count: Int) { slots = Locked([RankWork.Outcome?](repeating: nil, count: count)) }

    func store(_ outcome: RankWork.Outcome, at index: Int) { slots.withLock { $0[index] = outcome } }

    var all: [RankWork.Outcome?] { slots.withLock { $0 } }
}

extension UInt64 {
    /// About `sqrt(self)`: enough to weigh a chunk's set-up cost.
    func squareRootFloorForPlanning() -> UInt64 { UInt64(Double(self).squareRoot()) }
}

extension Array where Element: Comparable {
    /// The first index whose element satisfies `predicate`, for a predicate false then true along the array.
    func partitioningIndex(where predicate: (Element) -> Bool) -> Int {
        var low = 0, high = count
        while low < high {
            let middle = (low + high) / 2
            if predicate(self[middle]) { high = middle } else { low = middle + 1 }
        }
        return low
    }
}
