import CPrimesieve

/// libprimesieve as an independent oracle: the sum and count of the primes in [lo, hi), hi <= 2^64 - 2^32.
func primesieveTally(from lo: UInt64, to hi: UInt64) -> (count: UInt64, sum: UInt128) {
    var iterator = primesieve_iterator()
    primesieve_init(&iterator)
    defer { primesieve_free_iterator(&iterator) }
    primesieve_jump_to(&iterator, lo, hi)
    var count: UInt64 = 0, sum: UInt128 = 0
    while true {
        let prime = primesieve_next_prime(&iterator)
        if prime >= hi { break }
        count += 1
        sum += UInt128(prime)
    }
    return (count, sum)
}
