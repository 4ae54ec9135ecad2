/// The primes from 7 up to a limit `<= 2^32`, produced in increasing order a window at a time.
///
/// The sieve of a range `[lo, hi)` needs every prime up to `sqrt(hi)`, up to 2^32 at the top of the 64-bit
/// range: 203 million primes. They are produced by a small segmented sieve of their own (odd numbers only,
/// one window in memory at a time, crossed off by the primes up to 2^16) and consumed as they come, so they
/// never sit in memory as one list.
struct SievingPrimes {
    /// The largest prime that may be produced.
    let limit: UInt64
    /// Primes up to 2^16 (from 3), which cross off the windows.
    private let basePrimes: [UInt32]
    /// For each base prime, the next odd multiple to cross off, as an odd number's value.
    private var nextMultiples: [UInt64]
    /// The current window: `window[i]` is nonzero while `windowStart + 2i` may be prime.
    private var window: [UInt8]
    private var windowStart: UInt64
    private var position = 0
    private var windowCount = 0

    static let windowOddCount = 1 << 15

    /// Prepares the primes in `7...limit`.
    /// - Precondition: `limit < 2^32`.
    init(upTo limit: UInt64) {
        precondition(limit < 1 << 32)
        self.limit = limit
        let baseLimit = Int(limit.squareRootFloor())
        var isComposite = [Bool](repeating: false, count: baseLimit + 1)
        var base: [UInt32] = []
        if baseLimit >= 3 {
            for n in stride(from: 3, through: baseLimit, by: 2) where !isComposite[n] {
                base.append(UInt32(n))
                for multiple in stride(from: n * n, through: baseLimit, by: 2 * n) { isComposite[multiple] = true }
            }
        }
        basePrimes = base
        nextMultiples = base.map { UInt64($0) * UInt64($0) }
        window = []
        windowStart = 7
    }

    /// The next prime, or nil past the limit.
    mutating func next() -> UInt64? {
        while true {
            while position < windowCount {
                let i = position
                position += 1
                if window[i] != 0 {
                    let candidate = windowStart + 2 * UInt64(i)
                    return candidate <= limit ? candidate : nil
                }
            }
            if windowCount > 0 && windowStart + 2 * UInt64(windowCount) > limit { return nil }
            fillNextWindow()
        }
    }

    /// Sieves the next window of odd numbers.
    private mutating func fillNextWindow() {
        if windowCount > 0 { windowStart += 2 * UInt64(windowCount) }
        let end = windowStart + 2 * UInt64(SievingPrimes.windowOddCount)  // exclusive
        windowCount = SievingPrimes.windowOddCount
        if window.count != windowCount { window = [UInt8](repeating: 1, count: windowCount) }
        else { for i in 0..<windowCount { window[i] = 1 } }
        position = 0
        window.withUnsafeMutableBufferPointer { window in
            for j in 0..<basePrimes.count {
                let p = UInt64(basePrimes[j])
                var multiple = nextMultiples[j]  // starts at p * p >= 9, inside or past the first window
                while multiple < end {
                    window[Int((multiple - windowStart) / 2)] = 0
                    multiple += 2 * p
                }
                nextMultiples[j] = multiple
            }
        }
    }
}

extension UInt64 {
    /// `floor(sqrt(self))`, exact for every 64-bit value.
    func squareRootFloor() -> UInt64 {
        var root = Swift.min(UInt64(Double(self).squareRoot()), UInt64(UInt32.max))
        while root * root > self { root -= 1 }
        while true {
            let next = root + 1
            let square = next.multipliedFullWidth(by: next)
            if square.high != 0 || square.low > self { break }
            root = next
        }
        return root
    }
}
