import Foundation
import PrimeSieve
import PrimeSum
import PrimeSumCommandLine
import Testing

/// The tool's output: JSON escaping and schema, human lines, the report table.
struct OutputTests {
    static let outcome = JobOutcome(
        request: .batch(from: 10, to: 30, step: 10),
        answers: [Answer(query: Query(lo: 0, hi: 10), tally: PrimeTally(count: 4, sum: 17)),
                  Answer(query: Query(lo: 0, hi: 20), tally: PrimeTally(count: 8, sum: 77))],
        ranks: 2, threads: 3, wallSeconds: 0.25,
        perRank: [RankFigures(rank: 0, host: "a\"b\\c\n\u{1}é", range: Query(lo: 0, hi: 12), primes: 5, seconds: 0.1),
                  RankFigures(rank: 1, host: "h", range: Query(lo: 12, hi: 20), primes: 3, seconds: 0.3)])

    @Test("JSON strings escape quotes, backslashes and control characters")
    func escaping() throws {
        #expect(JSON.quoted("a\"b\\c\n\t\r\u{1}é") == #""a\"b\\c\n\t\r\u0001é""#)
        for text in ["", "plain", "\u{0}\u{1F}", "\"\\", "日本"] {
            let decoded = try JSONSerialization.jsonObject(with: Data(JSON.quoted(text).utf8), options: .fragmentsAllowed)
            #expect(decoded as? String == text)
        }
    }

    @Test("the JSON document has the README's schema, big integers as decimal strings")
    func schema() throws {
        let document = try #require(try JSONSerialization.jsonObject(with: Data(Output.json(Self.outcome).utf8)) as? [String: Any])
        #expect(Set(document.keys) == ["request", "results", "ranks", "threads", "wallSeconds", "imbalance", "perRank", "components"])
        #expect(document["request"] as? [String: String] == ["kind": "batch", "from": "10", "to": "30", "step": "10"])
        let results = try #require(document["results"] as? [[String: String]])
        #expect(results == [["lo": "0", "hi": "10", "count": "4", "sum": "17", "method": "sieve"],
                            ["lo": "0", "hi": "20", "count": "8", "sum": "77", "method": "sieve"]])
        let perRank = try #require(document["perRank"] as? [[String: Any]])
        #expect(perRank.first?["host"] as? String == "a\"b\\c\n\u{1}é")
        #expect(document["ranks"] as? Int == 2 && document["threads"] as? Int == 3)
        #expect(abs((document["imbalance"] as? Double ?? 0) - 1.5) < 1e-12)
    }

    @Test("human lines and the report")
    func humanAndReport() {
        #expect(Output.humanReadable(Self.outcome) == "sum of primes below 10: 17 (4 primes)\nsum of primes below 20: 77 (8 primes)\n")
        let report = Output.report(Self.outcome)
        #expect(report.contains("load imbalance (slowest / mean): 1.50; 2 ranks × 3 threads, 0.250 s"))
        #expect(report.split(separator: "\n").count == 5)  // header, rank 0 (its host holds a line break), rank 1, summary
    }

    @Test("a combinatorial report: pieces per rank, then each component's pieces, CPU seconds and share")
    func componentReport() throws {
        var outcome = Self.outcome
        outcome.method = .combinatorial
        outcome.perRank[0].pieces = 7
        outcome.perRank[1].pieces = 9
        outcome.components = [ComponentTotal(name: "hard leaves", pieces: 12, seconds: 3),
                              ComponentTotal(name: "P2", pieces: 4, seconds: 1)]
        let lines = Output.report(outcome).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines[0] == "rank  host      pieces  seconds")
        #expect(lines[3] == "   1  h              9    0.300")
        #expect(lines[4] == "component    pieces  CPU seconds   share")
        #expect(lines[5] == "hard leaves      12        3.000  75.0 %")
        #expect(lines[6] == "P2                4        1.000  25.0 %")
        #expect(lines[7].hasSuffix("method: combinatorial"))
        let document = try #require(try JSONSerialization.jsonObject(with: Data(Output.json(outcome).utf8)) as? [String: Any])
        let components = try #require(document["components"] as? [[String: Any]])
        #expect(components.map { $0["name"] as? String } == ["hard leaves", "P2"])
        #expect(components.map { $0["pieces"] as? Int } == [12, 4])
    }
}
