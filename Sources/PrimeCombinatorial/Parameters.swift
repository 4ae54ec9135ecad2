#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The Deléglise–Rivat parameters for the sum of the primes up to `x`.
///
/// `y = α·x^(1/3)` trades the two halves of the work: a larger `y` makes the hard leaves' sieve of `[0, z]`
/// (`z = x / y`) shorter but the tables up to `y` and the easy leaves larger. `α` grows slowly with `x`
/// (`Tuning.alpha`); `c` primes are handled by the closed form ``PhiTiny``.
struct Parameters: Sendable, Hashable {
    let x: UInt64
    let cubeRoot: UInt64
    let squareRoot: UInt64
    let y: UInt64
    let z: UInt64

    /// - Precondition: `x >= 4` (below, `y` could not be both at least 2 and at most sqrt(x)).
    init(x: UInt64, alpha: Double? = nil) {
        precondition(x >= 4)
        self.x = x
        cubeRoot = x.cubeRootFloor()
        squareRoot = x.squareRootFloor()
        let wanted = UInt64(Swift.max(1, (alpha ?? Tuning.alpha(x)) * Double(cubeRoot)))
        y = Swift.min(Swift.max(wanted, cubeRoot, 2), squareRoot, Tuning.largestY)
        z = x / y
    }
}

extension UInt64 {
    /// `floor(cbrt(self))`, exact for every 64-bit value.
    func cubeRootFloor() -> UInt64 {
        var r = Swift.min(UInt64(cbrt(Double(self))), 2_642_245)  // 2642245^3 < 2^64 < 2642246^3
        while r * r * r > self { r -= 1 }
        while r < 2_642_245 && (r + 1) * (r + 1) * (r + 1) <= self { r += 1 }
        return r
    }
}
