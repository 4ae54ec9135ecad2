import CPrimecount
import CPrimesieve
import Foundation
import PrimeCombinatorial
import PrimeSieve
import PrimesieveReference
import Synchronization

/// One timed computation and what it cost.
struct Sample {
    var seconds: Double
    var peakKiB: Int
    var result: String
}

enum Measurement {
    /// Runs one computation here and prints `seconds peakKiB result`.
    static func runInThisProcess(_ arguments: [String]) {
        guard (3...4).contains(arguments.count), let lo = bound(arguments[1]), let hi = bound(arguments[2]), lo < hi,
              hi <= UInt128(UInt64.max) + 1 else {
            usageError("measure takes WHO LO HI [THREADS] with 0 <= LO < HI <= 2^64, as integers or like 1e10")
        }
        guard let threads = arguments.count > 3 ? Int(arguments[3]) : 1, threads >= 1 else {
            usageError("measure's THREADS is a whole number of at least 1, not '\(arguments[3])'")
        }
        // The harness's own first-use costs (Foundation's file reading and number formatting page in a megabyte
        // of library code) are paid before the work, so every contender's peak is the same harness plus its work.
        _ = "\(peakResidentKiB()) \(UInt128.max) \(Double.pi)"
        primesieve_set_num_threads(Int32(threads))  // their C APIs use every core unless told otherwise
        primecount_set_num_threads(Int32(threads))
        if arguments[0] == "primesieve-sum" { prepareTally(to: hi) }  // its stop near 2^64: not primesieve's work
        let start = DispatchTime.now().uptimeNanoseconds
        let result: String
        switch arguments[0] {
        case "primesum":
            result = primeSum(lo, hi, threads: threads)
        case "primesum-portable":  // the engine without its AVX-512 kernels, for comparisons
            result = primeSum(lo, hi, threads: threads, configuration: SieveConfiguration(vectorKernels: .portable))
        case "primesieve-sum":
            let tally = primesieveTally(from: lo, to: hi)
            result = "\(tally.count) \(tally.sum)"
        case "combinatorial":  // the combinatorial engine's sum below HI (LO must be 0)
            let total = combinatorialSum(below: hi, threads: threads)
            result = "\(total.count) \(total.sum)"
        case "primecount-pi":  // libprimecount's π(HI − 1), its default algorithm (Gourdon's)
            result = "\(primecount_pi(Int64(hi - 1)))"
        case "primecount-deleglise-rivat":  // its Deléglise–Rivat π(HI − 1): our algorithm, counting
            result = PrimecountDelegliseRivat.pi(Int64(hi - 1), threads: threads).map { "\($0)" } ?? "unavailable"
        case "primesieve-count":
            result = "\(primesieve_count_primes(UInt64(lo), UInt64(hi - 1)))"
        default:
            usageError("measure's WHO is primesum, primesum-portable, primesieve-sum, primesieve-count, combinatorial, primecount-pi or primecount-deleglise-rivat, not '\(arguments[0])'")
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        print(seconds, peakResidentKiB(), result)
    }

    /// The engine on `threads` threads, each taking equal-cost chunks (as a rank does).
    static func primeSum(_ lo: UInt128, _ hi: UInt128, threads: Int,
                         configuration: SieveConfiguration = .default) -> String {
        let engine = PrimeSieve(configuration: configuration)
        if threads == 1 {  // on this thread, as primesieve runs: no worker thread's stack and malloc arena
            let total = engine.tally(from: lo, to: hi)
            return "\(total.count) \(total.sum)"
        }
        let borders = engine.equalCostBorders(from: lo, to: hi, parts: threads)
        let results = Mutex([PrimeTally](repeating: .zero, count: threads))
        DispatchQueue.concurrentPerform(iterations: threads) { t in
            let tally = engine.tally(from: borders[t], to: borders[t + 1])
            results.withLock { $0[t] = tally }
        }
        let total = results.withLock { $0.reduce(.zero, +) }
        return "\(total.count) \(total.sum)"
    }

    /// The combinatorial engine on `threads` threads, each taking the costliest piece left (as a rank's
    /// threads do).
    static func combinatorialSum(below bound: UInt128, threads: Int) -> PrimeTally {
        let alpha = ProcessInfo.processInfo.environment["PRIMESUM_ALPHA"].flatMap(Double.init)  // for tuning runs
        let sum = CombinatorialPrimeSum(below: bound, alpha: alpha, piecesPerPart: threads == 1 ? 1 : 8 * threads)
        if ProcessInfo.processInfo.environment["PRIMESUM_ESTIMATE"] != nil {
            for c in CombinatorialPrimeSum.Component.allCases {
                let e = sum.pieces.filter { $0.component == c }.reduce(0.0) { $0 + sum.estimatedCost(of: $1) }
                FileHandle.standardError.write(Data("\(c): estimated \(e * 1e-9) s\n".utf8))
            }
            exit(0)
        }
        let sorted = sum.pieces.map { ($0, sum.estimatedCost(of: $0)) }.sorted { $0.1 > $1.1 }.map(\.0)
        // For memory checks: the set-up and the costliest pieces only.
        let environment = ProcessInfo.processInfo.environment
        var chosen = environment["PRIMESUM_PIECES"].flatMap(Int.init).map { Array(sorted.prefix($0)) } ?? sorted
        if let k = environment["PRIMESUM_SAMPLE"].flatMap(Int.init), k > 1 {
            // Every k-th piece along each part only, for the cost model's checks at large x.
            let sampled = Set(sum.pieces.enumerated().filter { $0.offset % k == 0 }.map(\.element))
            chosen = chosen.filter(sampled.contains)
        }
        if let component = environment["PRIMESUM_COMPONENT"] {  // one part only
            chosen = chosen.filter { "\($0.component)" == component }
        }
        let pieces = chosen
        if ProcessInfo.processInfo.environment["PRIMESUM_PROFILE"] != nil {
            var partials: [CombinatorialPrimeSum.PiecePartial] = []
            for piece in pieces {
                if ProcessInfo.processInfo.environment["PRIMESUM_REPEAT"] != nil { _ = sum.compute(piece) }
                let start = Date()
                partials.append(sum.compute(piece))
                FileHandle.standardError.write(Data("\(piece): \(Date().timeIntervalSince(start)) s, estimated \(sum.estimatedCost(of: piece) * 1e-9) s\n".utf8))
            }
            return sum.total(of: partials)
        }
        if threads == 1 { return sum.total(of: pieces.map(sum.compute)) }
        let next = Atomic(0)
        let partials = Mutex([CombinatorialPrimeSum.PiecePartial]())
        DispatchQueue.concurrentPerform(iterations: threads) { _ in
            while case let k = next.add(1, ordering: .relaxed).oldValue, k < pieces.count {
                let partial = sum.compute(pieces[k])
                partials.withLock { $0.append(partial) }
            }
        }
        return sum.total(of: partials.withLock { $0 })
    }

    static func peakResidentKiB() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            return Int(line.split(separator: " ").dropFirst().first ?? "0") ?? 0
        }
        return 0
    }
}

