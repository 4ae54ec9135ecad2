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
        if prime >= topStopSearchFloor, prime == largestPrimeBelow2To64 { break }
    }
    return (count, sum)
}

/// Finds, before a timed ``primesieveTally(from:to:)`` of a range ending at `hi`, the stop that tally needs
/// near 2^64: finding it costs seconds of sieving that are not the iteration's own work.
public func prepareTally(to hi: UInt128) {
    if hi > UInt128(topStopSearchFloor) { _ = largestPrimeBelow2To64 }
}

/// Below this no prime is the largest below 2^64 (prime gaps near 2^64 are under 1,600).
private let topStopSearchFloor = UInt64.max - 1_000_000

/// The largest prime below 2^64, where a forward iteration must stop: asked of libprimesieve itself (the
/// prime before 2^64 - 1), once per process. It takes seconds (a sieve of the primes up to 2^32).
private let largestPrimeBelow2To64: UInt64 = {
    var iterator = primesieve_iterator()
    primesieve_init(&iterator)
    defer { primesieve_free_iterator(&iterator) }
    primesieve_jump_to(&iterator, UInt64.max, UInt64.max - 1000)
    return primesieve_prev_prime(&iterator)
}()
