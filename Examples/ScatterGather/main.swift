// Scatter–gather: rank 0 deals equal slices of 1...N to the ranks, each sums the squares of its slice, and
// rank 0 gathers the partial sums and checks their total against N(N+1)(2N+1)/6.
//
//     mpirun -np 4 .build/release/example-scatter-gather
import MPI

Environment.run { environment in
    let world = environment.world
    let root = world.root(0)
    let perRank = 1000

    let slice: [Int64]
    if root.isCallerRoot {
        slice = try root.scatter(sending: (1...Int64(perRank * world.size)).map { $0 })
    } else {
        slice = try root.scatter(as: Int64.self)
    }
    let squares = slice.reduce(0) { $0 + $1 * $1 }
    if let partials = try root.gather(squares) {
        let n = Int64(perRank * world.size)
        writeToStandardOutput("sum of squares of 1...\(n) from \(world.size) ranks: \(partials.reduce(0, +)) "
                              + "(expected \(n * (n + 1) * (2 * n + 1) / 6))\n")
    }
}
