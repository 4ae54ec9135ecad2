internal import CVectorKernels

/// Which loops run with 64-byte vectors: the pre-sieve's AND of eight patterns (``PreSieve``) and the tally
/// (``BitmapTally``), in C kernels (`Sources/CVectorKernels`) compiled for AVX-512 function by function.
///
/// Why: the engine is built for x86-64-v2 (`run.sh`), where the compiler vectorises these loops 16 bytes at a
/// time and counts bits one 64-bit word at a time; where the CPU has AVX-512 with VPOPCNTDQ, a kernel takes
/// 64 bytes per step and eight popcounts per instruction. Checked once at run time, so one binary runs
/// everywhere.
public enum VectorKernels: Sendable, Hashable {
    /// Swift on any CPU.
    case portable
    /// The AVX-512 kernels (Foundation and VPOPCNTDQ); only on CPUs with both.
    case avx512

    /// `.avx512` where this CPU and OS run it, `.portable` elsewhere.
    public static let fastestAvailable: VectorKernels = primesum_avx512_available() != 0 ? .avx512 : .portable
}
