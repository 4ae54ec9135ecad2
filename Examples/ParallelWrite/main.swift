// ParallelWrite: every rank writes its block of one binary file at its own offset, collectively (MPI-IO,
// MPI_File_write_at_all), then reads back its neighbour's block to check it. The file holds the squares
// 0², 1², …, (n - 1)² as little-endian UInt64s, whatever the number of ranks.
//
//     mpirun -np 4 .build/release/example-parallel-write squares.bin
import MPI

let n = 100_000

Environment.run { environment in
    let world = environment.world
    let path = CommandLine.arguments.dropFirst().first ?? "squares.bin"
    let share = (n + world.size - 1) / world.size
    let first = min(n, world.rank * share), last = min(n, first + share)
    let mine = (first..<last).map { UInt64($0) * UInt64($0) }

    let file = try File(opening: path, [.create, .readWrite], on: world)
    try file.setSize(0)  // a longer file from an earlier run would keep its tail
    try file.setView(elementType: UInt64.self)                   // offsets count UInt64s
    try file.writeAll(mine, at: first)
    try file.sync()
    try world.barrier()
    try file.sync()                                              // (write, sync, barrier, sync: visible to all)

    let neighbour = (world.rank + 1) % world.size
    let from = min(n, neighbour * share), to = min(n, from + share)
    let theirs: [UInt64] = try file.readAll(count: to - from, at: from)
    try file.close()
    let correct = theirs.elementsEqual((from..<to).map { UInt64($0) * UInt64($0) })
    let allCorrect = try world.agree(correct)
    if world.rank == 0 {
        writeToStandardOutput("wrote \(n) squares to \(path) from \(world.size) ranks; read back: \(allCorrect ? "correct" : "WRONG")\n")
    }
}
