#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

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
        if hasP2 { pieces += p2Borders(perPart: perPart).adjacentPairs.map { .p2($0..<$1) } }
        return pieces
    }

    /// P2's range cut `perPart` ways by width (its sieving) and, where its cut points crowd (the primes up
    /// to √x, and the x/p just above √x, spaced like 1/t), finely enough that no piece holds more than
    /// about `Tuning.p2CutsPerPiece` of them: a piece's memory is 72 bytes per cut point.
    private func p2Borders(perPart: Int) -> [UInt64] {
        let range = p2Range, root = parameters.squareRoot + 1
        let primesBelowRoot = Double(root) / Swift.max(1, log(Double(root)) - 1.1)
        let crowded = Swift.max(1, Int(primesBelowRoot / Double(Tuning.p2CutsPerPiece)))
        var borders = Set(Self.cut(range.lowerBound, range.upperBound, parts: perPart).flatMap { [$0.lowerBound, $0.upperBound] })
        borders.formUnion(Self.cut(range.lowerBound, Swift.min(root, range.upperBound), parts: crowded).map(\.lowerBound))
        let inverseRoot = 1 / Double(root), inverseEnd = 1 / Double(range.upperBound)
        for k in 1..<crowded {  // equally many x/p between consecutive borders: equal steps of 1/t
            let t = UInt64(1 / (inverseRoot - Double(k) * (inverseRoot - inverseEnd) / Double(crowded)))
            if t > root && t < range.upperBound { borders.insert(t) }
        }
        return borders.sorted()
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

extension Array {
    /// Each element with the next: `[a, b, c]` gives `[(a, b), (b, c)]`.
    var adjacentPairs: [(Element, Element)] { Array<(Element, Element)>(zip(self, dropFirst())) }
}
