import CMPI
import MPI

#if canImport(Glibc)
import Glibc
#endif

/// Exercises every collective of the MPI wrapper over every supported element type, checking each result on
/// every rank against what the ranks' inputs imply. Run under `mpirun -np N`; prints `ok <check>` lines at
/// rank 0 and exits 0 when every check passed; a failed check aborts the job with status 3.
///
/// `mpi-checks failing-call` instead makes a call MPI must refuse and reports the thrown error.

struct CheckFailure: Error, AbortStatusProviding, CustomStringConvertible {
    var description: String
    var abortStatus: Int32 { 3 }
}

func expect(_ condition: Bool, _ what: @autoclosure () -> String) throws {
    if !condition { throw CheckFailure(description: "check failed: \(what())") }
}

/// Values that differ per rank and per type, and that exercise each type's range.
protocol CheckValue: MPIElement, Equatable {
    static func value(rank: Int, index: Int) -> Self
    static func sum(_ values: [Self]) -> Self
}
extension Int32: CheckValue {
    static func value(rank: Int, index: Int) -> Int32 { Int32(rank * 1000 + index) - 500 }
    static func sum(_ values: [Int32]) -> Int32 { values.reduce(0, +) }
}
extension Int64: CheckValue {
    static func value(rank: Int, index: Int) -> Int64 { Int64(rank + 1) << 40 - Int64(index) }
    static func sum(_ values: [Int64]) -> Int64 { values.reduce(0, +) }
}
extension UInt64: CheckValue {
    static func value(rank: Int, index: Int) -> UInt64 { UInt64(rank + 1) << 60 + UInt64(index) }
    static func sum(_ values: [UInt64]) -> UInt64 { values.reduce(0, &+) }
}
extension Double: CheckValue {
    static func value(rank: Int, index: Int) -> Double { Double(rank) * 0.5 + Double(index) * 0.25 }
    static func sum(_ values: [Double]) -> Double { values.reduce(0, +) }
}
extension UInt128: CheckValue {
    /// Near 2^64 on purpose: the sum over ranks passes 2^64, which a 64-bit reduce would wrap.
    static func value(rank: Int, index: Int) -> UInt128 { UInt128(UInt64.max - UInt64(rank)) + UInt128(index) << 70 }
    static func sum(_ values: [UInt128]) -> UInt128 { values.reduce(0, +) }
}

