import PrimeSieve

/// What every piece of one sum reads and none writes: the parameters, the prime tables up to `y` and the
/// factor table. Built once per process (a fraction of the whole: O(y) work and memory).
struct Context: Sendable {
    let parameters: Parameters
    let tables: PrimeTables
    let factors: FactorTable
    let sieve: PrimeSieve
    /// π(y).
    let a: Int
    /// The primes handled by ``PhiTiny``: min(6, π(y)).
    let c: Int
    /// The last b with hard leaves: primes up to max(x^(1/3), sqrt(y)) (beyond, every leaf is easy or trivial).
    let lastHardB: Int

    /// The primes up to p_c, for the hard leaves' sieve.
    let smallPrimes: [UInt32]

    /// Builds the tables.
    init(parameters: Parameters, sieve: PrimeSieve) {
        let tables = PrimeTables(upTo: parameters.y, sieve: sieve)
        self.init(parameters: parameters, sieve: sieve, tables: tables,
                  factors: FactorTable(upTo: parameters.y, tables: tables))
    }

    /// Reads the tables from an image that ``write(to:)`` made for the same parameters.
    init(parameters: Parameters, sieve: PrimeSieve, image: inout TableImageReader) {
        precondition(image.word() == parameters.x, "a table image of another sum")
        let tables = PrimeTables(image: &image), factors = FactorTable(image: &image)
        precondition(tables.limit == parameters.y && factors.limit == parameters.y, "a table image of another sum")
        self.init(parameters: parameters, sieve: sieve, tables: tables, factors: factors)
    }

    private init(parameters: Parameters, sieve: PrimeSieve, tables: PrimeTables, factors: FactorTable) {
        self.parameters = parameters
        self.sieve = sieve
        self.tables = tables
        self.factors = factors
        a = tables.count
        c = Swift.min(PhiTiny.largestC, a)
        let hardLimit = Swift.min(Swift.max(parameters.cubeRoot, parameters.y.squareRootFloor()), parameters.y)
        lastHardB = Swift.max(c, Swift.min(a - 1, tables.pi(hardLimit)))
        smallPrimes = (0..<c).map { UInt32(tables.prime($0 + 1)) }
    }

    /// Lays the tables out for ``init(parameters:sieve:image:)``.
    func write(to image: inout TableImageWriter) {
        image.word(x)
        tables.write(to: &image)
        factors.write(to: &image)
    }

    var x: UInt64 { parameters.x }
    var y: UInt64 { parameters.y }

    /// Whether the leaves of `b` may have composite `m` (p_b² ≤ y): then they all go to the sieve.
    @inline(__always) func hasCompositeLeaves(_ b: Int) -> Bool {
        let p = tables.prime(b)
        return p * p <= y
    }

    /// The largest b whose hard leaves can have x/n ≥ low: p_b < sqrt(x / low), as m > p_b.
    func lastHardB(from low: UInt64) -> Int {
        let bound = (x / Swift.max(low, 1)).squareRootFloor()
        return Swift.min(lastHardB, tables.pi(Swift.min(bound, y)))
    }
}
