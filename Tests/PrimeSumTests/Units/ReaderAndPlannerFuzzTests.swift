@testable import PrimeSum
import PrimeSieve
import Testing

/// Random hostile inputs to the journal reader and the planner: whatever they get, they answer or refuse,
/// and never trap (a trap would end this test process).
struct ReaderAndPlannerFuzzTests {
    static let request = Request.batch(from: 0, to: 1_000_000, step: 250_000)
    static let kind = SieveWork(request: request, engine: PrimeSieve())

    /// A journal of the request whose records are the real tallies of its dealt pieces.
    static func honestJournal() -> [String] {
        let pieces = Plan.dealt(of: kind, remaining: [kind.domain], threadsInJob: 2)
        return [JournalFormat.header(describing: request.journalDescription)] + pieces.map { kind.compute($0) { _ in }.journalLine }
    }

    static let extremes = ["0", "1", "2", "18446744073709551615", "18446744073709551616", "9223372036854775807",
                           "340282366920938463463374607431768211455", "340282366920938463463374607431768211456", "-1", ""]

    /// One random edit of one line's words, then a fresh checksum, so that only the record checks stand guard.
    static func mutate(_ lines: [String], using generator: inout some RandomNumberGenerator) -> [String] {
        var lines = lines
        let index = Int.random(in: 0..<lines.count, using: &generator)
        var words = lines[index].split(separator: " ", omittingEmptySubsequences: false).map(String.init)
        let word = Int.random(in: 0..<words.count, using: &generator)
        switch Int.random(in: 0..<5, using: &generator) {
        case 0: words[word] = extremes.randomElement(using: &generator)!
        case 1: words[word] = words[word].split(separator: ":").map { _ in extremes.randomElement(using: &generator)! }.joined(separator: ":")
        case 2: words.remove(at: word)
        case 3: words.insert(extremes.randomElement(using: &generator)!, at: word)
        default: lines.append(lines[index])
        }
        lines[index] = words.joined(separator: " ")
        return lines
    }

    @Test("mutated journals with valid checksums: parsed and folded, or refused; never a trap")
    func journalReader() {
        var generator = SystemRandomNumberGenerator()
        let honest = Self.honestJournal()
        var refused = 0
        for _ in 0..<3000 {
            var lines = honest
            for _ in 0..<Int.random(in: 1...3, using: &generator) { lines = Self.mutate(lines, using: &generator) }
            let contents = lines.flatMap { JournalFormat.line($0) }
            do {
                let parsed = try JournalFormat.parse(contents, description: Self.request.journalDescription, accepts: Self.kind.accepts)
                _ = Self.kind.partial(of: parsed.records)
            } catch {
                refused += 1
            }
        }
        #expect(refused > 0)
    }

    @Test("random requests, ranks and threads: the plan tiles the domain and never traps")
    func planner() {
        var generator = SystemRandomNumberGenerator()
        let top = UInt128(1) << 64
        for _ in 0..<400 {
            let lo = Bool.random(using: &generator) ? UInt128.random(in: 0...top, using: &generator)
                : UInt128.random(in: (top - 1000)...top, using: &generator)
            let hi = UInt128.random(in: lo...Swift.min(top, lo + UInt128.random(in: 0...(1 << 40), using: &generator)),
                                    using: &generator)
            let kind = SieveWork(request: .range(lo, hi), engine: PrimeSieve())
            let ranks = Int.random(in: 1...64, using: &generator), threads = Int.random(in: 1...64, using: &generator)
            let pieces = Plan.runs(of: kind, ranks: ranks, threads: threads).flatMap { $0 }
            #expect(pieces.first?.lo == lo && pieces.last?.hi == hi && zip(pieces, pieces.dropFirst()).allSatisfy { $0.hi == $1.lo })
            let dealt = Plan.dealt(of: kind, remaining: [kind.domain], threadsInJob: ranks * threads)
            #expect(dealt.reduce(0) { $0 + $1.width } == hi - lo && dealt.allSatisfy { !$0.isEmpty })
        }
    }
}
