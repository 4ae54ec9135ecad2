import PrimeSieve

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How the job finds its answers.
public enum Method: String, Sendable, CaseIterable {
    /// Whichever the cost models say is faster for the request.
    case auto
    /// The segmented sieve: O(width) work, one pass for any number of bounds inside the span.
    case sieve
    /// Deléglise–Rivat: O(N^(2/3)) per bound, whatever the width below it.
    case combinatorial
}

extension Request {
    /// The method that answers this request sooner by the cost models: the sieve of the span, or a
    /// combinatorial sum for each distinct bound (a range [A, B) is S(B) − S(A)).
    ///
    /// Deterministic (it reads no cache size), so that every rank resolves `auto` alike.
    public var cheaperMethod: Method {
        let bounds = combinatorialBounds
        let combinatorial = Double(bounds.count) * CostEstimate.combinatorialSeconds(below: bounds.max() ?? 0)
        return combinatorial < CostEstimate.sieveSeconds(span) ? .combinatorial : .sieve
    }

    /// The distinct non-zero bounds whose combinatorial sums answer every query.
    var combinatorialBounds: [UInt128] {
        switch self {
        case .below(let n): n > 0 ? [n] : []
        case .range(let lo, let hi): lo >= hi ? [] : [lo, hi].filter { $0 > 0 }
        case .batch: Array(Set(queries.map(\.hi).filter { $0 > 0 })).sorted()
        }
    }
}

/// Seconds each method needs on one core of the machine it was measured on (a 2-core Zen 2): only their
/// ratio matters, to choose.
enum CostEstimate {
    /// The sieve's own cost model (a fixed configuration, so that every host agrees), at 4.5·10^-10 s per
    /// unit: 18 s for the sum below 10^11, 230 s below 10^12 measured. It overestimates high ranges (8× at
    /// 2^64), which only keeps them on the sieve longer.
    static func sieveSeconds(_ range: Query) -> Double {
        let engine = PrimeSieve(configuration: SieveConfiguration(segmentBytes: 1 << 18, blockBytes: 1 << 14,
                                                                  vectorKernels: .portable))
        return 4.5e-10 * engine.estimatedCost(from: range.lo, to: range.hi)
    }

    /// 1.7 ms of set-up plus 1.9·10^-8·N^0.57 s: fitted to 4.9 ms below 10^9, 0.13 s below 10^12 and 6.7 s
    /// below 10^15, measured (`prime-sum-bench measure combinatorial 0 N`).
    static func combinatorialSeconds(below n: UInt128) -> Double {
        n == 0 ? 0 : 1.7e-3 + 1.9e-8 * pow(Double(n), 0.57)
    }
}
