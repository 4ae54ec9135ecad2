import MPI

/// A kind of work the job can spread over ranks and threads without knowing what it computes.
///
/// The work is a range of integers in the kind's own coordinates (``domain``: for the sieve, the request's
/// span). The plan cuts it into pieces of equal estimated cost; a worker computes a piece into a ``Record``
/// (what the journal keeps and what a rank sends rank 0 for it); records fold into a rank's ``Partial``,
/// and ``reduce(_:at:)`` combines the ranks' partials at rank 0. A second method plugs in as a new conforming
/// type: its pieces, its record, and its combine rule (which may be any collective, an exclusive scan before
/// the reduce for instance), with the plan, the pool, the dealer, the journal and the progress unchanged.
protocol WorkKind: Sendable {
    associatedtype Record: PieceRecord
    associatedtype Partial: Sendable

    /// The whole work, in the kind's coordinates.
    var domain: Query { get }
    /// How a journal's header names this work: a journal of other work is refused.
    var journalDescription: String { get }
    /// What the domain's units count, for the progress display's rate; nil when they are estimated costs.
    var unitName: String? { get }
    /// Cuts `part` into `parts` consecutive ranges of about equal estimated cost: `parts + 1` ascending borders
    /// from `part.lo` to `part.hi` (borders repeat where `part` has fewer integers than `parts`).
    func equalCostBorders(of part: Query, parts: Int) -> [UInt128]
    /// How many pieces `part` is worth cutting into, from 1 to `maximum`: each piece has a set-up cost.
    func worthwhilePieceCount(of part: Query, maximum: Int) -> Int
    /// Whether a piece costs nothing beyond its work (the combinatorial line's): the dynamic schedule then
    /// deals finer pieces.
    var piecesHaveNoSetUp: Bool { get }
    /// The static schedule's runs, if the work plans them itself (nil: contiguous runs of equal cost).
    func staticRuns(ranks: Int) -> [[Query]]?

    /// Computes one non-empty piece. `progress` is called from time to time with the units just finished.
    func compute(_ piece: Query, progress: @escaping @Sendable (UInt64) -> Void) -> Record
    /// Whether `record`, read from a journal or received from a rank, is one this work could have produced.
    func accepts(_ record: Record) -> Bool

    /// The partial result of no pieces.
    var emptyPartial: Partial { get }
    /// What one finished piece adds.
    func partial(of record: Record) -> Partial
    /// `partial` and `other` (of disjoint pieces) together.
    func combine(_ partial: inout Partial, with other: Partial)
    /// The ranks' partials combined at rank 0: a collective call of every rank; nil away from rank 0.
    func reduce(_ partial: Partial, at root: Root) throws -> Partial?
    /// What a partial result tells of the request's queries: each one's tally over the pieces, and theirs.
    func tallies(of partial: Partial) -> QueryTallies

    /// The work's components and what this process spent on each so far, always in the same order: for
    /// `--report`. Empty for work of one component.
    func componentTotals() -> [ComponentTotal]
}

extension WorkKind {
    func componentTotals() -> [ComponentTotal] { [] }
    var piecesHaveNoSetUp: Bool { false }
    func staticRuns(ranks: Int) -> [[Query]]? { nil }
}

/// One component of the work (the combinatorial method's hard leaves, say): the pieces computed and the
/// CPU seconds their threads spent, in one process or summed over the job.
public struct ComponentTotal: Sendable, Equatable {
    public var name: String
    public var pieces: Int
    public var seconds: Double

    public init(name: String, pieces: Int, seconds: Double) {
        self.name = name
        self.pieces = pieces
        self.seconds = seconds
    }
}

extension WorkKind {
    /// The partial result of `records`.
    func partial(of records: [Record]) -> Partial {
        records.reduce(into: emptyPartial) { combine(&$0, with: partial(of: $1)) }
    }
}

/// A finished piece: its range and what it found. Written to the journal as a line of words, and sent to
/// rank 0 as 128-bit words.
protocol PieceRecord: Sendable, Equatable {
    /// The piece of the kind's domain the record covers.
    var piece: Query { get }

    /// The record as 128-bit words, for the message to rank 0.
    var words: [UInt128] { get }
    init?(words: [UInt128])

    /// The record's journal line (without its checksum): a keyword, then fields separated by spaces.
    var journalLine: String { get }
    init?(journalLine words: [Substring])
}
