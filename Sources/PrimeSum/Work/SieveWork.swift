import MPI
import PrimeSieve

/// Today's one kind of work: sieve a piece `[lo, hi)` of the request's span once, cut at the query borders
/// inside it, and add its cuts' tallies to every query they fall in.
struct SieveWork: WorkKind {
    let engine: PrimeSieve
    let borders: QueryBorders
    let domain: Query
    let journalDescription: String
    /// The rank's shared sieving primes (every rank makes its own SieveWork).
    private let sievingPrimes: RankSievingPrimes
    var unitName: String? { "integers" }

    init(request: Request, engine: PrimeSieve) {
        self.engine = engine
        borders = QueryBorders(request.queries)
        domain = request.span
        journalDescription = request.journalDescription
        sievingPrimes = RankSievingPrimes(forDomainEndingAt: domain.hi, configuration: engine.configuration)
    }

    func equalCostBorders(of part: Query, parts: Int) -> [UInt128] {
        engine.equalCostBorders(from: part.lo, to: part.hi, parts: parts)
    }

    /// Every piece places each sieving prime up to `sqrt(hi)` at its first multiple in the piece (and a rank's
    /// first pieces generate those primes too), so a piece shorter than
    /// `JobTuning.minimumPieceToSetUpRatio`·sqrt(hi) (or `JobTuning.minimumPieceWidth`) would spend more on
    /// set-up than on sieving.
    func worthwhilePieceCount(of part: Query, maximum: Int) -> Int {
        let setUp = UInt128(part.hi.clampedToUInt64.squareRootForPlanning())
        let pieces = part.width / Swift.max(JobTuning.minimumPieceToSetUpRatio * setUp, JobTuning.minimumPieceWidth)
        return Swift.max(1, Int(Swift.min(pieces, UInt128(maximum))))
    }

    func compute(_ piece: Query, progress: @escaping @Sendable (UInt64) -> Void) -> ChunkRecord {
        let points = borders.points(in: piece)
        let cuts = engine.tallies(from: piece.lo, to: piece.hi, cutAt: Array(points.dropFirst().dropLast()),
                                  sievingPrimes: sievingPrimes.forNextPiece(), progress: progress)
        sievingPrimes.pieceFinished()
        return ChunkRecord(chunk: piece, pieces: cuts)
    }

    /// A record inside the span, cut at this request's borders, with a possible tally for every cut.
    func accepts(_ record: ChunkRecord) -> Bool {
        domain.lo <= record.chunk.lo && record.chunk.hi <= domain.hi
            && record.isPossible(cutAt: borders.points(in: record.chunk))
    }

    var emptyPartial: QueryTallies { .zero(queryCount: borders.queries.count) }

    func partial(of record: ChunkRecord) -> QueryTallies {
        borders.contributions(of: record.chunk, cutTallies: record.pieces)
    }

    func combine(_ partial: inout QueryTallies, with other: QueryTallies) { partial.add(other) }

    func tallies(of partial: QueryTallies) -> QueryTallies { partial }

    /// The queries' counts and sums added up at rank 0; the total stays each rank's own.
    func reduce(_ partial: QueryTallies, at root: Root) throws -> QueryTallies? {
        let counts = try root.reduce(partial.perQuery.map(\.count), .sum)
        let sums = try root.reduce(partial.perQuery.map(\.sum), .sum)
        guard let counts, let sums else { return nil }
        return QueryTallies(perQuery: zip(counts, sums).map { PrimeTally(count: $0, sum: $1) }, total: partial.total)
    }
}
