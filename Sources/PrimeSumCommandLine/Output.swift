import PrimeSum

/// The two ways rank 0 prints a job's outcome: lines for people, one JSON document for programs.
public enum Output {
    /// One line per answer, such as `sum of primes below 100: 1060 (25 primes)`.
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
                         "\(figures.primes)", figures.seconds.formatted(decimals: 3)])
        }
        let widths = (0..<5).map { column in rows.map { $0[column].count }.max()! }
        var text = ""
        for row in rows {
            text += zip(row, widths).enumerated().map { column, cell in
                let padding = String(repeating: " ", count: cell.1 - cell.0.count)
                return column == 1 || column == 2 ? cell.0 + padding : padding + cell.0
            }.joined(separator: "  ") + "\n"
        }
        text += "load imbalance (slowest / mean): \(outcome.imbalance.formatted(decimals: 2)); "
            + "\(outcome.ranks) ranks × \(outcome.threads) threads, \(outcome.wallSeconds.formatted(decimals: 3)) s; "
            + "method: \(outcome.method.rawValue)\n"
        return text
    }

    /// The JSON document described in the README: `request`, `results`, `ranks`, `threads`, `wallSeconds`,
    /// `imbalance`, `perRank`; each result says its `method`. Integers that may pass 2^53 are decimal strings.
    public static func json(_ outcome: JobOutcome) -> String {
        var request: [(String, JSON)]
        switch outcome.request {
        case .below(let n): request = [("kind", .string("below")), ("n", .string("\(n)"))]
        case .range(let lo, let hi): request = [("kind", .string("range")), ("lo", .string("\(lo)")), ("hi", .string("\(hi)"))]
        case .batch(let from, let to, let step):
            request = [("kind", .string("batch")), ("from", .string("\(from)")), ("to", .string("\(to)")),
                       ("step", .string("\(step)"))]
        }
        let document = JSON.object([
            ("request", .object(request)),
            ("results", .array(outcome.answers.map {
                .object([("lo", .string("\($0.query.lo)")), ("hi", .string("\($0.query.hi)")),
                         ("count", .string("\($0.tally.count)")), ("sum", .string("\($0.tally.sum)")),
                         ("method", .string(outcome.method.rawValue))])
            })),
            ("ranks", .number("\(outcome.ranks)")),
            ("threads", .number("\(outcome.threads)")),
            ("wallSeconds", .number("\(outcome.wallSeconds)")),
            ("imbalance", .number("\(outcome.imbalance)")),
            ("perRank", .array(outcome.perRank.map {
                .object([("rank", .number("\($0.rank)")), ("host", .string($0.host)),
                         ("lo", .string("\($0.range.lo)")), ("hi", .string("\($0.range.hi)")),
                         ("primes", .string("\($0.primes)")), ("seconds", .number("\($0.seconds)"))])
            })),
        ])
        return document.rendered(indent: "") + "\n"
    }
}
