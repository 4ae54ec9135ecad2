import PrimeSieve

extension CombinatorialPrimeSum.PiecePartial {
    /// The partial as 128-bit words, to send to another process or save: a tag, then the fields.
    public var words: [UInt128] {
        switch self {
        case .plain(let t):
            return [0, UInt128(t.count), t.sum]
        case .hardLeaves(let h):
            var words: [UInt128] = [1, UInt128(h.lo), UInt128(h.partial.count), h.partial.sum, UInt128(h.weights.count)]
            words.reserveCapacity(words.count + 4 * h.weights.count)
            for (w, s) in zip(h.weights, h.standing) {
                words.append(UInt128(w.count))
                words.append(w.sum)
                words.append(UInt128(s.count))
                words.append(s.sum)
            }
            return words
        case .p2(let q):
            return [2, UInt128(q.lo)] + [q.partial, q.coefficient, q.total].flatMap { [UInt128($0.count), $0.sum] }
        }
    }

    /// How many words ``words`` holds, without building them.
    public var wordCount: Int {
        switch self {
        case .plain: return 3
        case .hardLeaves(let h): return 5 + 4 * h.weights.count
        case .p2: return 8
        }
    }

    /// The partial from ``words``, or nil if they cannot be one (wrong tag, length, or a count past 64 bits).
    public init?(words: [UInt128]) { self.init(words: words[...]) }

    /// The partial from a run of words inside a longer message or record (no copy of the run).
    public init?(words slice: ArraySlice<UInt128>) {
        guard let tag = slice.first else { return nil }
        let base = slice.startIndex, count = slice.count
        func word(_ i: Int) -> UInt128 { slice[base + i] }
        func tally(at i: Int) -> LeafTally? {
            guard i + 1 < count, let n = UInt64(exactly: word(i)) else { return nil }
            return LeafTally(count: n, sum: word(i + 1))
        }
        switch tag {
        case 0 where count == 3:
            guard let t = tally(at: 1) else { return nil }
            self = .plain(t.primeTally)
        case 1 where count >= 5:
            guard let lo = UInt64(exactly: word(1)), let partial = tally(at: 2),
                  let n = Int(exactly: word(4)), count == 5 + 4 * n else { return nil }
            var weights: [LeafTally] = [], standing: [LeafTally] = []
            weights.reserveCapacity(n)
            standing.reserveCapacity(n)
            for k in 0..<n {
                guard let w = tally(at: 5 + 4 * k), let s = tally(at: 7 + 4 * k) else { return nil }
                weights.append(w)
                standing.append(s)
            }
            self = .hardLeaves(HardLeavesPartial(lo: lo, partial: partial, weights: weights, standing: standing))
        case 2 where count == 8:
            guard let lo = UInt64(exactly: word(1)), let partial = tally(at: 2), let coefficient = tally(at: 4),
                  let total = tally(at: 6) else { return nil }
            self = .p2(P2Partial(lo: lo, partial: partial, coefficient: coefficient, total: total))
        default:
            return nil
        }
    }
}

extension CombinatorialPrimeSum {
    /// Whether `partial` is of the shape `piece` computes (kind, start, vector lengths): what a partial
    /// received or read back must pass before it is combined.
    public func accepts(_ partial: PiecePartial, for piece: Piece) -> Bool {
        guard let context else { return false }
        switch (piece, partial) {
        case (.ordinaryLeaves, .plain), (.easyLeaves, .plain):
            return true
        case (.hardLeaves(let range), .hardLeaves(let h)):
            return h.lo == range.lowerBound && h.weights.count == Swift.max(0, context.lastHardB(from: h.lo) - context.c)
        case (.p2(let range), .p2(let q)):
            return q.lo == range.lowerBound
        default:
            return false
        }
    }
}

extension CombinatorialPrimeSum {
    /// One partial standing for `lower` and `upper` together, or nil when they do not merge: plain
    /// partials add; the hard leaves' partials merge when `lower`'s piece ends where `upper`'s starts,
    /// which the caller knows (a partial does not record its end). ``total(of:)`` of the merged partial and
    /// the others equals that of both and the others.
    public func merging(_ lower: PiecePartial, _ upper: PiecePartial) -> PiecePartial? {
        switch (lower, upper) {
        case (.plain(let a), .plain(let b)):
            return .plain(PrimeTally(count: a.count &+ b.count, sum: a.sum &+ b.sum))
        case (.hardLeaves(let a), .hardLeaves(let b)) where a.lo < b.lo:
            return .hardLeaves(HardLeavesPartial.merged(a, b))
        default:
            return nil
        }
    }
}