func checkCollectives<T: CheckValue>(_ type: T.Type, sum: ReductionOperation<T>, world: Communicator) throws {
    let rank = world.rank, size = world.size
    let root = world.root(size - 1)  // a root other than 0 whenever size > 1
    let name = "\(T.self)"
    let mine = (0..<3).map { T.value(rank: rank, index: $0) }
    func of(_ r: Int) -> [T] { (0..<3).map { T.value(rank: r, index: $0) } }

    // broadcast: a scalar and an array whose length differs on other ranks
    var scalar = T.value(rank: rank, index: 7)
    try root.broadcast(&scalar)
    try expect(scalar == T.value(rank: root.rank, index: 7), "\(name) broadcast scalar")
    var array = root.isCallerRoot ? of(root.rank) + of(0) : []
    try root.broadcast(&array)
    try expect(array == of(root.rank) + of(0), "\(name) broadcast array")

    // scatter / scatterv
    let share: [T]
    if root.isCallerRoot {
        share = try root.scatter(sending: (0..<size).flatMap { of($0) })
    } else {
        share = try root.scatter(as: T.self)
    }
    try expect(share == of(rank), "\(name) scatter")
    let part: [T]
    if root.isCallerRoot {
        part = try root.scatterv(sending: (0..<size).map { Array(of($0).prefix($0 % 4)) })
    } else {
        part = try root.scatterv(as: T.self)
    }
    try expect(part == Array(of(rank).prefix(rank % 4)), "\(name) scatterv")

    // gather / gatherv
    let gathered = try root.gather(mine)
    try expect(root.isCallerRoot ? gathered == (0..<size).flatMap { of($0) } : gathered == nil, "\(name) gather")
    let gatheredParts = try root.gatherv(Array(mine.prefix(rank % 4)))
    try expect(root.isCallerRoot ? gatheredParts! == (0..<size).map { Array(of($0).prefix($0 % 4)) }
                                 : gatheredParts == nil, "\(name) gatherv")

    // reduce / allreduce / exscan
    let expectedSums = (0..<3).map { i in T.sum((0..<size).map { T.value(rank: $0, index: i) }) }
    let reduced = try root.reduce(mine, sum)
    try expect(root.isCallerRoot ? reduced == expectedSums : reduced == nil, "\(name) reduce")
    try expect(try world.allreduce(mine, sum) == expectedSums, "\(name) allreduce")
    let prefix = try world.exclusiveScan(mine[0], sum)
    try expect(rank == 0 ? prefix == nil : prefix == T.sum((0..<rank).map { T.value(rank: $0, index: 0) }),
               "\(name) exclusive scan")

    // allgather / allgatherv / alltoall / alltoallv / scan
    try expect(try world.allgather(mine) == (0..<size).flatMap { of($0) }, "\(name) allgather")
    try expect(try world.allgatherv(Array(mine.prefix(rank % 4))) == (0..<size).map { Array(of($0).prefix($0 % 4)) },
               "\(name) allgatherv")
    // To rank r: element r of this rank's values, twice; so from rank q this rank gets q's element `rank`, twice.
    let outgoing = (0..<size).flatMap { r in [T.value(rank: rank, index: r), T.value(rank: rank, index: r)] }
    try expect(try world.alltoall(outgoing) == (0..<size).flatMap { q in [T.value(rank: q, index: rank), T.value(rank: q, index: rank)] },
               "\(name) alltoall")
    let parts = (0..<size).map { r in (0..<(r + rank) % 3).map { T.value(rank: rank, index: r * 10 + $0) } }
    try expect(try world.alltoallv(parts) == (0..<size).map { q in (0..<(rank + q) % 3).map { T.value(rank: q, index: rank * 10 + $0) } },
               "\(name) alltoallv")
    try expect(try world.scan(mine, sum) == (0..<3).map { i in T.sum((0...rank).map { T.value(rank: $0, index: i) }) },
               "\(name) scan")
    if world.rank == 0 { print("ok collectives \(name) on \(size) ranks") }
}

/// Point to point: status, any source, sendrecv around a ring, probe, receive into a buffer, waitAll.
func checkPointToPoint(world: Communicator) throws {
    let rank = world.rank, size = world.size
    let next = (rank + 1) % size, previous = (rank + size - 1) % size

    let ring = try world.sendReceive([Int64(rank), Int64(rank * 10)], to: next, sendTag: 11, capacity: 4, from: previous, receiveTag: 11)
    try expect(ring.values == [Int64(previous), Int64(previous * 10)] && ring.source == previous && ring.tag == 11, "sendReceive ring")

    // Everyone sends rank 0 a message of rank+1 values with tag 100+rank; rank 0 takes them from any source.
    if rank == 0 {
        var seen = Set<Int>()
        for _ in 1..<size {
            let probed = try world.probe(tag: nil)
            let count = try probed.count(of: Double.self)
            let message = try world.receive(capacity: count, from: probed.source, tag: probed.tag, as: Double.self)
            try expect(message.tag == 100 + Int32(message.source) && message.values.count == message.source + 1
                       && message.values.allSatisfy { $0 == Double(message.source) / 4 }, "probe and receive from any source")
            seen.insert(message.source)
        }
        try expect(seen == Set(1..<size), "every rank's message arrived once")
    } else {
        try world.send([Double](repeating: Double(rank) / 4, count: rank + 1), to: 0, tag: 100 + Int32(rank))
    }
    try world.barrier()
    try expect(try world.iprobe(tag: nil) == nil, "nothing left to probe")
    try world.barrier()

    // A single value, received into a caller's array: no allocation on that path.
    if rank == 0 {
        var slot = [UInt32](repeating: 0, count: 1)
        for _ in 1..<size {
            let status = try world.receive(into: &slot, tag: 7)
            try expect(slot[0] == UInt32(status.source * 3) && status.count == 1, "receive(into:)")
        }
    } else {
        try world.send(UInt32(rank * 3), to: 0, tag: 7)
    }

    // Nonblocking both ways, completed together.
    let receives = try (0..<size).map { (source) throws(MPIError) in try world.ireceive(capacity: 2, from: source, tag: 21, as: Int32.self) }
    let sends = try (0..<size).map { (destination) throws(MPIError) in try world.isend([Int32(rank), Int32(destination)], to: destination, tag: 21) }
    let messages = try ReceiveRequest.waitAll(receives)
    try SendRequest.waitAll(sends)
    try expect(messages.enumerated().allSatisfy { $0.element.values == [Int32($0.offset), Int32(rank)] && $0.element.source == $0.offset },
               "isend/ireceive with waitAll")
    try world.barrier()
    if rank == 0 { print("ok point to point on \(size) ranks") }
}

