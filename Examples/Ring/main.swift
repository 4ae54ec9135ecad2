// Ring: a token goes once around the ranks, each adding its rank; then every rank passes its rank to the
// next one with sendReceive, which cannot deadlock however many ranks there are.
//
//     mpirun -np 4 .build/release/example-ring
import MPI

Environment.run { environment in
    let world = environment.world
    let rank = world.rank, size = world.size
    let next = (rank + 1) % size, previous = (rank + size - 1) % size

    if rank == 0 {
        // Nonblocking: on one rank, `next` is rank 0 itself, and a blocking send to oneself may never return.
        let start = try world.isend([Int64(0)], to: next, tag: 1)
        let token = try world.receive(capacity: 1, from: previous, tag: 1, as: Int64.self).values[0]
        try start.wait()
        writeToStandardOutput("token after one lap of \(size) ranks: \(token) (expected \(size * (size - 1) / 2))\n")
    } else {
        let token = try world.receive(capacity: 1, from: previous, tag: 1, as: Int64.self).values[0]
        try world.send(token + Int64(rank), to: next, tag: 1)
    }

    let shifted = try world.sendReceive([Int32(rank)], to: next, sendTag: 2, capacity: 1, from: previous, receiveTag: 2)
    let everyone = try world.allgather(shifted.values[0])
    if rank == 0 { writeToStandardOutput("each rank received its left neighbour's rank: \(everyone)\n") }
}
