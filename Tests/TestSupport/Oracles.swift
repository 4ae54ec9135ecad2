import PrimeSieve

/// Independent ways to tell primes, written for clarity rather than speed: the engine is checked against them.
public enum Oracle {
    /// The sieve of Eratosthenes, one `Bool` per integer below `limit`.
    public static func naiveSieve(below limit: Int) -> [Bool] {
        var isPrime = [Bool](repeating: true, count: Swift.max(limit, 2))
        isPrime[0] = false
        isPrime[1] = false
        var p = 2
        while p * p < limit {
            if isPrime[p] { for m in stride(from: p * p, to: limit, by: p) { isPrime[m] = false } }
            p += 1
        }
        return Array(isPrime.prefix(limit))
    }

    /// Deterministic Miller–Rabin for every 64-bit integer (the first 12 prime bases suffice below 3.3·10^24).
    public static func isPrime(_ n: UInt64) -> Bool {
        if n < 2 { return false }
        let bases: [UInt64] = [2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37]
        for p in bases where n % p == 0 { return n == p }
        var d = n - 1
        var s = 0
        while d & 1 == 0 { d >>= 1; s += 1 }
        func mulmod(_ a: UInt64, _ b: UInt64) -> UInt64 {
            let product = a.multipliedFullWidth(by: b)
            return n.dividingFullWidth((product.high, product.low)).remainder
        }
        func powmod(_ base: UInt64, _ exponent: UInt64) -> UInt64 {
            var result: UInt64 = 1, b = base % n, e = exponent
            while e > 0 {
                if e & 1 == 1 { result = mulmod(result, b) }
                b = mulmod(b, b)
                e >>= 1
            }
            return result
        }
        witness: for a in bases {
            var x = powmod(a, d)
            if x == 1 || x == n - 1 { continue }
            for _ in 1..<Swift.max(s, 1) {
                x = mulmod(x, x)
                if x == n - 1 { continue witness }
            }
            return false
        }
        return true
    }

    /// The tally of `[lo, hi)` by testing every integer with Miller–Rabin; `hi` may be 2^64.
    public static func tally(from lo: UInt128, to hi: UInt128) -> PrimeTally {
        var tally = PrimeTally()
        var n = lo
        while n < hi {
            if isPrime(UInt64(n)) { tally += PrimeTally(count: 1, sum: n) }
            n += 1
        }
        return tally
    }

    /// `result[n]`: the tally of the primes below `n`, for `n` up to `limit`, from the naive sieve.
    public static func naivePrefixTallies(upTo limit: Int) -> [PrimeTally] {
        let isPrime = naiveSieve(below: limit)
        var prefix = [PrimeTally.zero]
        for n in 0..<limit { prefix.append(prefix[n] + (isPrime[n] ? PrimeTally(count: 1, sum: UInt128(n)) : .zero)) }
        return prefix
    }

    /// The tally of `[lo, hi)` from prefix tallies of the naive sieve.
    public static func tally(from lo: Int, to hi: Int, prefix: [PrimeTally]) -> PrimeTally {
        guard lo < hi else { return .zero }
        return PrimeTally(count: prefix[hi].count - prefix[lo].count, sum: prefix[hi].sum - prefix[lo].sum)
    }
}
