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
        pieces += hardLeavesBorders(perPart: perPart).adjacentPairs.map { .hardLeaves($0..<$1) }
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

    /// The hard leaves' borders: quadratic (equal shares of the sieving, whose cost per integer falls like
    /// 1/sqrt(v): the primes to cross off are those up to sqrt(x/v)), and finer around z/sqrt(y), where the
    /// composite leaves crowd (they start there and thin out like v^(-3/2)): halving and doubling steps from
    /// z/(8·sqrt(y)) to 8·z/sqrt(y). Even borders, from 0 to ``hardLeavesEnd``.
    private func hardLeavesBorders(perPart: Int) -> [UInt64] {
        let end = hardLeavesEnd
        var borders = Set((0...perPart).map { k in
            let f = Double(k) / Double(perPart)
            return UInt64(Double(end) * f * f) & ~1
        })
        let crowd = Double(parameters.z) / Double(y).squareRoot()
        for k in -3...3 where perPart > 1 {
            let border = UInt64(crowd * pow(2, Double(k))) & ~1
            if border > 0 && border < end { borders.insert(border) }
        }
        borders.insert(end)
        return borders.sorted()
    }

    /// The hard leaves' crowd, z/sqrt(y): below it the sieve alone costs, above it the composite leaves too.
    private var hardLeavesCrowd: Double { Double(parameters.z) / Double(y).squareRoot() }

    /// About the nanoseconds `piece` takes on one core (fitted to the parts' seconds measured at 10^15 on a
    /// Zen 2 core: only their ratios matter, for the schedule's cut and order).
    func estimatedCost(of piece: CombinatorialPrimeSum.Piece) -> Double {
        switch piece {
        case .ordinaryLeaves:
            return 4 * Double(y)
        case .easyLeaves(let bs):
            // 10 ns per easy leaf (q from x/(p·y) to min(y, x/p²), a prime in ln y), 20 per b for the rest.
            let logY = log(Double(y))
            return bs.reduce(0.0) { total, b in
                let p = Double(tables.prime(b)), xp = Double(x) / p
                return total + 20 + 10 * Swift.max(0, Swift.min(Double(y), xp / p) - xp / Double(y)) / logY
            }
        case .hardLeaves(let range):
            // Sieving ∝ sqrt(hi) − sqrt(lo); leaves ∝ c^1.5·(1/sqrt(lo) − 1/sqrt(hi)) past the crowd c.
            let c = hardLeavesCrowd, lo = Double(range.lowerBound), hi = Double(range.upperBound)
            let sieving = hi.squareRoot() - lo.squareRoot()
            let leaves = 0.06 * c * c.squareRoot() * (1 / Swift.max(lo, c).squareRoot() - 1 / Swift.max(hi, c).squareRoot())
            return 1.7 * (sieving + leaves) * Double(parameters.z).squareRoot()
        case .p2(let range):
            return Double(range.count)
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
