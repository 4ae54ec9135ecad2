import MPI

#if canImport(Glibc)
import Glibc
#endif

/// One-sided windows, MPI-IO, in-place collectives, the known-count v-variants, neighbour collectives and names,
/// each checked against what every rank's inputs imply.
func checkOneSidedAndFiles(world: Communicator) throws {
    try checkActiveTargetWindow(world: world)
    try checkPassiveTargetCounter(world: world)
    try checkSharedWindow(world: world)
    try checkParallelFile(world: world)
    try checkInPlace(world: world)
    try checkKnownCountVariants(world: world)
    try checkNeighborhoods(world: world)
    try world.setName("checks world")
    try expect(world.name == "checks world", "communicator name \(world.name)")
    if world.rank == 0 { print("ok windows, files, in-place, known counts and neighbours on \(world.size) ranks") }
}

/// Fence epochs: every rank puts into every other's window, accumulates into one slot, and gets a row back.
func checkActiveTargetWindow(world: Communicator) throws {
    let rank = world.rank, size = world.size
    let window = try Window<Int64>(allocating: size + 1, on: world)
    try expect(window.local.count == size + 1 && window.local.allSatisfy { $0 == 0 }, "allocated window zeroed")
    try window.fence()
    let mine = [Int64(rank * 10)], one = [Int64(rank + 1)]
    for target in 0..<size {
        try mine.withUnsafeBufferPointer { (values) throws(MPIError) in try window.put(values, to: target, at: rank) }
        try one.withUnsafeBufferPointer { (values) throws(MPIError) in try window.accumulate(values, to: target, at: size, .sum) }
    }
    try window.fence()
    try expect(Array(window.local) == (0..<size).map { Int64($0 * 10) } + [Int64(size * (size + 1) / 2)], "put and accumulate \(Array(window.local))")
    var row = [Int64](repeating: -1, count: size + 1)
    try row.withUnsafeMutableBufferPointer { (buffer) throws(MPIError) in try window.get(into: buffer, from: (rank + 1) % size, at: 0) }
    try window.fence()
    try expect(row == Array(window.local), "get of a neighbour's window")

    // A window over the caller's memory.
    let memory = UnsafeMutableBufferPointer<Double>.allocate(capacity: size)
    defer { memory.deallocate() }
    memory.initialize(repeating: -1)
    do {
        let exposed = try Window(exposing: memory, on: world)
        try exposed.fence()
        let value = [Double(rank) + 0.5]
        try value.withUnsafeBufferPointer { (values) throws(MPIError) in try exposed.put(values, to: (rank + 1) % size, at: rank) }
        try exposed.fence()
    }
    let from = (rank + size - 1) % size
    try expect(memory[from] == Double(from) + 0.5 && (0..<size).allSatisfy { $0 == from || memory[$0] == -1 },
               "put into a window over the caller's memory")
}

/// Passive target: a shared counter on rank 0 hands out unique tickets by atomic fetch-and-add.
func checkPassiveTargetCounter(world: Communicator) throws {
    let size = world.size
    let counter = try Window<Int32>(allocating: world.rank == 0 ? 1 : 0, on: world)
    try world.barrier()
    var tickets: [Int32] = []
    for _ in 0..<3 {
        tickets.append(try counter.withLock(0) { () throws(MPIError) in try counter.fetchAndOperate(1, on: 0, at: 0, .sum) })
    }
    let all = try world.allgather(tickets).sorted()
    try expect(all == (0..<Int32(3 * size)).map { $0 }, "fetch-and-add tickets \(all)")
    try world.barrier()
    let final = try counter.withLock(0, .shared) { () throws(MPIError) in try counter.fetchAndOperate(0, on: 0, at: 0, .noOperation) }
    try expect(final == Int32(3 * size), "counter after every rank's tickets: \(final)")
    try world.barrier()
}

