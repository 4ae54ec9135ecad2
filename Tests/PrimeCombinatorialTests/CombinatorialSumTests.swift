import Foundation
import PrimeCombinatorial
import PrimeSieve
import Testing
import TestSupport

/// The combinatorial sum (and count) against independent oracles: the naive sieve, the segmented sieve,
/// Lucy's recurrence, and the published values.
@Suite struct CombinatorialSumTests {
    private static let sieve = PrimeSieve()

    @Test func everyBoundUpTo100000() {
        let limit = 100_000
        let prefix = Oracle.naivePrefixTallies(upTo: limit)
        var wrong: [Int] = []
        for n in 0...limit where CombinatorialPrimeSum(below: UInt128(n)).tally() != prefix[n] {
            wrong.append(n)
        }
        #expect(wrong.isEmpty, "wrong below \(wrong.prefix(10))")
    }

    /// S(B) − S(A) from two combinatorial sums against the sieve of the short range [A, B): thousands of
    /// random bounds up to 10^10 and hundreds up to 10^11 cost a sieve of a few million integers each.
    @Test(arguments: [(UInt64(10_000_000_000), 2000), (100_000_000_000, 300)])
    func differencesAgainstTheSieve(upTo top: UInt64, cases: Int) {
        var random = SystemRandomNumberGenerator()
        var wrong: [(UInt128, UInt128)] = []
        for _ in 0..<cases {
            let a = UInt128(UInt64.random(in: 0...top, using: &random))
            let b = a + UInt128(UInt64.random(in: 0...2_000_000, using: &random))
            let difference = CombinatorialPrimeSum(below: b).tally().minus(CombinatorialPrimeSum(below: a).tally())
            if difference != Self.sieve.tally(from: a, to: b) { wrong.append((a, b)) }
        }
        #expect(wrong.isEmpty, "wrong differences for \(wrong.prefix(5))")
    }

    @Test func againstLucysRecurrence() {
        var random = SystemRandomNumberGenerator()
        var bounds: [UInt64] = [1_000_000_000_000, 999_999_999_989, 123_456_789_012]
        bounds += (0..<60).map { _ in UInt64.random(in: 0...20_000_000_000, using: &random) }
        for n in bounds {
            #expect(CombinatorialPrimeSum(below: UInt128(n) + 1).tally() == Oracle.lucyTally(upTo: n), "n = \(n)")
        }
    }

