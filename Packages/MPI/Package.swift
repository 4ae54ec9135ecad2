// swift-tools-version: 6.0
//
// MPI: a thin, typed, throwing Swift library over the MPI C API (Open MPI or MPICH), a package of its own
// so that a program using it needs nothing else: no command-line parser, nothing of PrimeSum's.
//
//   MPIObjects (Codable values) ──▶ MPI (wrapper) ──▶ CMPI (the C API + a shim for handles Swift cannot import)
import PackageDescription

// The MPI implementation to build against: Open MPI (Debian's libopenmpi-dev) unless SWIFT_MPI=mpich
// (libmpich-dev; PRIMESUM_MPI=mpich is read too). A build folder holds one implementation's objects: build
// each in its own (`SWIFT_MPI=mpich swift build --scratch-path .build-mpich`). The wrapper checks at MPI_Init
// that the library it runs with is the one it was built for.
let implementation = Context.environment["SWIFT_MPI"] ?? Context.environment["PRIMESUM_MPI"] ?? "openmpi"
let mpich = implementation == "mpich"

let package = Package(
    name: "MPI",
    products: [
        .library(name: "MPI", targets: ["MPI"]),
        // The C API itself, for the calls the wrapper lacks (with `rawHandle`).
        .library(name: "CMPI", targets: ["CMPI"]),
        // Any Codable value as a message (JSON bytes), outside the typed fast path.
        .library(name: "MPIObjects", targets: ["MPIObjects"]),
    ],
    targets: [
        // The MPI C API, plus `static inline` getters for the handles Swift cannot import.
        .systemLibrary(
            name: "CMPI",
            pkgConfig: mpich ? "mpich" : "ompi",
            providers: [.apt([mpich ? "libmpich-dev" : "libopenmpi-dev"])]
        ),
        // The Swift MPI wrapper: typed, generic, throwing.
        .target(name: "MPI", dependencies: ["CMPI"],
                swiftSettings: (mpich ? [.define("MPICH")] : []) + [.unsafeFlags(["-enforce-exclusivity=unchecked"])]),
        // Codable values as messages, for dynamic data: Foundation's JSON coders over MPI's byte messages.
        .target(name: "MPIObjects", dependencies: ["MPI"]),
    ],
    swiftLanguageModes: [.v6]
)