/// MPI-IO: each rank writes its column of a global row-major table through a subarray view, collectively;
/// every rank reads the whole table back at byte offsets and checks every cell.
func checkParallelFile(world: Communicator) throws {
    let rank = world.rank, size = world.size, rows = 5
    var path = world.rank == 0 ? Array("/tmp/mpi-checks-\(getpid()).bin".utf8) : []
    try world.root(0).broadcast(&path)
    let name = String(decoding: path, as: UTF8.self)
    func cell(_ row: Int, _ column: Int) -> Int32 { Int32(column * 1000 + row) }

    let file = try File(opening: name, [.create, .readWrite, .deleteOnClose], on: world)
    let column = try DerivedDatatype.subarray(of: Int32.self, sizes: [rows, size], subsizes: [rows, 1], starts: [0, rank])
    try file.setView(elementType: Int32.self, fileType: column)
    try file.writeAll((0..<rows).map { cell($0, rank) }, at: 0)
    try file.sync()
    try world.barrier()
    try file.sync()
    let fileSize = try file.size()
    try expect(fileSize == rows * size * 4, "file size \(fileSize)")
    try file.setView(elementType: UInt8.self)
    let bytes: [UInt8] = try file.readAll(count: rows * size * 4, at: 0)
    let table = bytes.withUnsafeBytes { Array($0.bindMemory(to: Int32.self)) }
    try expect(table == (0..<rows).flatMap { row in (0..<size).map { cell(row, $0) } }, "the table read back")
    try world.barrier()  // everyone has read the table before anyone writes past it
    let own = [cell(rows, rank)].withUnsafeBytes { Array($0) }
    try file.write(own, at: (rows * size + rank) * 4)  // independent, past the table
    try file.sync()
    try world.barrier()
    try file.sync()
    var extra = [UInt8](repeating: 0, count: size * 4 + 4)
    let read = try extra.withUnsafeMutableBufferPointer { (buffer) throws(MPIError) in try file.read(into: buffer, at: rows * size * 4) }
    let row = extra.prefix(size * 4).withUnsafeBytes { Array($0.bindMemory(to: Int32.self)) }
    try expect(read == size * 4 && row == (0..<size).map { cell(rows, $0) }, "independent writes, read back, the read stopping at the end of the file (\(read) bytes)")
    try file.close()
    try file.close()  // a second close does nothing

    do {
        _ = try File(opening: name + ".missing", .readOnly, on: world)
        throw CheckFailure(description: "opening a missing file did not throw")
    } catch let error as MPIError {
        try expect(error.errorClass == .noSuchFile, "missing file: \(error)")
    }
}

/// In-place reductions and allgather: the result overwrites the input.
func checkInPlace(world: Communicator) throws {
    let rank = world.rank, size = world.size
    var values = [Int64(rank), 1, Int64(-rank)]
    try world.allreduce(inPlace: &values, .sum)
    let triangle = Int64(size * (size - 1) / 2)
    try expect(values == [triangle, Int64(size), -triangle], "allreduce in place \(values)")
    var mine = [UInt128(rank) << 64, 7]
    try mine.withUnsafeMutableBufferPointer { (buffer) throws(MPIError) in try world.root(size - 1).reduce(inPlace: buffer, .sum) }
    if rank == size - 1 {
        try expect(mine == [UInt128(triangle) << 64, UInt128(7 * size)], "reduce in place at the root \(mine)")
    } else {
        try expect(mine == [UInt128(rank) << 64, 7], "reduce in place leaves a non-root's values")
    }
    var table = [Int32](repeating: -1, count: 2 * size)
    table[2 * rank] = Int32(rank)
    table[2 * rank + 1] = Int32(rank * rank)
    try table.withUnsafeMutableBufferPointer { (buffer) throws(MPIError) in try world.allgather(inPlace: buffer) }
    try expect(table == (0..<size).flatMap { [Int32($0), Int32($0 * $0)] }, "allgather in place \(table)")
}

