import CPrimesieve

/// libprimesieve as an independent oracle and yardstick: the count and sum of the primes in [lo, hi),
/// `hi <= 2^64`, by its iterator (every prime visited and added, on the calling thread).
public func primesieveTally(from lo: UInt128, to hi: UInt128) -> (count: UInt64, sum: UInt128) {
    guard lo < hi else { return (0, 0) }
    // primesieve counts up to 2^64 - 1 inclusive; the count then bounds the iteration, even at the top.
    let count = primesieve_count_primes(UInt64(lo), UInt64(hi - 1))
    var iterator = primesieve_iterator()
    primesieve_init(&iterator)
    defer { primesieve_free_iterator(&iterator) }
    primesieve_jump_to(&iterator, UInt64(lo), UInt64(hi - 1))
    var sum: UInt128 = 0
    for _ in 0..<count { sum += UInt128(primesieve_next_prime(&iterator)) }
    return (count, sum)
}
