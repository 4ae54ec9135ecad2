/// The work cut into pieces of about equal estimated cost: the one place that cuts.
enum Plan {
    /// The static schedule's pieces: `ranks` contiguous runs of equally many pieces, in rank order, covering
    /// the kind's domain. Never more non-empty pieces than worthwhile: where each piece's set-up would cost
    /// more than its share (a short range high up, many ranks), the last runs hold empty pieces, which cost
    /// nothing, and their ranks or threads wait.
    ///
    /// Work that plans its own runs (``WorkKind/staticRuns(ranks:)``) gets them, padded with empty pieces
    /// to equal counts.
    static func runs<Kind: WorkKind>(of kind: Kind, ranks: Int, threads: Int) -> [[Query]] {
        if let own = kind.staticRuns(ranks: ranks) {
            let longest = own.map(\.count).max() ?? 0
            let empty = Query(lo: kind.domain.hi, hi: kind.domain.hi)
            return own.map { $0 + Array(repeating: empty, count: longest - $0.count) }
        }
        let perRank = staticPiecesPerRank(of: kind, ranks: ranks, threads: threads)
        let count = kind.worthwhilePieceCount(of: kind.domain, maximum: ranks * perRank)
        let empty = Query(lo: kind.domain.hi, hi: kind.domain.hi)
        let pieces = cut(kind.domain, into: count, kind) + Array(repeating: empty, count: ranks * perRank - count)
        return (0..<ranks).map { Array(pieces[$0 * perRank..<($0 + 1) * perRank]) }
    }

    /// A rank's number of pieces under the static schedule: one with one thread; with more, up to
    /// `JobTuning.staticPiecesPerThread` per thread where worthwhile.
    static func staticPiecesPerRank<Kind: WorkKind>(of kind: Kind, ranks: Int, threads: Int) -> Int {
        guard threads > 1 else { return 1 }
        let worthwhile = kind.worthwhilePieceCount(of: kind.domain, maximum: ranks * threads * JobTuning.staticPiecesPerThread)
        return Swift.max(1, worthwhile / ranks)
    }

    /// The dynamic schedule's pieces for the parts of the domain still to do (all of it, unless a journal
    /// saved some): about `JobTuning.dealtPiecesPerThread` per thread of the job over the whole domain, each
    /// part cut in proportion to its width. No piece is empty.
    static func dealt<Kind: WorkKind>(of kind: Kind, remaining: [Query], threadsInJob: Int) -> [Query] {
        let domainWidth = kind.domain.width
        guard domainWidth > 0 else { return [] }
        let perThread = kind.piecesHaveNoSetUp ? JobTuning.finePiecesPerThread : JobTuning.dealtPiecesPerThread
        let wholeCount = UInt128(kind.worthwhilePieceCount(of: kind.domain, maximum: threadsInJob * perThread))
        return remaining.filter { !$0.isEmpty }.flatMap { part -> [Query] in
            // ⌈wholeCount · width / domainWidth⌉, at most wholeCount: exact, in integers.
            let share = Int((wholeCount * part.width + domainWidth - 1) / domainWidth)
            let count = kind.worthwhilePieceCount(of: part, maximum: Swift.max(share, 1))
            return cut(part, into: count, kind).filter { !$0.isEmpty }
        }
    }

    /// `part` cut into `count` consecutive pieces of about equal estimated cost (some empty where `part` has
    /// fewer integers than `count`).
    static func cut<Kind: WorkKind>(_ part: Query, into count: Int, _ kind: Kind) -> [Query] {
        let borders = kind.equalCostBorders(of: part, parts: count)
        return zip(borders, borders.dropFirst()).map { Query(lo: $0, hi: $1) }
    }
}
