import PrimeSieve

/// Everything rank 0 knows at the end of a job: what the tool prints.
public struct JobOutcome: Sendable {
    public var request: Request
    public var answers: [Answer]
    public var ranks: Int
    public var threads: Int
    public var wallSeconds: Double
    public var perRank: [RankFigures]
    /// How every answer was found: `sieve` or `combinatorial`.
    public var method: Method

    public init(request: Request, answers: [Answer], ranks: Int, threads: Int, wallSeconds: Double,
                perRank: [RankFigures], method: Method = .sieve) {
        self.method = method
        self.request = request
        self.answers = answers
        self.ranks = ranks
        self.threads = threads
        self.wallSeconds = wallSeconds
        self.perRank = perRank
    }

    /// The slowest rank's computing time over the mean: 1 when the ranks finished together.
    public var imbalance: Double {
        let seconds = perRank.map(\.seconds)
        let mean = seconds.reduce(0, +) / Double(Swift.max(seconds.count, 1))
        return mean > 0 ? seconds.max()! / mean : 1
    }
}

/// One printed answer: the primes of a query's range.
public struct Answer: Sendable, Equatable {
    public var query: Query
    public var tally: PrimeTally

    public init(query: Query, tally: PrimeTally) {
        self.query = query
        self.tally = tally
    }
}

/// What one rank did: where it ran, the range holding its pieces, the primes it found, its seconds.
public struct RankFigures: Sendable, Equatable {
    public var rank: Int
    public var host: String
    public var range: Query
    public var primes: UInt64
    public var seconds: Double

    public init(rank: Int, host: String, range: Query, primes: UInt64, seconds: Double) {
        self.rank = rank
        self.host = host
        self.range = range
        self.primes = primes
        self.seconds = seconds
    }
}
