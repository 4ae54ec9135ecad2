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

    /// `--print`'s lines: per answer its sum, its count, or both (sum, then count), for scripts.
    public static func numbers(_ outcome: JobOutcome, _ which: PrintedNumbers) -> String {
        outcome.answers.map { answer in
            switch which {
            case .sum: "\(answer.tally.sum)\n"
            case .count: "\(answer.tally.count)\n"
            case .both: "\(answer.tally.sum) \(answer.tally.count)\n"
            }
        }.joined()
    }

    /// The tables of `--report`: per rank (host, range and primes for the sieve; pieces for the combinatorial
    /// method, whose ranges are of its cost line), then per component where the work has several (pieces,
    /// CPU seconds, share), then the load imbalance.
    public static func report(_ outcome: JobOutcome) -> String {
        let byComponent = !outcome.components.isEmpty
        var rows = [byComponent ? ["rank", "host", "pieces", "seconds"] : ["rank", "host", "range", "primes", "seconds"]]
        for figures in outcome.perRank {
            let middle = byComponent ? ["\(figures.pieces)"]
                : ["[\(figures.range.lo), \(figures.range.hi))", "\(figures.primes)"]
            rows.append(["\(figures.rank)", figures.host] + middle + [figures.seconds.formatted(decimals: 3)])
        }
        var text = table(rows, leftAligned: byComponent ? [1] : [1, 2])
        if byComponent {
            let total = outcome.components.reduce(0) { $0 + $1.seconds }
            text += table([["component", "pieces", "CPU seconds", "share"]] + outcome.components.map {
                [$0.name, "\($0.pieces)", $0.seconds.formatted(decimals: 3),
                 (total > 0 ? 100 * $0.seconds / total : 0).formatted(decimals: 1) + " %"]
            }, leftAligned: [0])
        }
        text += "load imbalance (slowest / mean): \(outcome.imbalance.formatted(decimals: 2)); "
            + "\(outcome.ranks) ranks × \(outcome.threads) threads, \(outcome.wallSeconds.formatted(decimals: 3)) s; "
            + "method: \(outcome.method.rawValue)\n"
        return text
    }

    /// `rows` as lines of columns two spaces apart, padded to their widest cell: numbers right-aligned, the
    /// columns in `leftAligned` left-aligned.
    private static func table(_ rows: [[String]], leftAligned: Set<Int>) -> String {
        let widths = rows[0].indices.map { column in rows.map { $0[column].count }.max()! }
        return rows.map { row in
            zip(row, widths).enumerated().map { column, cell in
                let padding = String(repeating: " ", count: cell.1 - cell.0.count)
                return leftAligned.contains(column) ? cell.0 + padding : padding + cell.0
            }.joined(separator: "  ") + "\n"
        }.joined()
    }

    /// The JSON document described in the README: `request`, `results`, `ranks`, `threads`, `wallSeconds`,
    /// `imbalance`, `perRank`, `components`; each result says its `method`. Integers that may pass 2^53 are decimal strings.
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
                         ("primes", .string("\($0.primes)")), ("seconds", .number("\($0.seconds)")),
                         ("pieces", .number("\($0.pieces)"))])
            })),
            ("components", .array(outcome.components.map {
                .object([("name", .string($0.name)), ("pieces", .number("\($0.pieces)")),
                         ("cpuSeconds", .number("\($0.seconds)"))])
            })),
        ])
        return document.rendered(indent: "") + "\n"
    }
}

/// What `--print` prints of each answer.
public enum PrintedNumbers: String, Sendable, CaseIterable {
    case sum, count, both
}