/// allgatherv, alltoallv and scatterv with counts every rank already knows.
func checkKnownCountVariants(world: Communicator) throws {
    let rank = world.rank, size = world.size
    let counts = (0..<size).map { $0 % 3 + 1 }
    let mine = [UInt16](repeating: UInt16(rank), count: counts[rank])
    var everyone = [UInt16](repeating: 0, count: counts.reduce(0, +))
    try mine.withUnsafeBufferPointer { (send) throws(MPIError) in
        try everyone.withUnsafeMutableBufferPointer { (result) throws(MPIError) in
            try world.allgatherv(send, into: result, counts: counts)
        }
    }
    try expect(everyone == (0..<size).flatMap { [UInt16](repeating: UInt16($0), count: $0 % 3 + 1) }, "allgatherv with known counts")

    // Rank r sends (r + t) % 2 + 1 values to rank t, each 100·r + t.
    func count(_ from: Int, _ to: Int) -> Int { (from + to) % 2 + 1 }
    let sendCounts = (0..<size).map { count(rank, $0) }, receiveCounts = (0..<size).map { count($0, rank) }
    let outgoing = (0..<size).flatMap { t in [Int32](repeating: Int32(100 * rank + t), count: count(rank, t)) }
    var incoming = [Int32](repeating: 0, count: receiveCounts.reduce(0, +))
    try outgoing.withUnsafeBufferPointer { (send) throws(MPIError) in
        try incoming.withUnsafeMutableBufferPointer { (result) throws(MPIError) in
            try world.alltoallv(send, sendCounts: sendCounts, into: result, receiveCounts: receiveCounts)
        }
    }
    try expect(incoming == (0..<size).flatMap { r in [Int32](repeating: Int32(100 * r + rank), count: count(r, rank)) },
               "alltoallv with known counts \(incoming)")

    let root = world.root(0)
    let source = (0..<size).flatMap { r in [Double](repeating: Double(r) / 4, count: counts[r]) }
    var part = [Double](repeating: 0, count: counts[rank])
    try part.withUnsafeMutableBufferPointer { (result) throws(MPIError) in
        if rank == 0 {
            try source.withUnsafeBufferPointer { (values) throws(MPIError) in try root.scatterv(values, counts: counts, into: result) }
        } else {
            try root.scatterv(nil, counts: nil, into: result)
        }
    }
    try expect(part == [Double](repeating: Double(rank) / 4, count: counts[rank]), "scatterv with known counts \(part)")
}

/// Neighbour collectives on a Cartesian grid (edges are PROC_NULL) and on a graph of two links each way.
func checkNeighborhoods(world: Communicator) throws {
    let rank = world.rank, size = world.size
    let dimensions = try Communicator.balancedDimensions(processes: size, count: 2)
    guard let grid = try world.cartesian(dimensions: dimensions, periodic: [false, true]) else {
        throw CheckFailure(description: "a grid of every rank left one out")
    }
    let me = Int32(grid.communicator.rank)
    let gathered = try grid.neighborAllgather([me, -me])
    var expected: [Int32] = []
    for dimension in 0..<2 {
        let (below, above) = try grid.shift(dimension: dimension, by: 1)
        for neighbour in [below, above] {
            expected += neighbour == Communicator.nullProcess ? [0, 0] : [Int32(neighbour), -Int32(neighbour)]
        }
    }
    try expect(gathered == expected, "neighbour allgather on a grid \(gathered), expected \(expected)")

    // A ring with links to the next two ranks (one below 3 ranks: MPI leaves the matching of repeated edges
    // between the same two processes open, and MPICH and Open MPI differ): send 10·r + i to the i-th.
    let links = size >= 3 ? 2 : 1
    let graph = try world.neighborGraph(sources: (1...links).map { (rank + size - $0) % size },
                                        destinations: (1...links).map { (rank + $0) % size })
    let received = try graph.neighborAlltoall((0..<links).map { Int64(10 * rank + $0) })
    let from = (1...links).map { (rank + size - $0) % size }
    try expect(received == from.enumerated().map { Int64(10 * $0.element + $0.offset) }, "neighbour alltoall on a graph \(received)")
    let heard = try graph.neighborAllgather([UInt8(rank)])
    try expect(heard == from.map { UInt8($0) }, "neighbour allgather on a graph \(heard)")
}

/// A node's table in one copy: the node's rank 0 fills a shared window, the others read it in place.
func checkSharedWindow(world: Communicator) throws {
    let node = try world.splitByNode()
    let count = 1000
    let table = try Window<Int64>(allocatingShared: node.rank == 0 ? count : 0, on: node)
    if node.rank == 0 {
        for i in 0..<count { table.local[i] = Int64(i * i) - 7 }
    }
    try table.fence()
    let shared = try table.sharedMemory(of: 0)
    try expect(shared.count >= count && (0..<count).allSatisfy { shared[$0] == Int64($0 * $0) - 7 },
               "a shared window's table read in place by node rank \(node.rank)")
    try expect(try table.sharedMemory(of: node.size - 1).count == (node.size == 1 ? shared.count : 0), "an empty share")
    try table.fence()
}
