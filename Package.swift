// swift-tools-version: 6.0
//
// PrimeSum: exact sums of primes over huge integer ranges, spread across MPI ranks.
//
// Targets, each with one job; imports point downwards only:
//
//   prime-sum (tool) ──▶ PrimeSumCommandLine (the tool's words) ──▶ PrimeSum (distributed job)
//   PrimeSum ──▶ MPI (wrapper, the package in Packages/MPI) ──▶ CMPI (Open MPI + shim)
//            └─▶ PrimeSieve (engine, knows nothing of MPI) ──▶ CVectorKernels
import PackageDescription

// The MPI library is a package of its own (Packages/MPI), which chooses Open MPI or MPICH (SWIFT_MPI=mpich).

let mpi: Target.Dependency = .product(name: "MPI", package: "MPI")
let cmpi: Target.Dependency = .product(name: "CMPI", package: "MPI")
let mpiObjects: Target.Dependency = .product(name: "MPIObjects", package: "MPI")

let package = Package(
    name: "PrimeSum",
    products: [
        .library(name: "PrimeSieve", targets: ["PrimeSieve"]),
        .library(name: "PrimeCombinatorial", targets: ["PrimeCombinatorial"]),
        .executable(name: "prime-sum", targets: ["prime-sum"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(path: "Packages/MPI"),
    ],
    targets: [
        // The sieve engine: sums and counts of primes in [lo, hi). Knows nothing of MPI.
        .target(name: "PrimeSieve", dependencies: ["CVectorKernels"], exclude: ["README.md"]),
        // The combinatorial engine: the sum below N in O(N^(2/3)) by Deléglise–Rivat, as pieces that combine
        // exactly. Uses the sieve for its prime tables and P2; knows nothing of MPI.
        .target(name: "PrimeCombinatorial", dependencies: ["PrimeSieve"], exclude: ["README.md"]),
        // The engine's AVX-512 kernels in C, chosen at run time (Swift has no per-function CPU targets).
        .target(name: "CVectorKernels"),
        // The distributed job: decide, plan, deal, compute, journal, reduce, gather. Owns every MPI call.
        // Compiled for testing in release builds too, so that its unit tests reach its internal pieces (the
        // job is coordination, not a hot loop: the flag costs it nothing measurable).
        .target(name: "PrimeSum", dependencies: [mpi, "PrimeSieve", "PrimeCombinatorial"], exclude: ["README.md"],
                swiftSettings: [.unsafeFlags(["-enable-testing"])]),
        // The tool's words, apart so that tests and the fuzzer reach them: number syntax, requests, usage
        // errors, human and JSON output.
        .target(name: "PrimeSumCommandLine", dependencies: ["PrimeSum"]),
        // The command-line tool: parses the command line and hands the request to the job. Calls no MPI.
        .executableTarget(
            name: "prime-sum",
            dependencies: [
                "PrimeSum",
                "PrimeSumCommandLine",
                "PrimeSieve",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        // libprimesieve's C API: the independent oracle for tests and the yardstick for benchmarks.
        .systemLibrary(
            name: "CPrimesieve",
            pkgConfig: "primesieve",
            providers: [.apt(["libprimesieve-dev"])]
        ),

        // libprimecount's C API: π(x), the yardstick of the combinatorial sum in the benchmark.
        .systemLibrary(
            name: "CPrimecount",
            pkgConfig: "primecount",
            providers: [.apt(["libprimecount-dev"])]
        ),

        // libprimesieve's sum and count, the same way for the tests (oracle) and the benchmark (yardstick).
        .target(name: "PrimesieveReference", dependencies: ["CPrimesieve"]),
        // The benchmark: PrimeSum against libprimesieve in the same run (`./run.sh bench`).
        .executableTarget(name: "prime-sum-bench", dependencies: [
            "PrimeSieve", "PrimeCombinatorial", "PrimeSum", "PrimeSumCommandLine", "PrimesieveReference", "CPrimesieve",
            "CPrimecount",
        ]),
        // Counts the process's heap allocations (replaces malloc & co.); only the overhead benchmark links it.
        .target(name: "CAllocationCounter"),
        // The wrapper against direct C calls, in one binary: ping-pong and allreduce latency (`./run.sh bench`).
        .executableTarget(name: "mpi-overhead-bench", dependencies: [mpi, cmpi, "CAllocationCounter"]),
        // MPI_Init then MPI_Finalize, nothing else: the floor the benchmark measures start-up against.
        .executableTarget(name: "mpi-init-finalize", dependencies: [mpi]),

        // Small programs that show the wrapper; the MPI tests run each under mpirun.
        .executableTarget(name: "example-hello", dependencies: [mpi], path: "Examples/Hello"),
        .executableTarget(name: "example-ring", dependencies: [mpi], path: "Examples/Ring"),
        .executableTarget(name: "example-pi", dependencies: [mpi], path: "Examples/Pi"),
        .executableTarget(name: "example-scatter-gather", dependencies: [mpi], path: "Examples/ScatterGather"),
        .executableTarget(name: "example-jacobi", dependencies: [mpi], path: "Examples/Jacobi"),
        .executableTarget(name: "example-task-farm", dependencies: [mpi], path: "Examples/TaskFarm"),
        .executableTarget(name: "example-overlap", dependencies: [mpi], path: "Examples/Overlap"),
        .executableTarget(name: "example-parallel-write", dependencies: [mpi], path: "Examples/ParallelWrite"),

        // A program that exercises every wrapper collective; the MPI tests run it under mpirun.
        .executableTarget(name: "mpi-checks", dependencies: [mpi, cmpi, mpiObjects], path: "Tests/MPIChecks"),

        // For the tests: the built programs under mpirun, bounded by `timeout -k`; independent oracles; known answers.
        .target(name: "TestSupport", dependencies: ["PrimeSieve", "PrimesieveReference"], path: "Tests/TestSupport"),

        .testTarget(name: "PrimeSieveTests", dependencies: ["PrimeSieve", "TestSupport"]),
        .testTarget(name: "PrimeCombinatorialTests", dependencies: ["PrimeCombinatorial", "TestSupport"]),
        .testTarget(name: "MPITests", dependencies: [
            "mpi-checks", "example-hello", "example-ring", "example-pi", "example-scatter-gather", "example-jacobi",
            "example-task-farm", "example-overlap", "example-parallel-write", "TestSupport",
        ]),
        .testTarget(name: "PrimeSumTests", dependencies: ["prime-sum", "PrimeSum", "PrimeSumCommandLine", "TestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
