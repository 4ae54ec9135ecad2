import CMPI
import MPI

/// The families beyond the classic collectives: a grid with PROC_NULL edges, every request kind waited
/// together, persistent and nonblocking collectives, known-count variants, errors the wrapper raises, the
/// escape hatch. Each result is checked against what every rank's inputs imply.
func checkNewFamilies(world: Communicator) throws {
    try checkGridHalo(world: world)
    try checkRequests(world: world)
    try checkNonblockingCollectives(world: world)
    try checkKnownCountsAndScans(world: world)
    try checkRaisedErrors(world: world)
    try checkEscapeHatch(world: world)
    try checkMessagesAndGroups(world: world)
    try checkDerivedDatatypes(world: world)
    try checkOneSidedAndFiles(world: world)
    try checkObjects(world: world)
    if world.rank == 0 { print("ok new families on \(world.size) ranks") }
}

/// A 2-D grid, not periodic: each rank sends its rank up and down; the edges exchange with PROC_NULL.
func checkGridHalo(world: Communicator) throws {
    let dimensions = try Communicator.balancedDimensions(processes: world.size, count: 2)
    try expect(dimensions.reduce(1, *) == world.size && dimensions[0] >= dimensions[1], "dims_create \(dimensions)")
    try expect(try Communicator.balancedDimensions(processes: 12, count: 2, fixed: [0, 2]) == [6, 2], "dims_create with a fixed extent")
    guard let grid = try world.cartesian(dimensions: dimensions, periodic: [false, true]) else {
        throw CheckFailure(description: "a grid of every rank left one out")
    }
    try expect(try grid.coordinates(of: grid.communicator.rank) == grid.coordinates, "grid coordinates")
    try expect(try grid.rank(at: grid.coordinates) == grid.communicator.rank, "grid rank")
    let (up, down) = try grid.shift(dimension: 0, by: 1)
    let row = grid.coordinates[0]
    try expect((row == 0) == (up == Communicator.nullProcess), "no neighbour above the first row")
    try expect((row == dimensions[0] - 1) == (down == Communicator.nullProcess), "no neighbour below the last row")
    // Send my rank down, receive from above: PROC_NULL sends nothing and receives nothing (count 0).
    var mine = [Int32(grid.communicator.rank)]
    var halo = [Int32(-1)]
    let status = try mine.withUnsafeBufferPointer { (send) in
        try halo.withUnsafeMutableBufferPointer { (receive) in
            try grid.communicator.sendReceive(send, to: down, sendTag: 3, into: receive, from: up, receiveTag: 3)
        }
    }
    if up == Communicator.nullProcess {
        try expect(status.count == 0 && halo == [-1], "a receive from PROC_NULL moves nothing")
    } else {
        try expect(status.count == 1 && Int(halo[0]) == up, "halo from above: \(halo) from \(up)")
    }
    // The periodic dimension wraps: shifting by its extent comes back here.
    let (left, right) = try grid.shift(dimension: 1, by: dimensions[1])
    try expect(left == grid.communicator.rank && right == grid.communicator.rank, "periodic shift wraps")
    try mine.withUnsafeMutableBufferPointer { (buffer) in
        _ = try grid.communicator.sendReceiveReplace(buffer, to: Communicator.nullProcess, sendTag: 1, from: Communicator.nullProcess)
    }
    try expect(mine == [Int32(grid.communicator.rank)], "sendReceiveReplace with PROC_NULL leaves the buffer")
}

