#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension PrimeSieve {
    /// The engine's estimate of its own work per integer near `x`, in arbitrary units.
    ///
    /// Sieving is not uniform along the number line: each integer near `x` is crossed off by about
    /// `(8/30)·Σ 1/p` sieving primes `p <= sqrt(x)` (which grows like `ln ln sqrt(x)`), and every segment
    /// visits each of the `π(sqrt(x))` sieving primes once. The pre-sieved primes (up to 163) cost nothing
    /// per crossing, and a crossing by a prime above the small-prime limit (whose writes leave the L1 cache)
    /// costs `Tuning.largePrimeCrossingWeight` times one by a small prime. The distributed job cuts ranges of equal
    /// estimated cost so that its ranks finish together.
    public func costDensity(at x: Double) -> Double {
        let root = x.squareRoot()
        let presieved = Double(PreSieve.largestPrime)
        guard root > presieved else { return Tuning.baseCostPerInteger }
        let smallLimit = Double(Swift.min(configuration.blockBytes, configuration.segmentBytes))
            / Double(Tuning.smallPrimeDivisor)
        let small = log(log(Swift.min(root, smallLimit))) - log(log(presieved))
        let large = root > smallLimit ? log(log(root)) - log(log(smallLimit)) : 0
        let crossings = 8.0 / 30.0 * (Swift.max(0, small) + Tuning.largePrimeCrossingWeight * large)
        // (From the Double root: a UInt128 from a Double is a generic, unspecialised conversion, and the
        // planner calls this a thousand times.)
        let segmentBytes = configuration.segmentBytes(forLargestSievingPrime: UInt64(Swift.min(root, 0x1p32)))
        let primesVisitedPerInteger = root / log(root) / (30.0 * Double(segmentBytes))
        return Tuning.baseCostPerInteger + crossings + primesVisitedPerInteger
    }

    /// The estimated cost of `[lo, hi)`: ``costDensity(at:)`` integrated over `samples` slices.
    public func estimatedCost(from lo: UInt128, to hi: UInt128, samples: Int = 64) -> Double {
        guard lo < hi else { return 0 }
        let width = Double(hi - lo)
        let slice = width / Double(samples), start = Double(lo)
        return (0..<samples).reduce(0.0) { total, i in
            total + slice * costDensity(at: start + (Double(i) + 0.5) * slice)
        }
    }

    /// Cuts `[lo, hi)` into `parts` consecutive ranges of about equal estimated cost; returns the `parts + 1`
    /// borders, from `lo` to `hi`, ascending.
    public func equalCostBorders(from lo: UInt128, to hi: UInt128, parts: Int) -> [UInt128] {
        precondition(parts >= 1)
        let samples = 1024
        let width = hi - lo
        let sliceWidth = Double(width) / Double(samples)
        let start = Double(lo)  // once: a Double from a UInt128 is a generic, unspecialised conversion (~1 µs)
        var cumulative = [0.0]
        for i in 0..<samples {
            let x = start + (Double(i) + 0.5) * sliceWidth
            cumulative.append(cumulative[i] + sliceWidth * costDensity(at: x))
        }
        let total = cumulative[samples]
        var borders: [UInt128] = [lo]
        var slice = 0
        for part in 1..<parts {
            let target = total * Double(part) / Double(parts)
            while slice < samples - 1 && cumulative[slice + 1] < target { slice += 1 }
            let within = cumulative[slice + 1] > cumulative[slice]
                ? (target - cumulative[slice]) / (cumulative[slice + 1] - cumulative[slice]) : 0
            let fraction = Swift.min(1, Swift.max(0, (Double(slice) + within) / Double(samples)))
            let offset = Swift.min(width, UInt128(fraction * Double(width)))
            borders.append(Swift.max(borders.last!, lo + offset))
        }
        borders.append(hi)
        return borders
    }
}
