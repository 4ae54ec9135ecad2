// Overlap: computation hidden behind a nonblocking collective. Each rank sums k³ over its share of
// 1...n in blocks; while the next block is computed, the previous block's partial sum is already being
// reduced across the ranks (MPI_Iallreduce on the caller's buffers). The total is (n(n + 1)/2)², exactly.
//
//     mpirun -np 4 .build/release/example-overlap
import MPI

let n: UInt64 = 60_000, blocks = 8

Environment.run { environment in
    let world = environment.world
    let rank = UInt64(world.rank), size = UInt64(world.size)
    let share = (n + size - 1) / size
    let first = rank * share + 1, last = min(n, (rank + 1) * share)
    let block = (share + UInt64(blocks) - 1) / UInt64(blocks)

    // Two partial-sum buffers: one being reduced while the other is being filled.
    let partials = UnsafeMutableBufferPointer<UInt64>.allocate(capacity: 2)
    let reduced = UnsafeMutableBufferPointer<UInt64>.allocate(capacity: 2)
    defer { partials.deallocate(); reduced.deallocate() }
    var total: UInt64 = 0
    var inFlight: (request: BufferRequest, slot: Int)?

    for b in 0..<blocks {
        let slot = b % 2
        let lo = first + UInt64(b) * block, hi = min(last, lo + block - 1)
        partials[slot] = lo > hi ? 0 : (lo...hi).reduce(0) { $0 + $1 * $1 * $1 }   // the computation
        if let (request, previous) = inFlight {                                        // the reduction it overlapped
            try request.waitUntilCompleted()
            total += reduced[previous]
        }
        let send = UnsafeBufferPointer(rebasing: partials[slot...slot])
        let result = UnsafeMutableBufferPointer(rebasing: reduced[slot...slot])
        inFlight = (try world.iallreduce(send, into: result, .sum), slot)
    }
    if let (request, previous) = inFlight {
        try request.waitUntilCompleted()
        total += reduced[previous]
    }
    if world.rank == 0 {
        let triangle = n * (n + 1) / 2
        writeToStandardOutput("sum of k³ for k in 1...\(n) on \(size) ranks: \(total) (expected \(triangle * triangle))\n")
    }
}
