import PrimeSieve

/// The count and sum of the primes below `n`, for any `n ≤ 2^64`, in O(n^(2/3)/log² n) time: the
/// Deléglise–Rivat form of the Meissel–Lehmer method, every count also carried as a sum.
///
/// With x = n − 1, y = α·x^(1/3), a = π(y): S(x) = Φ(x, a) + S(y) − 1 − P2, where Φ(x, a) (the integers up to x
/// with no prime factor up to y) is the ordinary leaves plus the special leaves (trivial, easy, hard), and P2
/// the products of two primes above y. The count is the same algorithm with weight 1 instead of n; one pass
/// carries both, side by side.
///
/// The work is a list of ``Piece``s with estimated costs, computed independently (any order, any thread, any
/// process: nothing here assumes one) and combined exactly by ``total(of:)``. ``tally()`` does it all here.
/// The engine knows nothing of MPI or threads.
public struct CombinatorialPrimeSum: Sendable {
    /// The sum is of the primes below this.
    public let bound: UInt128
    let context: Context?
    /// The pieces of the work, each to be computed once.
    public let pieces: [Piece]

    /// A piece of the work.
    public enum Piece: Sendable, Hashable {
        /// S1, whole.
        case ordinaryLeaves
        /// The trivial and easy leaves of the primes p_b for b in the range.
        case easyLeaves(Range<Int>)
        /// The hard leaves whose x/n lies in the range.
        case hardLeaves(Range<UInt64>)
        /// P2's cut points in the range.
        case p2(Range<UInt64>)

        /// The part of the split the piece belongs to.
        public var component: Component {
            switch self {
            case .ordinaryLeaves: .ordinaryLeaves
            case .easyLeaves: .easyLeaves
            case .hardLeaves: .hardLeaves
            case .p2: .p2
            }
        }
    }

    /// The parts of the Deléglise–Rivat split a piece can belong to, for reports.
    public enum Component: String, Sendable, CaseIterable {
        case ordinaryLeaves = "ordinary leaves (S1)"
        case easyLeaves = "easy leaves"
        case hardLeaves = "hard leaves"
        case p2 = "P2"
    }

    /// What a piece found: to be handed, with all the others, to ``total(of:)``.
    public enum PiecePartial: Sendable, Hashable {
        case plain(PrimeTally)
        case hardLeaves(HardLeavesPartial)
        case p2(P2Partial)
    }

    /// Sets up the sum below `bound` (at most 2^64): parameters, prime tables and factor table up to y, and
    /// the list of pieces, `piecesPerPart` for each of the hard leaves, the easy leaves and P2.
    /// - Parameter alpha: overrides `y = α·x^(1/3)`'s tuning factor (for tests and measurements).
    public init(below bound: UInt128, sieve: PrimeSieve = PrimeSieve(), alpha: Double? = nil,
                piecesPerPart: Int = 1) {
        self.init(below: bound, alpha: alpha, piecesPerPart: piecesPerPart) { Context(parameters: $0, sieve: sieve) }
    }

    /// The sum below `bound` with its tables read from `image` instead of built. Other processes may read the
    /// same image at the same time: the processes of a node then hold one copy of the tables (over 100 MB near
    /// 2^64) and share it in the caches. `image` must hold what ``writeTables(to:)`` wrote for the same bound (checked) and stay valid
    /// and unchanged while `owner` lives; every table read from it keeps `owner`.
    public init(below bound: UInt128, sieve: PrimeSieve = PrimeSieve(), alpha: Double? = nil, piecesPerPart: Int = 1,
                tables image: UnsafeRawBufferPointer, keptAliveBy owner: AnyObject) {
        self.init(below: bound, alpha: alpha, piecesPerPart: piecesPerPart) { parameters in
            var reader = TableImageReader(image, keptAliveBy: owner)
            return Context(parameters: parameters, sieve: sieve, image: &reader)
        }
    }

    private init(below bound: UInt128, alpha: Double?, piecesPerPart: Int, context: (Parameters) -> Context) {
        precondition(bound <= PrimeSieve.upperLimit, "the bound \(bound) is above 2^64")
        self.bound = bound
        guard bound > 4 else {
            self.context = nil
            pieces = []
            return
        }
        let context = context(Parameters(x: UInt64(bound - 1), alpha: alpha))
        self.context = context
        pieces = context.pieces(perPart: Swift.max(1, piecesPerPart))
    }

    /// The bytes ``writeTables(to:)`` needs: 0 when the sum has no tables (bounds below 5).
    public var tableImageSize: Int {
        var measure = TableImageWriter(into: nil)
        context?.write(to: &measure)
        return measure.size
    }

    /// Copies the tables into `image` (at least ``tableImageSize`` bytes, starting on a 16-byte boundary),
    /// for ``init(below:sieve:alpha:piecesPerPart:tables:keptAliveBy:)``.
    public func writeTables(to image: UnsafeMutableRawBufferPointer) {
        precondition(image.count >= tableImageSize, "a table image needs \(tableImageSize) bytes")
        precondition(Int(bitPattern: image.baseAddress) % TableImageWriter.alignment == 0,
                     "a table image must start on a \(TableImageWriter.alignment)-byte boundary")
        var writer = TableImageWriter(into: image)
        context?.write(to: &writer)
    }

    /// The estimated cost of `piece`, in arbitrary units comparable across the pieces of one sum.
    public func estimatedCost(of piece: Piece) -> Double {
        context?.estimatedCost(of: piece) ?? 0
    }

    /// Computes one piece.
    public func compute(_ piece: Piece) -> PiecePartial {
        guard let context else { preconditionFailure("a bound below 5 has no pieces") }
        switch piece {
        case .ordinaryLeaves: return .plain(context.ordinaryLeaves().primeTally)
        case .easyLeaves(let bs): return .plain(context.easyLeaves(bs).primeTally)
        case .hardLeaves(let range): return .hardLeaves(context.hardLeaves(from: range.lowerBound, to: range.upperBound))
        case .p2(let range): return .p2(context.p2(from: range.lowerBound, to: range.upperBound))
        }
    }

    /// The count and sum of the primes below ``bound`` from the partials of every piece, in any order.
    public func total(of partials: [PiecePartial]) -> PrimeTally {
        guard let context else {
            return [2, 3].filter { $0 < bound }.reduce(.zero) { $0 + PrimeTally(count: 1, sum: $1) }
        }
        var plain = LeafTally.zero, hard: [HardLeavesPartial] = [], p2: [P2Partial] = []
        for partial in partials {
            switch partial {
            case .plain(let t): plain &+= LeafTally(count: t.count, sum: t.sum)
            case .hardLeaves(let h): hard.append(h)
            case .p2(let q): p2.append(q)
            }
        }
        let upToY = context.tables.tally(atMost: context.y)
        let belowRange = LeafTally(count: upToY.count, sum: UInt128(upToY.sum))
        let phi = plain &+ HardLeavesPartial.combine(hard)
        return (phi &+ belowRange &- LeafTally(count: 1, sum: 1)
            &- P2Partial.combine(p2, belowRange: belowRange)).primeTally
    }

    /// Every piece computed here, one after another.
    public func tally() -> PrimeTally {
        total(of: pieces.map(compute))
    }
}
