import Foundation

/// The two ways rank 0 prints a job's outcome: lines for people, one JSON document for programs.
public enum Output {
    /// One line per answer: `sum of primes below 1000000: 37550402023 (78498 primes)`.
    public static func humanReadable(_ outcome: JobOutcome) -> String {
        outcome.answers.map { answer in
            let q = answer.query
            let what = q.lo == 0 ? "below \(q.hi)" : "in [\(q.lo), \(q.hi))"
            return "sum of primes \(what): \(answer.tally.sum) (\(answer.tally.count) primes)\n"
        }.joined()
    }

    /// The per-rank table of `--report`: host, range, primes, seconds, and the load imbalance.
    public static func report(_ outcome: JobOutcome) -> String {
        var rows = [["rank", "host", "range", "primes", "seconds"]]
        for figures in outcome.perRank {
            rows.append(["\(figures.rank)", figures.host, "[\(figures.range.lo), \(figures.range.hi))",
                         "\(figures.primes)", String(format: "%.3f", figures.seconds)])
        }
        let widths = (0..<5).map { column in rows.map { $0[column].count }.max()! }
        var text = ""
        for row in rows {
            text += zip(row, widths).enumerated().map { column, cell in
                let padding = String(repeating: " ", count: cell.1 - cell.0.count)
                return column == 1 || column == 2 ? cell.0 + padding : padding + cell.0
            }.joined(separator: "  ") + "\n"
        }
        text += String(format: "load imbalance (slowest / mean): %.2f; %d ranks × %d threads, %.3f s\n",
                       outcome.imbalance, outcome.ranks, outcome.threads, outcome.wallSeconds)
        return text
    }

    /// The JSON document described in the README: `request`, `results`, `ranks`, `threads`, `wallSeconds`,
    /// `perRank`. Integers that may pass 2^53 are decimal strings.
    public static func json(_ outcome: JobOutcome) -> String {
        let document = Document(
            request: RequestDocument(outcome.request),
            results: outcome.answers.map {
                ResultDocument(lo: "\($0.query.lo)", hi: "\($0.query.hi)", count: "\($0.tally.count)", sum: "\($0.tally.sum)")
            },
            ranks: outcome.ranks,
            threads: outcome.threads,
            wallSeconds: outcome.wallSeconds,
            imbalance: outcome.imbalance,
            perRank: outcome.perRank.map {
                RankDocument(rank: $0.rank, host: $0.host, lo: "\($0.range.lo)", hi: "\($0.range.hi)",
                             primes: "\($0.primes)", seconds: $0.seconds)
            })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(document)) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    struct Document: Encodable {
        var request: RequestDocument
        var results: [ResultDocument]
        var ranks: Int
        var threads: Int
        var wallSeconds: Double
        var imbalance: Double
        var perRank: [RankDocument]
    }

    struct RequestDocument: Encodable {
        var kind: String
        var n: String?
        var lo: String?
        var hi: String?
        var from: String?
        var to: String?
        var step: String?

        init(_ request: Request) {
            switch request {
            case .below(let n): kind = "below"; self.n = "\(n)"
            case .range(let lo, let hi): kind = "range"; self.lo = "\(lo)"; self.hi = "\(hi)"
            case .batch(let from, let to, let step):
                kind = "batch"; self.from = "\(from)"; self.to = "\(to)"; self.step = "\(step)"
            }
        }
    }

    struct ResultDocument: Encodable {
        var lo: String
        var hi: String
        var count: String
        var sum: String
    }

    struct RankDocument: Encodable {
        var rank: Int
        var host: String
        var lo: String
        var hi: String
        var primes: String
        var seconds: Double
    }
}
