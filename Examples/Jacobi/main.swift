// Jacobi: the heat equation on a 48 × 48 plate whose top edge is held at 1, the other edges at 0, by 500
// Jacobi sweeps, the plate cut into blocks over a Cartesian grid of the ranks. Each sweep exchanges halos with
// the four neighbours — rows as they lie, columns through a vector datatype (no packing), MPI_PROC_NULL past
// the plate's edges so that edges need no special case — in one request group, then averages. The answer
// does not depend on the number of ranks.
//
//     mpirun -np 4 .build/release/example-jacobi
import MPI

let size = 48, sweeps = 500

Environment.run { environment in
    let world = environment.world
    let dims = try Communicator.balancedDimensions(processes: world.size, count: 2)
    guard size % dims[0] == 0 && size % dims[1] == 0,
          let grid = try world.cartesian(dimensions: dims, periodic: [false, false]) else {
        if world.rank == 0 { writeToStandardError("example-jacobi: \(world.size) ranks do not tile a \(size) × \(size) plate\n") }
        return
    }
    let comm = grid.communicator
    let rows = size / dims[0], columns = size / dims[1], stride = columns + 2
    let (up, down) = try grid.shift(dimension: 0, by: 1)
    let (left, right) = try grid.shift(dimension: 1, by: 1)

    // This block with a one-cell halo all round; the halo above the plate's top row holds the edge's 1.
    var old = [Double](repeating: 0, count: (rows + 2) * stride)
    if up == Communicator.nullProcess { for column in 0..<stride { old[column] = 1 } }
    var new = old
    let column = try DerivedDatatype.vector(of: Double.self, count: rows, blockLength: 1, stride: stride)
    let halo = RequestGroup(capacity: 8)

    for _ in 0..<sweeps {
        try old.withUnsafeMutableBufferPointer { cells in
            let base = cells.baseAddress!
            func at(_ index: Int) -> UnsafeMutableRawPointer { UnsafeMutableRawPointer(base + index) }
            try halo.ireceive(into: rebased(cells, from: 1, count: columns), from: up, tag: 0, on: comm)
            try halo.ireceive(into: rebased(cells, from: (rows + 1) * stride + 1, count: columns), from: down, tag: 1, on: comm)
            try halo.ireceive(into: at(stride), of: column, from: left, tag: 2, on: comm)
            try halo.ireceive(into: at(stride + columns + 1), of: column, from: right, tag: 3, on: comm)
            try halo.isend(UnsafeBufferPointer(rebased(cells, from: stride + 1, count: columns)), to: up, tag: 1, on: comm)
            try halo.isend(UnsafeBufferPointer(rebased(cells, from: rows * stride + 1, count: columns)), to: down, tag: 0, on: comm)
            try halo.isend(at(stride + 1), of: column, to: left, tag: 3, on: comm)
            try halo.isend(at(stride + columns), of: column, to: right, tag: 2, on: comm)
            try halo.waitAll()
        }
        for row in 1...rows {
            for column in 1...columns {
                let at = row * stride + column
                new[at] = 0.25 * (old[at - 1] + old[at + 1] + old[at - stride] + old[at + stride])
            }
        }
        for row in 0..<(rows + 2) where row == 0 || row == rows + 1 {  // keep the halo rows' edge values
            for column in 0..<stride { new[row * stride + column] = old[row * stride + column] }
        }
        swap(&old, &new)
    }

    let interior = (1...rows).reduce(0.0) { sum, row in sum + (1...columns).reduce(0.0) { $0 + old[row * stride + $1] } }
    let total = try comm.allreduce(interior, .sum)
    if comm.rank == 0 {
        writeToStandardOutput("heat on the plate after \(sweeps) sweeps on a \(dims[0]) × \(dims[1]) grid: \(total)\n")
    }
}

/// `count` elements of `buffer` from `start`.
func rebased(_ buffer: UnsafeMutableBufferPointer<Double>, from start: Int, count: Int) -> UnsafeMutableBufferPointer<Double> {
    UnsafeMutableBufferPointer(rebasing: buffer[start..<(start + count)])
}
