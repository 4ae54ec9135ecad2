

/// Published values (OEIS A046731, A006880, and the classic tutorial), kept here and nowhere in Sources/.
public enum KnownAnswers {
    /// The sum of the primes below n for n in range(1_000_000, 2_000_000, 50_000).
    public static let tutorialBatch: [(bound: Int, sum: UInt128)] = zip(
        stride(from: 1_000_000, to: 2_000_000, by: 50_000),
        [37550402023, 41276629127, 45125753695, 49161463647, 53433406131, 57759511224, 62287995772,
         66955471633, 71881256647, 76875349479, 82074443256, 87423357964, 92878592188, 98576757977,
         104450958704, 110431974857, 116581137847, 122913801665, 129451433482, 136136977177] as [UInt128]
    ).map { ($0, $1) }

    /// (n, π(n), sum of the primes below n).
    public static let belowPowersOfTen: [(n: UInt128, count: UInt64, sum: UInt128)] = [
        (10, 4, 17), (100, 25, 1060), (1000, 168, 76127), (10_000, 1229, 5736396), (100_000, 9592, 454396537),
        (1_000_000, 78498, 37550402023), (10_000_000, 664579, 3203324994356),
        (100_000_000, 5761455, 279209790387276), (1_000_000_000, 50847534, 24739512092254535),
    ]
    public static let below1e10: (count: UInt64, sum: UInt128) = (455052511, 2220822432581729238)
    /// Past 2^64: a 64-bit sum would wrap here.
    public static let below3e10Sum: UInt128 = 19056845247363114989
    public static let below2To31Sum: UInt128 = 109930816131860852
    public static let below2To32Sum: UInt128 = 425649736193687430
    public static let largestPrimeBelow2To64: UInt64 = 18446744073709551557
    /// The primes in [2^64 - 6·10^10, 2^64), computed with libprimesieve's iterator (`prime-sum-bench measure
    /// primesieve-sum 18446744013709551616 18446744073709551616`: 197 s).
    public static let top6e10: (count: UInt64, sum: UInt128) = (1_352_515_970, 24_949_515_913_618_810_891_616_821_094)
}