/// Sends and receives of every kind, completed together; waitAny, waitSome, testAll, testAny; persistent
/// requests started for several rounds.
func checkRequests(world: Communicator) throws {
    let rank = world.rank, size = world.size
    let next = (rank + 1) % size, previous = (rank + size - 1) % size
    let outgoing = [Int64(rank), Int64(rank * rank)]
    var incoming = [Int64](repeating: -1, count: 2)
    try outgoing.withUnsafeBufferPointer { (send) in
        try incoming.withUnsafeMutableBufferPointer { (receive) in
            let owned = try world.ireceive(capacity: 3, from: previous, tag: 11, as: UInt8.self)
            let borrowed = try world.ireceive(into: receive, from: previous, tag: 12)
            let requests: [Request] = [owned, borrowed, try world.isend([UInt8(rank)], to: next, tag: 11),
                                       try world.isend(send, to: next, tag: 12)]
            try Request.waitAll(requests)
            try expect(try owned.message().values == [UInt8(previous)], "owned receive in a mixed waitAll")
            try expect(try borrowed.receiveStatus(as: Int64.self).count == 2, "borrowed receive's count")
            try expect(try Request.testAll(requests), "testAll after completion")
        }
    }
    try expect(incoming == [Int64(previous), Int64(previous * previous)], "borrowed receive's values")

    // waitAny / waitSome / testAny: one message per peer, taken as they come.
    let receives = try (0..<size).map { (source) in try world.ireceive(capacity: 1, from: source, tag: 13, as: Int32.self) }
    let sends = try (0..<size).map { (destination) in try world.isend([Int32(rank * 10 + destination)], to: destination, tag: 13) }
    var seen = Set<Int>()
    if let first = try Request.waitAny(receives) { seen.insert(first) }
    while seen.count < size {
        for index in try Request.waitSome(receives) { seen.insert(index) }
    }
    try expect(try Request.waitAny(receives) == nil && Request.testAny(receives) == nil, "no active request left")
    try expect(try receives.enumerated().allSatisfy { (pair) in
        try pair.element.message().values == [Int32(pair.offset * 10 + rank)]
    }, "waitAny/waitSome messages")
    try Request.waitAll(sends)

    // A request group: two rounds around the ring, no request objects; the group is reused.
    let group = RequestGroup(capacity: 2)
    var ring = [Int16(rank), 0]
    var fromPrevious = [Int16](repeating: -1, count: 3)
    for round in 0..<2 {
        ring[1] = Int16(round)
        try ring.withUnsafeBufferPointer { (send) in
            try fromPrevious.withUnsafeMutableBufferPointer { (receive) in
                let slot = try group.ireceive(into: receive, from: previous, tag: 15, on: world)
                try group.isend(send, to: next, tag: 15, on: world)
                try expect(group.count == 2, "a group of two operations")
                try group.waitAll()
                try expect(group.count == 0 && (try group.receiveStatus(at: slot, as: Int16.self)).count == 2, "group status")
            }
        }
        try expect(Array(fromPrevious.prefix(2)) == [Int16(previous), Int16(round)], "group round \(round)")
    }

    // Requests made once and started each round (`reusing:`), waited as a typed array; an in-flight one refuses.
    let reused = [BufferRequest(), BufferRequest()]
    var reusedIncoming = [Int32](repeating: -1, count: 4)
    for round in 0..<3 {
        let outgoingRound = [Int32(rank), Int32(round)]
        try outgoingRound.withUnsafeBufferPointer { (send) in
            try reusedIncoming.withUnsafeMutableBufferPointer { (receive) in
                try world.ireceive(into: receive, from: previous, tag: 16, reusing: reused[0])
                do {
                    try world.ireceive(into: receive, from: previous, tag: 16, reusing: reused[0])
                    throw CheckFailure(description: "starting an operation in a request in flight was accepted")
                } catch let error as MPIError {
                    try expect(error.errorClass == .pending, "a request in flight refuses another operation")
                }
                try world.isend(send, to: next, tag: 16, reusing: reused[1])
                try Request.waitAll(reused)
                let status = try reused[0].receiveStatus(as: Int32.self)
                try expect(status.source == previous && status.tag == 16 && status.count == 2, "reused receive's status, round \(round)")
            }
        }
        try expect(Array(reusedIncoming.prefix(2)) == [Int32(previous), Int32(round)], "reused requests, round \(round)")
    }

    // Persistent: three rounds around the ring on the same buffers.
    var value = [Int64(0)], received = [Int64(0)]
    try value.withUnsafeBufferPointer { (send) in
        try received.withUnsafeMutableBufferPointer { (receive) in
            let persistentReceive = try world.persistentReceive(into: receive, from: previous, tag: 14)
            let persistentSend = try world.persistentSend(send, to: next, tag: 14)
            for round in 0..<3 {
                UnsafeMutablePointer(mutating: send.baseAddress!).pointee = Int64(rank * 100 + round)
                try Request.startAll([persistentReceive, persistentSend])
                try Request.waitAll([persistentReceive, persistentSend])
                try expect(receive[0] == Int64(previous * 100 + round), "persistent round \(round)")
                try expect(try persistentReceive.receiveStatus(as: Int64.self).source == previous, "persistent status")
            }
        }
    }
    _ = value
}