/// A fixed-layout struct with fields of three types and padding.
struct Particle: MPIElement, Equatable {
    var position: Double
    var charge: Float
    var id: Int32
    var flag: UInt8
    static let datatype = Datatype.structure(of: Particle.self, [.field(\.position), .field(\.charge), .field(\.id), .field(\.flag)])
    static var mpiDatatype: Datatype { datatype }
}

/// A 2×2 matrix of wrapping 64-bit integers: its product is associative but not commutative.
struct Matrix2: MPIElement, Equatable {
    var a: Int64, b: Int64, c: Int64, d: Int64
    static let identity = Matrix2(a: 1, b: 0, c: 0, d: 1)
    static func * (x: Matrix2, y: Matrix2) -> Matrix2 {
        Matrix2(a: x.a &* y.a &+ x.b &* y.c, b: x.a &* y.b &+ x.b &* y.d, c: x.c &* y.a &+ x.d &* y.c, d: x.c &* y.b &+ x.d &* y.d)
    }
    static func of(rank: Int) -> Matrix2 { Matrix2(a: Int64(rank + 1), b: 1, c: Int64(rank) - 3, d: 2) }
    static let datatype = Datatype.structure(of: Matrix2.self, [.field(\.a), .field(\.b), .field(\.c), .field(\.d)])
    static var mpiDatatype: Datatype { datatype }
}

/// Structs through collectives and point to point; custom reductions, commutative and not.
func checkStructsAndCustomOperations(world: Communicator) throws {
    let rank = world.rank, size = world.size
    func particle(_ r: Int) -> Particle { Particle(position: Double(r) * 1.5 - 2, charge: Float(r) / 8, id: Int32(r * 7), flag: UInt8(r % 256)) }
    try expect(try world.allgather(particle(rank)) == (0..<size).map(particle), "struct allgather")
    var shared = rank == 0 ? [particle(5), particle(9)] : []
    try world.root(0).broadcast(&shared)
    try expect(shared == [particle(5), particle(9)], "struct broadcast")

    let heaviest = try ReductionOperation<Particle>.custom { $0.charge >= $1.charge ? $0 : $1 }
    try expect(try world.allreduce(particle(rank), heaviest) == particle(size - 1), "custom commutative reduction")
    let product = try ReductionOperation<Matrix2>.custom(commutative: false) { $0 * $1 }
    let expected = (0..<size).map(Matrix2.of).reduce(Matrix2.identity, *)
    try expect(try world.allreduce(Matrix2.of(rank: rank), product) == expected, "custom non-commutative reduction in rank order")
    try expect(try world.scan(Matrix2.of(rank: rank), product) == (0...rank).map(Matrix2.of).reduce(Matrix2.identity, *),
               "custom scan")
    if rank == 0 { print("ok structs and custom operations on \(size) ranks") }
}

let mode = CommandLine.arguments.dropFirst().first ?? "collectives"