    @Test func publishedValues() {
        for known in KnownAnswers.belowPowersOfTen + KnownAnswers.largePowersOfTen.prefix(5) {
            #expect(CombinatorialPrimeSum(below: known.n).tally() == PrimeTally(count: known.count, sum: known.sum),
                    "below \(known.n)")
        }
        #expect(CombinatorialPrimeSum(below: 1 << 32).tally().sum == KnownAnswers.below2To32Sum)
        #expect(CombinatorialPrimeSum(below: 1 << 31).tally().sum == KnownAnswers.below2To31Sum)
    }

    /// At 2^64 (x = 2^64 − 1, y ≈ 8·10^7): the set-up and a piece of every kind run without a trap, with the
    /// largest values each handles (the whole sum takes about an hour of CPU: it is run outside the suite,
    /// its count against the known π(2^64); docs/performance.md).
    @Test func atTheTopOfTheRange() {
        let sum = CombinatorialPrimeSum(below: 1 << 64, piecesPerPart: 2048)
        let last = { (kind: (CombinatorialPrimeSum.Piece) -> Bool) in sum.pieces.last(where: kind)! }
        let chosen = [
            last { if case .easyLeaves = $0 { true } else { false } },
            last { if case .hardLeaves = $0 { true } else { false } },
            last { if case .p2 = $0 { true } else { false } },
        ]
        for piece in chosen {
            let partial = sum.compute(piece)
            #expect(sum.accepts(partial, for: piece))
            #expect(CombinatorialPrimeSum.PiecePartial(words: partial.words) == partial)
        }
    }

    /// Around 2^32 the tables' and the sieve's 32-bit limits: each bound against its neighbour and the sieve.
    @Test func around2To32() {
        let centre: UInt128 = 1 << 32
        let base = CombinatorialPrimeSum(below: centre - 1000).tally()
        for k: UInt128 in [999, 998, 1, 0] {
            for n in [centre - k, centre + k] {
                let want = base + Self.sieve.tally(from: centre - 1000, to: n)
                #expect(CombinatorialPrimeSum(below: n).tally() == want, "n = \(n)")
            }
        }
    }

    /// The same answer whatever y (α), however many pieces, in whatever order they are combined: every
    /// border between the parts moves.
    @Test func independentOfParametersPiecesAndOrder() {
        let n: UInt128 = 31_415_926_535
        let want = Self.sieve.tally(from: 0, to: n)
        for alpha in [1.0, 1.5, 3.0, 7.0, 20.0, 60.0] {
            for perPart in [1, 2, 7, 31] {
                let sum = CombinatorialPrimeSum(below: n, alpha: alpha, piecesPerPart: perPart)
                let partials = sum.pieces.shuffled().map(sum.compute)
                #expect(sum.total(of: partials) == want, "α = \(alpha), \(perPart) pieces per part")
            }
        }
    }

    /// A sum whose tables are read from an image another sum wrote (as the ranks of a node share them) has
    /// the same pieces and answers, also when the image starts off a cache line and once the writer is gone.
    @Test func tablesReadFromAnImage() {
        for (n, alpha): (UInt128, Double?) in [(5, nil), (1_000_003, nil), (31_415_926_535, 3), (10_000_000_000_000, nil)] {
            var built: CombinatorialPrimeSum? = CombinatorialPrimeSum(below: n, alpha: alpha, piecesPerPart: 5)
            // The sieve where it is quick; above, the sum with tables of its own (checked against the
            // published values elsewhere).
            let want = n < 1 << 36 ? Self.sieve.tally(from: 0, to: n) : built!.tally()
            let size = built!.tableImageSize
            let memory = ImageMemory(bytes: size + 16)
            let image = UnsafeMutableRawBufferPointer(rebasing: memory.bytes[16..<16 + size])
            built!.writeTables(to: image)
            let pieces = built!.pieces
            built = nil
            let read = CombinatorialPrimeSum(below: n, alpha: alpha, piecesPerPart: 5,
                                             tables: UnsafeRawBufferPointer(image), keptAliveBy: memory)
            #expect(read.pieces == pieces, "below \(n)")
            #expect(read.total(of: read.pieces.shuffled().map(read.compute)) == want, "below \(n)")
        }
    }

    /// Partials merged as a process merges them (plain ones together, hard-leaves runs of adjacent pieces,
    /// in random order of arrival) give the same answer as all of them apart, and every hard-leaves piece
    /// ends in one run; a hard-leaves partial does not merge with one that starts where it does.
    @Test func mergedPartials() {
        let n: UInt128 = 31_415_926_535
        let want = Self.sieve.tally(from: 0, to: n)
        for perPart in [2, 7, 31] {
            let sum = CombinatorialPrimeSum(below: n, alpha: 3, piecesPerPart: perPart)
            var runs: [(range: Range<UInt64>?, partial: CombinatorialPrimeSum.PiecePartial)] = []
            for piece in sum.pieces.shuffled() {
                var range: Range<UInt64>? = nil
                if case .hardLeaves(let r) = piece { range = r }
                var entry = (range: range, partial: sum.compute(piece))
                var index = 0
                while index < runs.count {
                    let other = runs[index]
                    var merged: CombinatorialPrimeSum.PiecePartial?
                    var mergedRange = entry.range
                    if let a = other.range, let b = entry.range {
                        if a.upperBound == b.lowerBound { merged = sum.merging(other.partial, entry.partial); mergedRange = a.lowerBound..<b.upperBound }
                        else if b.upperBound == a.lowerBound { merged = sum.merging(entry.partial, other.partial); mergedRange = b.lowerBound..<a.upperBound }
                    } else if other.range == nil && entry.range == nil {
                        merged = sum.merging(other.partial, entry.partial)
                    }
                    if let merged {
                        entry = (mergedRange, merged)
                        runs.remove(at: index)
                        index = 0
                    } else {
                        index += 1
                    }
                }
                runs.append(entry)
            }
            let hardRuns = runs.filter { $0.range != nil }
            #expect(hardRuns.count == 1, "\(hardRuns.count) runs of hard-leaves pieces left, \(perPart) per part")
            #expect(sum.total(of: runs.map(\.partial)) == want, "\(perPart) pieces per part")
            if case .hardLeaves = hardRuns.first?.partial, let only = hardRuns.first {
                #expect(sum.merging(only.partial, only.partial) == nil, "a hard-leaves partial merged with one of the same start")
            }
        }
    }

    /// Bounds where the parameters step: perfect cubes and squares (x^(1/3), sqrt(x) change) and their
    /// neighbours, each against Lucy's recurrence.
    @Test func whereParametersStep() {
        for root: UInt128 in [215, 1000, 2154, 4641] {
            for n in [root * root * root, root * root * root + 1, root * root * root + 2] {
                #expect(CombinatorialPrimeSum(below: n).tally() == Oracle.lucyTally(upTo: UInt64(n - 1)), "n = \(n)")
            }
        }
        for root: UInt128 in [99_991, 100_003, 316_223] {
            for n in [root * root, root * root + 1, root * root + 2, root * root - 1] {
                #expect(CombinatorialPrimeSum(below: n).tally() == Oracle.lucyTally(upTo: UInt64(n - 1)), "n = \(n)")
            }
        }
    }
}

extension PrimeTally {
    func minus(_ other: PrimeTally) -> PrimeTally { PrimeTally(count: count - other.count, sum: sum - other.sum) }
}

/// Memory for a table image that lives as long as the sums reading it.
private final class ImageMemory {
    let bytes: UnsafeMutableRawBufferPointer

    init(bytes count: Int) {
        bytes = .allocate(byteCount: count, alignment: 64)
    }

    deinit { bytes.deallocate() }
}