/// Nonblocking collectives against their blocking results.
func checkNonblockingCollectives(world: Communicator) throws {
    let rank = world.rank, size = world.size
    let barrier = try world.ibarrier()
    try barrier.waitUntilCompleted()
    let values = [Int64(rank), Int64(2 * rank + 1)]
    let sums = try world.iallreduce(values, .sum)
    let gathered = try world.iallgather([Int32(rank)])
    let reduced = try world.root(size - 1).ireduce(values, .max)
    try expect(try sums.wait() == [Int64(size * (size - 1) / 2), Int64(size * size)], "iallreduce")
    try expect(try gathered.wait() == (0..<size).map { Int32($0) }, "iallgather")
    try expect(try reduced.wait() == (rank == size - 1 ? [Int64(size - 1), Int64(2 * size - 1)] : []), "ireduce")
    var broadcast = [UInt64](repeating: rank == 0 ? 77 : 0, count: 3)
    var result = [Double](repeating: 0, count: 2)
    let input = [Double(rank), 1]
    try broadcast.withUnsafeMutableBufferPointer { (buffer) in
        try result.withUnsafeMutableBufferPointer { (out) in
            try input.withUnsafeBufferPointer { (values) in
                let requests: [Request] = [try world.root(0).ibroadcast(buffer), try world.iallreduce(values, into: out, .sum)]
                try Request.waitAll(requests)
            }
        }
    }
    try expect(broadcast == [77, 77, 77], "ibroadcast")
    try expect(result == [Double(size * (size - 1) / 2), Double(size)], "iallreduce into a buffer")
    let block = try world.reduceScatterBlock((0..<(2 * size)).map { Int32($0 + rank) }, .sum)
    let base = size * (size - 1) / 2
    try expect(block == [Int32(2 * rank * size + base), Int32((2 * rank + 1) * size + base)], "reduce_scatter_block \(block)")
}

/// Known-count variants (no hidden count exchange), an exclusive scan of arrays, agreement.
func checkKnownCountsAndScans(world: Communicator) throws {
    let rank = world.rank, size = world.size
    let root = world.root(0)
    let mine = [UInt32](repeating: UInt32(rank), count: rank % 3)
    let gathered = try root.gatherv(mine, counts: rank == 0 ? (0..<size).map { $0 % 3 } : nil)
    if rank == 0 {
        try expect(gathered == (0..<size).map { [UInt32](repeating: UInt32($0), count: $0 % 3) }, "gatherv with known counts")
    }
    let counts = (0..<size).map { Int32($0 % 3) }
    var flat = [UInt32](repeating: 0, count: Int(counts.reduce(0, +)))
    try mine.withUnsafeBufferPointer { (send) in
        try counts.withUnsafeBufferPointer { (known) in
            try flat.withUnsafeMutableBufferPointer { (result) in
                try root.gatherv(send, into: rank == 0 ? result : nil, counts: rank == 0 ? known : nil)
            }
        }
    }
    if rank == 0 {
        try expect(flat == (0..<size).flatMap { [UInt32](repeating: UInt32($0), count: $0 % 3) }, "gatherv into a buffer")
    }
    let share: [Int16] = rank == 0
        ? try root.scatter(sending: (0..<(2 * size)).map { Int16($0) }, countKnownEverywhere: true)
        : try root.scatter(countPerProcess: 2)
    try expect(share == [Int16(2 * rank), Int16(2 * rank + 1)], "scatter with a known count")
    let prefix = try world.exclusiveScan([Int64(rank), 1], .sum)
    try expect(rank == 0 ? prefix == nil : prefix == [Int64(rank * (rank - 1) / 2), Int64(rank)], "exclusiveScan of arrays")
    try expect(try world.agree(true), "agree, all true")
    try expect(!(try world.agree(rank != size - 1)), "agree, one false")
}

