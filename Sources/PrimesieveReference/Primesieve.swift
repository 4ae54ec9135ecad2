import CPrimesieve

/// libprimesieve as an independent oracle and yardstick: the count and sum of the primes in [lo, hi),
/// `hi <= 2^64`, by its iterator alone (every prime visited and added, on the calling thread; no count
/// first, so that the benchmark times exactly the iteration).
public func primesieveTally(from lo: UInt128, to hi: UInt128) -> (count: UInt64, sum: UInt128) {
    guard lo < hi else { return (0, 0) }
    let last = UInt64(hi - 1)
    var iterator = primesieve_iterator()
    primesieve_init(&iterator)
    defer { primesieve_free_iterator(&iterator) }
    primesieve_jump_to(&iterator, UInt64(lo), last)
    var count: UInt64 = 0, sum: UInt128 = 0
    while true {
        let prime = primesieve_next_prime(&iterator)
        guard prime <= last else { break }
        count &+= 1
        sum &+= UInt128(prime)
        // Asking for the prime after the largest one below 2^64 throws a C++ exception in libprimesieve 11
        // ("cannot generate primes > 2^64") that aborts the process: stop at it. (Looked up only this close
        // to 2^64 — prime gaps there are under 1,600 — because finding it costs a sieve up to 2^32, ~3 s.)
        if prime > UInt64.max - 1_000_000, prime == largestPrimeBelow2To64 { break }
    }
    return (count, sum)
}

/// The largest prime below 2^64, where a forward iteration must stop: asked of libprimesieve itself (the
/// prime before 2^64 - 1), once per process. It takes seconds (a sieve of the primes up to 2^32): the
/// benchmark asks for it before it starts the clock on a range that reaches it.
public let largestPrimeBelow2To64: UInt64 = {
    var iterator = primesieve_iterator()
    primesieve_init(&iterator)
    defer { primesieve_free_iterator(&iterator) }
    primesieve_jump_to(&iterator, UInt64.max, UInt64.max - 1000)
    return primesieve_prev_prime(&iterator)
}()