/// libprimecount's Deléglise–Rivat π(x), the algorithm our combinatorial engine implements for sums: the
/// yardstick for the implementation, where `primecount_pi` (Gourdon's variant, about half the work) is the one
/// for the method. Its C API does not offer it; the C++ function is exported under a mangled name that changed
/// (libprimecount 7.6: `(int64_t, int)`; later 7.x add `bool is_print`), so it is found at run time.
enum PrimecountDelegliseRivat {
    private typealias WithoutPrint = @convention(c) (Int64, Int32) -> Int64
    private typealias WithPrint = @convention(c) (Int64, Int32, Bool) -> Int64

    /// π(x) on `threads` threads, or nil when this libprimecount exports neither form.
    static func pi(_ x: Int64, threads: Int) -> Int64? {
        let everywhere = UnsafeMutableRawPointer(bitPattern: 0)  // RTLD_DEFAULT
        if let symbol = dlsym(everywhere, "_ZN10primecount18pi_deleglise_rivatElib") {
            return unsafeBitCast(symbol, to: WithPrint.self)(x, Int32(threads), false)
        }
        if let symbol = dlsym(everywhere, "_ZN10primecount18pi_deleglise_rivatEli") {
            return unsafeBitCast(symbol, to: WithoutPrint.self)(x, Int32(threads))
        }
        return nil
    }
}