/// Programmer errors throw named classes with their reason, in release builds too.
func checkRaisedErrors(world: Communicator) throws {
    func expectThrows(_ expected: MPIError.Class, _ what: String, _ body: () throws(MPIError) -> Void) throws {
        do {
            try body()
            throw CheckFailure(description: "\(what) did not throw")
        } catch let error as MPIError {
            try expect(error.errorClass == expected && !error.message.isEmpty, "\(what): \(error)")
        }
    }
    try expectThrows(.rank, "a send to rank size") { () throws(MPIError) in try world.send(Int32(1), to: world.size, tag: 1) }
    try expectThrows(.root, "a broadcast from root -1") { () throws(MPIError) in
        var value = 0
        try world.root(-1).broadcast(&value)
    }
    if world.size > 1 {
        try expectThrows(.count, "an alltoall that does not split") { () throws(MPIError) in
            _ = try world.alltoall([Int32](repeating: 0, count: world.size + 1))
        }
    }
}

/// The raw handles: a C call on the wrapper's communicator, a wrapper around a C communicator, one struct
/// datatype per Swift type however often it is asked for.
func checkEscapeHatch(world: Communicator) throws {
    var size: Int32 = 0
    MPI_Comm_size(world.rawHandle, &size)
    try expect(Int(size) == world.size, "MPI_Comm_size on the raw handle")
    var duplicate = cmpi_comm_null()
    MPI_Comm_dup(world.rawHandle, &duplicate)
    let wrapped = try Communicator(rawHandle: plainHandle(duplicate), takingOwnership: true)
    try expect(try wrapped.allreduce(Int32(1), .sum) == Int32(world.size), "a wrapped C communicator")
    let first = Datatype.structure(of: Matrix2.self, [.field(\.a), .field(\.b), .field(\.c), .field(\.d)])
    let again = Datatype.structure(of: Matrix2.self, [.field(\.a), .field(\.b), .field(\.c), .field(\.d)])
    try expect(first.rawHandle == again.rawHandle && first.rawHandle == Matrix2.mpiDatatype.rawHandle, "one struct datatype per type")
    // Predefined attributes: the largest tag works and the next one is refused; a universe size is positive
    // (it can be below the world's: Open MPI says the slots it found, which oversubscription exceeds).
    let largest = Environment.tagUpperBound
    try expect(largest >= 32767, "MPI_TAG_UB of \(largest)")
    let tag = Int32(clamping: largest)
    let echoed = try world.sendReceive([Int8(3)], to: world.rank, sendTag: tag, capacity: 1, from: world.rank, receiveTag: tag)
    try expect(echoed.values == [3] && echoed.tag == tag, "a message with tag MPI_TAG_UB")
    if largest < Int(Int32.max) {
        do {
            _ = try world.sendReceive([Int8(3)], to: world.rank, sendTag: tag + 1, capacity: 1, from: world.rank, receiveTag: tag + 1)
            throw CheckFailure(description: "a tag past MPI_TAG_UB was accepted")
        } catch let error as MPIError { try expect(error.errorClass == .tag, "a tag past MPI_TAG_UB: \(error)") }
    }
    try expect(Environment.universeSize.map { $0 > 0 } ?? true, "MPI_UNIVERSE_SIZE \(String(describing: Environment.universeSize))")
    _ = Environment.wallTimeIsGlobal
}

/// A C handle as a plain value: Open MPI's pointer handles import as optionals, MPICH's integers do not.
func plainHandle<Handle>(_ handle: Handle?) -> Handle { handle! }
func plainHandle<Handle>(_ handle: Handle) -> Handle { handle }

