import PrimeSieve

/// One finished piece of the sieve: its range and the tallies of its cuts between the query borders inside
/// it, so that a later run can add it to any query. Journal line: `chunk LO HI N COUNT:SUM …` (N cuts).
public struct ChunkRecord: PieceRecord {
    public var chunk: Query
    public var pieces: [PrimeTally]

    init(chunk: Query, pieces: [PrimeTally]) {
        self.chunk = chunk
        self.pieces = pieces
    }

    var piece: Query { chunk }

    var journalLine: String {
        "chunk \(chunk.lo) \(chunk.hi) \(pieces.count) " + pieces.map { "\($0.count):\($0.sum)" }.joined(separator: " ")
    }

    init?(journalLine words: [Substring]) {
        guard words.count >= 4, words[0] == "chunk", let lo = UInt128(words[1]), let hi = UInt128(words[2]), lo < hi,
              let n = Int(words[3]), n >= 1, n == words.count - 4 else { return nil }
        var pieces: [PrimeTally] = []
        for word in words[4...] {
            let parts = word.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count == 2, let count = UInt64(parts[0]), let sum = UInt128(parts[1]) else { return nil }
            pieces.append(PrimeTally(count: count, sum: sum))
        }
        self.init(chunk: Query(lo: lo, hi: hi), pieces: pieces)
    }

    /// Whether every cut's tally is possible for its range (`cuts` holds `chunk.lo`, the cuts' borders and
    /// `chunk.hi`): see ``PrimeTally/isPossible(in:)``.
    func isPossible(cutAt cuts: [UInt128]) -> Bool {
        guard cuts.count == pieces.count + 1 else { return false }
        return pieces.indices.allSatisfy { pieces[$0].isPossible(in: Query(lo: cuts[$0], hi: cuts[$0 + 1])) }
    }

    var words: [UInt128] {
        [chunk.lo, chunk.hi] + pieces.flatMap { [UInt128($0.count), $0.sum] }
    }

    init?(words: [UInt128]) {
        guard words.count >= 4, words.count % 2 == 0, words[0] < words[1] else { return nil }
        var pieces: [PrimeTally] = []
        for i in stride(from: 2, to: words.count, by: 2) {
            guard let count = UInt64(exactly: words[i]) else { return nil }
            pieces.append(PrimeTally(count: count, sum: words[i + 1]))
        }
        self.init(chunk: Query(lo: words[0], hi: words[1]), pieces: pieces)
    }
}

extension PrimeTally {
    /// Whether this could be the tally of some primes in `range`: at most one per odd integer, plus 2; a sum
    /// between `count·lo` and `count·(hi − 1)`. Records that pass add up below 2^128 and 2^64 however many
    /// there are, so no forged record can make an addition trap.
    func isPossible(in range: Query) -> Bool {
        guard count > 0 else { return sum == 0 }
        guard !range.isEmpty, UInt128(count) <= range.width / 2 + 1 else { return false }
        let (least, lowOverflow) = UInt128(count).multipliedReportingOverflow(by: range.lo)
        let (most, highOverflow) = UInt128(count).multipliedReportingOverflow(by: range.hi - 1)
        return !lowOverflow && !highOverflow && least <= sum && sum <= most
    }
}
