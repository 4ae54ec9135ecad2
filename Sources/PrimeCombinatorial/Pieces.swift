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
        if !easy.isEmpty { pieces += easyBorders(easy, perPart: perPart).adjacentPairs.map { .easyLeaves($0..<$1) } }
        pieces += hardLeavesBorders(perPart: perPart).adjacentPairs.map { .hardLeaves($0..<$1) }
        if hasP2 { pieces += p2Borders(perPart: perPart).adjacentPairs.map { .p2($0..<$1) } }
        return pieces
    }

    /// The easy leaves' b range cut `perPart` ways by estimated cost: their leaves crowd at small b (about
    /// x/p_b² of them), so equal numbers of b would leave one piece with most of the work.
    /// Two walks along b (the total, then the borders), so that no per-b array is kept: b runs to π(y),
    /// some 5 million at 2^64.
    private func easyBorders(_ easy: Range<Int>, perPart: Int) -> [Int] {
        let total = easy.reduce(0.0) { $0 + easyLeavesCost(b: $1) }
        var borders = [easy.lowerBound]
        var before = 0.0, k = 1
        for b in easy {
            while k < perPart && before >= total * Double(k) / Double(perPart) {
                if b > borders.last! { borders.append(b) }
                k += 1
            }
            before += easyLeavesCost(b: b)
        }
        return borders + [easy.upperBound]
    }

    /// About the nanoseconds of b's easy leaves: 4.2 per sparse leaf (q from x/(p·y) to √(2·x/p), a prime in
    /// ln q), 8.2 per clustered run (one per prime in the v = x/(p·q) of the larger q), 5.9 for the rest.
    /// Fitted to the pieces' seconds below 10^16 and 10^17 (32 pieces each), then scaled to the parts'
    /// seconds below 10^13, 10^16 and (sampled) 2^64: within 7 % per piece but for two, 5 % per part.
    private func easyLeavesCost(b: Int) -> Double {
        let p = Double(tables.prime(b)), x2 = Double(x) / p, y = Double(y)
        let qLow = Swift.max(p, x2 / (y + 1)), qHigh = Swift.max(p, Swift.min(y, x2 / p))
        let qClustered = Swift.min(Swift.max((Double(Tuning.clusteredFactor) * x2).squareRoot(), qLow), qHigh)
        let sparse = Swift.max(0, qClustered - qLow) / log(qClustered)
        let runs = Swift.max(0, x2 / qClustered - x2 / qHigh) / log(Swift.max(3, x2 / qClustered))
        return 5.9 + 4.2 * sparse + 8.2 * runs
    }

    /// P2's range cut `perPart` ways by width (its sieving) and, where its cut points crowd (the primes up
    /// to √x, and the x/p just above √x, spaced like 1/t), finely enough that no piece holds more than
    /// about `Tuning.p2CutsPerPiece` of them.
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

    /// The hard leaves' borders: `perPart` pieces of equal estimated cost (``estimatedCost(of:)``: the
    /// sieving spread evenly, the composite leaves crowding from z/√y to 3·z/√y), each border found by
    /// bisection. Even borders, from 0 to ``hardLeavesEnd``.
    private func hardLeavesBorders(perPart: Int) -> [UInt64] {
        let end = hardLeavesEnd
        let total = estimatedCost(of: .hardLeaves(0..<end))
        var borders: [UInt64] = [0]
        for k in 1..<Swift.max(perPart, 1) {
            let target = total * Double(k) / Double(perPart)
            var lo: UInt64 = 0, hi = end  // cost below lo < target ≤ cost below hi
            while hi - lo > 2 {
                let mid = lo + (hi - lo) / 2
                if estimatedCost(of: .hardLeaves(0..<mid)) < target { lo = mid } else { hi = mid }
            }
            let border = hi & ~1
            if border > borders.last! && border < end { borders.append(border) }
        }
        return borders + [end]
    }

    /// The hard leaves' crowd, z/sqrt(y): below it the sieve alone costs, above it the composite leaves too.
    private var hardLeavesCrowd: Double { Double(parameters.z) / Double(y).squareRoot() }

    /// About the nanoseconds `piece` takes on one core (fitted to the pieces' seconds measured from 10^13 to
    /// 2^64 on an AMD EPYC core: only their ratios matter, for the schedule's cut and order, and the
    /// predictions beyond this machine). Per piece within about 25 %; per part within 10 % from 10^13 to 2^64.
    func estimatedCost(of piece: CombinatorialPrimeSum.Piece) -> Double {
        switch piece {
        case .ordinaryLeaves:
            return 2.5 * Double(y)
        case .easyLeaves(let bs):
            return bs.reduce(0.0) { $0 + easyLeavesCost(b: $1) }
        case .hardLeaves(let range):
            // Sieving: as costly per integer all along, 0.5 ns below 10^13 to 0.77 near 2^64 (more primes to
            // cross off). Leaves: none below the crowd c, rising to 3c, then thinning like v^(-3/2); about
            // z^1.5/√y in all, times a factor falling from 0.125 at 10^13 to 0.033 at 2^64 (fitted).
            let lnX = log(Double(x)), c = hardLeavesCrowd, lo = Double(range.lowerBound), hi = Double(range.upperBound)
            let sieving = (0.5 + 0.0186 * (lnX - 29.9)) * (hi - lo)
            let leavesFactor = 0.125 * exp(-0.093 * (lnX - 29.9))
            let leaves = leavesFactor * c * (Self.leavesShare(below: hi / c) - Self.leavesShare(below: lo / c)) / 7
            return sieving + leaves * Double(parameters.z).squareRoot()
        case .p2(let range):
            return 0.2 * Double(range.count)  // 0.18-0.21 ns per integer from 10^13 to 2^64
        }
    }

    /// How many of the hard leaves' composite leaves lie below v = u·c (c the crowd), in units where their
    /// density peaks at 1 at u = 3: 0 below u = 1, a linear rise to u = 3, then (u/3)^(-3/2); 7 in all.
    /// Fitted to the pieces' seconds at 10^16.
    private static func leavesShare(below u: Double) -> Double {
        if u <= 1 { return 0 }
        if u <= 3 { return (u - 1) * (u - 1) / 4 }
        return 1 + 6 * (1 - (3 / u).squareRoot())
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
