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
    /// The work's components over the whole job (the combinatorial method's four; none for the sieve),
    /// counting only what this run computed, not what a journal held.
    public var components: [ComponentTotal]

    public init(request: Request, answers: [Answer], ranks: Int, threads: Int, wallSeconds: Double,
                perRank: [RankFigures], method: Method = .sieve, components: [ComponentTotal] = []) {
        self.method = method
        self.components = components
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

/// What one rank did: where it ran, the range holding its pieces (in the work's coordinates), the primes it
/// found (the sieve's), its seconds computing and how many pieces it computed.
public struct RankFigures: Sendable, Equatable {
    public var rank: Int
    public var host: String
    public var range: Query
    public var primes: UInt64
    public var seconds: Double
    public var pieces: Int

    public init(rank: Int, host: String, range: Query, primes: UInt64, seconds: Double, pieces: Int = 0) {
        self.rank = rank
        self.pieces = pieces
        self.host = host
        self.range = range
        self.primes = primes
        self.seconds = seconds
    }
}
