extension Context {
    /// The work cut into pieces: S1 whole; the easy leaves, the hard leaves and P2 in `perPart` pieces each.
    func pieces(perPart: Int) -> [CombinatorialPrimeSum.Piece] {
        var pieces: [CombinatorialPrimeSum.Piece] = [.ordinaryLeaves]
        let easy = firstEasyB..<Swift.max(firstEasyB, a)
        if !easy.isEmpty {
            pieces += Self.cut(easy.lowerBound, easy.upperBound, parts: perPart).map { .easyLeaves($0) }
        }
        // The hard leaves crowd the start of [0, z]: borders grow quadratically, so early pieces are short.
        let end = hardLeavesEnd
        var borders: [UInt64] = (0...perPart).map { k in
            let f = Double(k) / Double(perPart)
            return UInt64(Double(end) * f * f) & ~1
        }
        borders[perPart] = end
        for k in 0..<perPart where borders[k] < borders[k + 1] {
            pieces.append(.hardLeaves(borders[k]..<borders[k + 1]))
        }
        if hasP2 {
            let range = p2Range
            pieces += Self.cut(range.lowerBound, range.upperBound, parts: perPart).map { .p2($0) }
        }
        return pieces
    }

    func estimatedCost(of piece: CombinatorialPrimeSum.Piece) -> Double {
        switch piece {
        case .ordinaryLeaves: return Double(y)
        case .easyLeaves(let bs): return Double(bs.count) * 64
        case .hardLeaves(let range): return Double(range.count) / Double(range.lowerBound + 1).squareRoot()
        case .p2(let range): return Double(range.count)
        }
    }

    /// `[lo, hi)` in `parts` consecutive non-empty ranges of about equal width.
    private static func cut<T: BinaryInteger>(_ lo: T, _ hi: T, parts: Int) -> [Range<T>] {
        let width = hi - lo
        let parts = T(Swift.min(parts, Int(width)))
        guard parts > 0 else { return [] }
        func border(_ k: T) -> T { lo + width * k / parts }
        return (0..<Int(parts)).map { k in border(T(k))..<border(T(k + 1)) }
    }
}
