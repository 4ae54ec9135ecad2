// Pi by reduction: each rank integrates 4 / (1 + x²) over its share of [0, 1] with the midpoint rule; the
// partial sums meet at rank 0 with a reduce.
//
//     mpirun -np 4 .build/release/example-pi [INTERVALS]
import MPI

#if canImport(Glibc)
import Glibc
#endif

Environment.run { environment in
    let world = environment.world
    var intervals = Int64(CommandLine.arguments.dropFirst().first.flatMap { Int64($0) } ?? 10_000_000)
    try world.root(0).broadcast(&intervals)  // rank 0's command line decides

    let width = 1.0 / Double(intervals)
    var partial = 0.0
    for i in stride(from: Int64(world.rank), to: intervals, by: world.size) {
        let x = (Double(i) + 0.5) * width
        partial += 4.0 / (1.0 + x * x)
    }
    if let pi = try world.root(0).reduce(partial * width, .sum) {
        writeToStandardOutput("pi ≈ \(pi) with \(intervals) intervals on \(world.size) ranks, error \(abs(pi - Double.pi))\n")
    }
}