Environment.run(threadLevel: .funneled, abortStatus: 4) { environment in
    let world = environment.world
    switch mode {
    case "collectives":
        try expect(environment.providedThreadLevel >= .funneled, "thread level \(environment.providedThreadLevel)")
        try expect(world.size >= 1 && (0..<world.size).contains(world.rank), "rank and size")
        try expect(Environment.launcherRank == world.rank, "the launcher's rank \(Environment.launcherRank.map(String.init) ?? "nil") is the world rank")
        try expect(!(try Communicator.processorName()).isEmpty, "processor name")
        let before = Environment.wallTime()
        try expect(Environment.wallTime() >= before && Environment.wallTickSeconds > 0, "wall time")
        try world.barrier()
        try checkCollectives(Int32.self, sum: .sum, world: world)
        try checkCollectives(Int64.self, sum: .sum, world: world)
        try checkCollectives(UInt64.self, sum: .sum, world: world)
        try checkCollectives(Double.self, sum: .sum, world: world)
        try checkCollectives(UInt128.self, sum: .sum, world: world)
        let total = try world.allreduce(UInt128(UInt64.max), .sum)
        try expect(total == UInt128(UInt64.max) * UInt128(world.size), "UInt128 sum past 2^64")
        if world.rank == 0 { print("ok UInt128 sum \(total) exceeds 2^64: \(world.size < 2 || total > UInt128(UInt64.max))") }
        try checkPointToPoint(world: world)
        try checkStructsAndCustomOperations(world: world)
        try checkNewFamilies(world: world)
        let maximum = try world.allreduce(Int64(world.rank), .max)
        try expect(maximum == Int64(world.size - 1), "max")
        try world.barrier()
        if world.rank == 0 { print("ok all checks passed on \(world.size) ranks") }
    case "large-counts":
        // 2^31 + 7 bytes: past MPI 3.1's Int32 counts, through a broadcast and a send.
        let count = (1 << 31) + 7
        let started = Environment.wallTime()
        func mark(_ what: String) { if world.rank == 0 { print("at \(Environment.wallTime() - started) s: \(what)") } }
        func byte(_ i: Int) -> UInt8 { UInt8(truncatingIfNeeded: i &* 2_654_435_761 >> 7) }
        let samples = [0, 1, 1 << 30, (1 << 31) - 1, 1 << 31, count - 1] + (0..<64).map { $0 * (count / 64) + 13 }
        var big = [UInt8]()
        if world.rank == 0 { big = [UInt8](unsafeUninitializedCapacity: count) { buffer, n in
            for i in 0..<count { buffer[i] = byte(i) }
            n = count
        } }
        try world.root(0).broadcast(&big)
        try expect(big.count == count && samples.allSatisfy { big[$0] == byte($0) }, "broadcast of \(count) bytes")
        if world.size > 1 {
            if world.rank == 0 {
                try world.send(big, to: 1, tag: 5)
                let request = try big.withUnsafeBufferPointer { (buffer) throws(MPIError) in try world.isend(buffer, to: 1, tag: 6) }
                try request.waitUntilCompleted()
            } else if world.rank == 1 {
                var received = [UInt8](repeating: 0, count: count)
                let status = try world.receive(into: &received, from: 0, tag: 5)
                try expect(status.count == count && samples.allSatisfy { received[$0] == byte($0) }, "send of \(count) bytes")
                for i in samples { received[i] = 0 }
                let again = try received.withUnsafeMutableBufferPointer { (buffer) throws(MPIError) in
                    let request = try world.ireceive(into: buffer, from: 0, tag: 6)
                    try request.waitUntilCompleted()
                    return try request.receiveStatus(as: UInt8.self)
                }
                try expect(again.count == count && samples.allSatisfy { received[$0] == byte($0) }, "isend and ireceive of \(count) bytes")
            }
        }
        // A reduction past Int32.max elements (in slices) and a gather of such shares (a derived type per share).
        // (Halved bytes plus the rank cannot wrap: the maximum is byte/2 + size - 1. Memory is freed as it goes:
        // these arrays are 2 GiB each.)
        mark("broadcast and send")
        // An allgatherv past Int32.max elements in all: rank 0's 2^31 + 7 bytes and 3 from every other rank.
        do {
            let mine: [UInt8] = world.rank == 0 ? big : [UInt8](repeating: UInt8(world.rank), count: 3)
            let counts = (0..<world.size).map { $0 == 0 ? count : 3 }
            var all = [UInt8](repeating: 0, count: count + 3 * (world.size - 1))
            try mine.withUnsafeBufferPointer { (send) throws(MPIError) in
                try all.withUnsafeMutableBufferPointer { (receive) throws(MPIError) in
                    try world.allgatherv(send, into: receive, counts: counts)
                }
            }
            try expect(samples.allSatisfy { all[$0] == byte($0) }
                       && (1..<world.size).allSatisfy { r in all[(count + 3 * (r - 1))..<(count + 3 * r)].allSatisfy { $0 == UInt8(r) } },
                       "allgatherv of \(count) + \(3 * (world.size - 1)) bytes")
        }
        mark("allgatherv")
        // A gather of such shares: each travels as one element of a derived type whose extent lines it up.
        let gathered = try world.root(0).gather(big)
        if let gathered {
            try expect(gathered.count == count * world.size
                       && (0..<world.size).allSatisfy { r in samples.allSatisfy { gathered[r * count + $0] == byte($0) } },
                       "gather of \(world.size) × \(count) bytes")
        }
        mark("gather")
        // The convenient v-variants past Int32.max in all: rank 0's part is the big one, every other's 3 bytes.
        do {
            let small = { (r: Int) in [UInt8](repeating: UInt8(r), count: 3) }
            let parts = world.rank == 0 ? try world.root(0).gatherv(big) : try world.root(0).gatherv(small(world.rank))
            if let parts {
                try expect(parts.count == world.size && parts[0].count == count && samples.allSatisfy { parts[0][$0] == byte($0) }
                           && (1..<world.size).allSatisfy { parts[$0] == small($0) }, "gatherv of \(count) + 3 × \(world.size - 1) bytes")
            }
        }
        mark("gatherv")
        do {
            // scatterv: the last rank gets the big part; alltoallv: rank 0 sends it to the last rank.
            let last = world.size - 1
            let mine = world.rank == 0
                ? try world.root(0).scatterv(sending: (0..<world.size).map { $0 == last ? big : [UInt8(7)] })
                : try world.root(0).scatterv(as: UInt8.self)
            try expect(world.rank == last ? mine.count == count && samples.allSatisfy { mine[$0] == byte($0) } : mine == [7],
                       "scatterv with a part of \(count) bytes")
        }
        mark("scatterv")
        do {
            let last = world.size - 1
            let incoming = try world.alltoallv((0..<world.size).map { world.rank == 0 && $0 == last ? big : [UInt8(world.rank)] })
            try expect((0..<world.size).allSatisfy { r in
                r == 0 && world.rank == last ? incoming[r].count == count && samples.allSatisfy { incoming[r][$0] == byte($0) }
                                             : incoming[r] == [UInt8(r)]
            }, "alltoallv with a part of \(count) bytes")
        }
        mark("alltoallv")
        if CommandLine.arguments.contains("--reductions") {
            // Reductions past Int32.max go slice by slice. (About 2 minutes here: Open MPI reduces bytes slowly,
            // so the test suite leaves this out; run `mpi-checks large-counts --reductions` by hand.)
            var mine = big.map { $0 / 2 &+ UInt8(world.rank) }  // cannot wrap: the maximum is byte/2 + size - 1
            big = []
            var maxima = try world.allreduce(mine, .max)
            try expect(maxima.count == count && samples.allSatisfy { maxima[$0] == byte($0) / 2 + UInt8(world.size - 1) },
                       "allreduce of \(count) bytes")
            mark("allreduce")
            // Nonblocking: one request for the whole, through a user-defined operation over the derived type.
            for i in samples { maxima[i] = 0 }
            try mine.withUnsafeBufferPointer { (send) throws(MPIError) in
                try maxima.withUnsafeMutableBufferPointer { (receive) throws(MPIError) in
                    try world.iallreduce(send, into: receive, .max).waitUntilCompleted()
                }
            }
            mine = []
            try expect(samples.allSatisfy { maxima[$0] == byte($0) / 2 + UInt8(world.size - 1) }, "iallreduce of \(count) bytes")
            mark("iallreduce")
        }
        try world.barrier()
        if world.rank == 0 { print("ok large counts: \(count) elements (\(Environment.wallTime() - started) s)") }
    case "failing-call":
        // A negative tag is invalid for MPI_Send: MPI must return an error, which the wrapper throws.
        do {
            try world.send([Int32(1)], to: world.rank, tag: -7)
            throw CheckFailure(description: "MPI_Send with tag -7 did not fail")
        } catch let error as MPIError {
            try expect(error.errorClass == .tag, "error class \(error.errorClass), not MPI_ERR_TAG")
            if world.rank == 0 { print("ok threw MPI_ERR_TAG: \(error)") }
        }
    case "unhandled-error":
        // An error nobody catches must end the whole job through MPI_Abort with the chosen status (4).
        try world.send([Int32(1)], to: world.rank, tag: -7)
    default:
        throw CheckFailure(description: "unknown mode \(mode)")
    }
}
