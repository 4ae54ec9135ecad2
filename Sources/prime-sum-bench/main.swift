import CPrimesieve
import Foundation
import PrimeSieve
import PrimeSumCommandLine
import PrimesieveReference

/// prime-sum-bench: PrimeSum's engine against libprimesieve, measured in the same run.
///
///     prime-sum-bench [--runs N] [--only W,…] [--output DIR]
///                                                   run every workload (or those listed: 1–3 go
///                                                   together), print the table, write DIR/
///     prime-sum-bench measure WHO LO HI [THREADS]   (internal) one measurement in this process; WHO is
///                                                   primesum, primesum-portable (no AVX-512 kernels),
///                                                   primesieve-sum, primesieve-count, combinatorial
///                                                   (the sum below HI; LO is 0), primecount-pi or
///                                                   primecount-deleglise-rivat; LO
///                                                   and HI in prime-sum's number syntax (1e10, 2^64).
///                                                   For tuning the combinatorial engine:
///                                                   PRIMESUM_ALPHA=α sets y = α·x^(1/3);
///                                                   PRIMESUM_PROFILE=1 times each piece on stderr;
///                                                   PRIMESUM_PIECES=K computes only the K costliest
///                                                   pieces (its "result" is then meaningless: for the
///                                                   peak memory of the set-up and the largest pieces)
///                                                   PRIMESUM_SAMPLE=K every K-th piece of each part and
///                                                   PRIMESUM_COMPONENT=hardLeaves|easyLeaves|p2|… one
///                                                   part only (with PROFILE: the cost model at 2^64 in
///                                                   minutes); PRIMESUM_REPEAT=1 times each piece warm;
///                                                   PRIMESUM_ESTIMATE=1 prints the model's seconds per
///                                                   part and stops
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

/// A bound in the tool's number syntax (`10000000000`, `1e10`, `2^64`), or nil.
func bound(_ text: String) -> UInt128? { try? NumberSyntax.parse(text) }