/// Matched probes in a master/worker farm, Bool elements, strings in UTF-8, groups, node communicators.
func checkMessagesAndGroups(world: Communicator) throws {
    let rank = world.rank, size = world.size
    // Every worker sends a task result of its own length; rank 0 takes them as they come, exactly.
    if rank == 0 {
        var seen: [Int: [Int64]] = [:]
        for _ in 1..<size {
            let probed = try world.matchedProbe(tag: 31)
            let source = probed.source
            try expect(try probed.count(of: Int64.self) == source, "matched probe count")
            seen[source] = try probed.receive(as: Int64.self).values
        }
        try expect(seen.allSatisfy { $0.value == (0..<$0.key).map { Int64($0 * 3) } }, "matched receives")
        try expect(try world.matchedProbeIfAny(tag: 31) == nil, "no message left")
    } else {
        try world.send((0..<rank).map { Int64($0 * 3) }, to: 0, tag: 31)
    }
    let flags = try world.allgather(rank % 2 == 0)
    try expect(flags == (0..<size).map { $0 % 2 == 0 }, "Bool allgather")
    try expect(try world.allreduce(rank >= 0, .and) && (try world.allreduce(rank == size - 1, .or)), "Bool and/or")
    let next = (rank + 1) % size, previous = (rank + size - 1) % size
    let outgoing = try world.isend(Array("rank \(rank) → π ≈ 3.14".utf8), to: next, tag: 32)
    let received = try world.receiveString(from: previous, tag: 32)
    try outgoing.wait()
    try expect(received.text == "rank \(previous) → π ≈ 3.14" && received.source == previous, "UTF-8 string")

    // The even ranks form a communicator of their own, without the odd ranks taking part.
    let evens = try world.group().including(Array(stride(from: 0, to: size, by: 2)))
    try expect(evens.size == (size + 1) / 2 && evens.rank == (rank % 2 == 0 ? rank / 2 : nil), "group incl")
    let odds = try world.group().excluding(Array(stride(from: 0, to: size, by: 2)))
    try expect(try evens.union(odds).size == size, "group union")
    try expect(try evens.translate([0, evens.size - 1], to: world.group()) == [0, 2 * (evens.size - 1)], "translate ranks")
    if rank % 2 == 0 {
        let even = try world.creatingCommunicator(of: evens, tag: 5)
        try expect(even.size == evens.size && (try even.allreduce(Int32(1), .sum)) == Int32(evens.size), "create_group")
    }
    let node = try world.splitByNode()
    try expect(node.size == size, "every rank of this test shares one node")
}

/// Derived datatypes: a column (vector), listed blocks (indexed) and a sub-block (subarray) of a 4 × 5 matrix,
/// each sent around the ring and received both laid out and packed.
func checkDerivedDatatypes(world: Communicator) throws {
    let rank = world.rank, size = world.size
    let next = (rank + 1) % size, previous = (rank + size - 1) % size
    func matrix(_ r: Int) -> [Int32] { (0..<20).map { Int32(r * 100 + $0) } }
    let column = try DerivedDatatype.vector(of: Int32.self, count: 4, blockLength: 1, stride: 5)
    let blocks = try DerivedDatatype.indexed(of: Int32.self, blockLengths: [2, 1], displacements: [1, 7])
    let block = try DerivedDatatype.subarray(of: Int32.self, sizes: [4, 5], subsizes: [2, 3], starts: [1, 2])
    let mine = matrix(rank)
    for (type, picked) in [(column, [2, 7, 12, 17]), (blocks, [1, 2, 7]), (block, [7, 8, 9, 12, 13, 14])] {
        var packed = [Int32](repeating: -1, count: picked.count)
        let group = RequestGroup(capacity: 2)
        try mine.withUnsafeBufferPointer { (send) in
            try packed.withUnsafeMutableBufferPointer { (receive) in
                let start = type === column ? send.baseAddress! + 2 : send.baseAddress!
                try group.ireceive(into: receive, from: previous, tag: 41, on: world)
                try group.isend(UnsafeRawPointer(start), of: type, to: next, tag: 41, on: world)
                try group.waitAll()
            }
        }
        try expect(packed == picked.map { matrix(previous)[$0] }, "derived datatype, packed on arrival: \(packed)")
    }
    // Laid out on arrival too: a column received into a column.
    var laidOut = [Int32](repeating: -1, count: 20)
    try mine.withUnsafeBufferPointer { (send) in
        try laidOut.withUnsafeMutableBufferPointer { (receive) in
            let group = RequestGroup(capacity: 2)
            try group.ireceive(into: UnsafeMutableRawPointer(receive.baseAddress! + 4), of: column, from: previous, tag: 42, on: world)
            try group.isend(UnsafeRawPointer(send.baseAddress! + 4), of: column, to: next, tag: 42, on: world)
            try group.waitAll()
        }
    }
    try expect((0..<20).allSatisfy { laidOut[$0] == ($0 % 5 == 4 ? matrix(previous)[$0] : -1) }, "a column into a column")
}
