import CPrimesieve
import Foundation
import PrimeSieve
import PrimesieveReference

/// prime-sum-bench: PrimeSum's engine against libprimesieve, measured in the same run.
///
///     prime-sum-bench [--runs N] [--output DIR]     run every workload, print the table, write DIR/
///     prime-sum-bench measure WHO LO HI [THREADS]   (internal) one measurement in this process; WHO is
///                                                   primesum, primesum-portable (no AVX-512 kernels),
///                                                   primesieve-sum or primesieve-count; LO and HI
///                                                   as integers or like 1e10
///
/// Bad arguments exit with status 64 and one sentence on stderr; a failed measurement with status 1.
/// Each measurement runs in a fresh child process so that its peak memory (VmHWM) is its own.

let arguments = Array(CommandLine.arguments.dropFirst())
if arguments.first == "measure" {
    Measurement.runInThisProcess(Array(arguments.dropFirst()))
} else {
    Benchmark(arguments: arguments).run()
}

/// Bad arguments: one sentence on stderr and exit status 64 (EX_USAGE), as `prime-sum` does.
func usageError(_ sentence: String) -> Never {
    FileHandle.standardError.write(Data("prime-sum-bench: \(sentence)\n".utf8))
    exit(64)
}

/// A bound given as an integer (`10000000000`) or as a power-of-ten shorthand (`1e10`, `25e8`).
func bound(_ text: String) -> UInt128? {
    let parts = text.split(separator: "e", omittingEmptySubsequences: false)
    guard parts.count <= 2, var value = UInt128(parts[0]) else { return nil }
    guard parts.count == 2 else { return value }
    guard let exponent = Int(parts[1]), (0...38).contains(exponent) else { return nil }
    for _ in 0..<exponent {
        let (product, overflow) = value.multipliedReportingOverflow(by: 10)
        if overflow { return nil }
        value = product
    }
    return value
}
