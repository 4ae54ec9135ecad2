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
    if world.rank == 0 { print("ok collectives \(name) on \(size) ranks") }
}

let mode = CommandLine.arguments.dropFirst().first ?? "collectives"

Environment.run(threadLevel: .funneled, abortStatus: 4) { environment in
    let world = environment.world
    switch mode {
    case "collectives":
        try expect(environment.providedThreadLevel >= .funneled, "thread level \(environment.providedThreadLevel)")
        try expect(world.size >= 1 && (0..<world.size).contains(world.rank), "rank and size")
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
        let maximum = try world.allreduce(Int64(world.rank), .max)
        try expect(maximum == Int64(world.size - 1), "max")
        try world.barrier()
        if world.rank == 0 { print("ok all checks passed on \(world.size) ranks") }
    case "failing-call":
        // A negative tag is invalid for MPI_Send: MPI must return an error, which the wrapper throws.
        do {
            try world.send([Int32(1)], to: world.rank, tag: -7)
            throw CheckFailure(description: "MPI_Send with tag -7 did not fail")
        } catch let error as MPIError {
            if world.rank == 0 { print("ok threw: \(error) class=\(error.errorClass)") }
        }
    case "unhandled-error":
        // An error nobody catches must end the whole job through MPI_Abort with the chosen status (4).
        try world.send([Int32(1)], to: world.rank, tag: -7)
    default:
        throw CheckFailure(description: "unknown mode \(mode)")
    }
}
