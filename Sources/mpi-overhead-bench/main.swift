import CAllocationCounter
import CMPI
import MPI

#if canImport(Glibc)
import Glibc
#endif

/// mpi-overhead-bench: every family of the wrapper against the same C calls, in one binary, so that what
/// separates them is the wrapper alone. Run on exactly 2 ranks (`./run.sh bench` does it):
///
///     mpirun -np 2 --bind-to core .build/release/mpi-overhead-bench [--output FILE] [--quick]
///
/// Each row is one operation (a round trip between ranks 0 and 1, or a collective) of 8 bytes and of 1 MiB:
/// samples of many iterations, C and wrapper interleaved sample by sample so that drift hits both alike. It
/// prints the median time per operation of each, their ratio, and the heap allocations per operation the
/// wrapper adds to C's (counted by replacing malloc for the process; a request object is one). Rows marked
/// "new array" return one, which C's do not: their allocation is the result the caller asked for; rows marked
/// "new requests" make a request object per operation (the rows "requests reused" make them once).

/// One measured operation: the C calls and the wrapper calls that do the same.
struct Row {
    var name: String
    var bytes: Int
    /// What the wrapper's call makes that C's does not ("array", "requests"), or nil.
    var returnsNew: String?
    var c: () -> Void
    var wrapper: () throws -> Void
}

let quick = CommandLine.arguments.contains("--quick")
let samples = quick ? 7 : 31

let status = Environment.run { environment -> Int32 in
    let world = environment.world
    guard world.size == 2 else {
        if world.rank == 0 { writeToStandardError("mpi-overhead-bench: run it on exactly 2 ranks\n") }
        return 64
    }
    var table = "| operation | size | C (µs) | wrapper (µs) | wrapper ÷ C | allocations per call added |\n|---|---|---|---|---|---|\n"
    for elements in [1, 131_072] {
        let buffers = Buffers(elements: elements, rank: world.rank)
        defer { buffers.deallocate() }
        for row in rows(world: world, buffers: buffers) {
            table += try measure(row, iterations: elements == 1 ? (quick ? 2_000 : 10_000) : (quick ? 30 : 150), world: world)
        }
    }
    // The counter must be live for "0 allocations added" to mean anything: this process allocated before.
    table += "\n(allocation counter: \(allocation_count()) allocations counted in this process in all)\n"
    if world.rank == 0 {
        writeToStandardOutput(table)
        if let index = CommandLine.arguments.firstIndex(of: "--output"), index + 1 < CommandLine.arguments.count,
           let file = fopen(CommandLine.arguments[index + 1], "w") {
            fputs(table, file)
            fclose(file)
        }
    }
    return 0
}
exit(status)

/// The buffers every row works on: this rank's values and room for what comes back.
struct Buffers {
    let send: UnsafeMutableBufferPointer<UInt64>
    let receive: UnsafeMutableBufferPointer<UInt64>
    let gathered: UnsafeMutableBufferPointer<UInt64>
    let array: [UInt64]

    init(elements: Int, rank: Int) {
        send = .allocate(capacity: elements)
        receive = .allocate(capacity: elements)
        gathered = .allocate(capacity: 2 * elements)
        send.initialize(repeating: UInt64(rank + 1))
        receive.initialize(repeating: 0)
        gathered.initialize(repeating: 0)
        array = Array(send)
    }

    var count: Int { send.count }

    func deallocate() {
        send.deallocate()
        receive.deallocate()
        gathered.deallocate()
    }
}

/// Every family, on `buffers`' size.
func rows(world: Communicator, buffers b: Buffers) -> [Row] {
    let rank = world.rank, peer = 1 - world.rank, comm = world.rawHandle
    let n = Int32(b.count), type = cmpi_uint64(), bytes = b.count * 8
    let (s, r) = (b.send.baseAddress, b.receive.baseAddress)
    /// Rank 0 sends then receives, rank 1 the reverse: one round trip.
    func pingPong(_ send: () throws -> Void, _ receive: () throws -> Void) rethrows {
        if rank == 0 { try send(); try receive() } else { try receive(); try send() }
    }
    func cPingPong() {
        pingPong({ MPI_Send(s, n, type, Int32(peer), 1, comm) }, { MPI_Recv(r, n, type, Int32(peer), 1, comm, cmpi_status_ignore()) })
    }
    /// One message each way, as two requests completed together.
    func cExchange(tag: Int32) {
        withRequests(2) { requests in
            MPI_Irecv(r, n, type, Int32(peer), tag, comm, &requests[0])
            MPI_Isend(s, n, type, Int32(peer), tag, comm, &requests[1])
            MPI_Waitall(2, requests.baseAddress, cmpi_statuses_ignore())
        }
    }
    /// Two messages each way, as four requests completed together.
    func cDoubleExchange(tags: (Int32, Int32)) {
        withRequests(4) { requests in
            MPI_Irecv(r, n, type, Int32(peer), tags.0, comm, &requests[0])
            MPI_Irecv(b.gathered.baseAddress, n, type, Int32(peer), tags.1, comm, &requests[1])
            MPI_Isend(s, n, type, Int32(peer), tags.0, comm, &requests[2])
            MPI_Isend(s, n, type, Int32(peer), tags.1, comm, &requests[3])
            MPI_Waitall(4, requests.baseAddress, cmpi_statuses_ignore())
        }
    }
    var counts = [n, n], displacements = [Int32(0), n]
    let group = RequestGroup(capacity: 4)
    // Requests made once, each kept in a constant of its own: read out of an array for each call, a request
    // would be retained and released around it (two atomic operations, some 10 ns).
    let (first, second, third, fourth) = (BufferRequest(), BufferRequest(), BufferRequest(), BufferRequest())
    let pair = [first, second], reused = [first, second, third, fourth]
    var result = [
        Row(name: "send + receive, buffers", bytes: bytes, returnsNew: nil, c: cPingPong) {
            try pingPong({ try world.send(UnsafeBufferPointer(b.send), to: peer, tag: 1) },
                         { try world.receive(into: b.receive, from: peer, tag: 1) })
        },
        Row(name: "send + receive(capacity:), arrays", bytes: bytes, returnsNew: "array", c: cPingPong) {
            try pingPong({ try world.send(b.array, to: peer, tag: 1) },
                         { _ = try world.receive(capacity: b.count, from: peer, tag: 1, as: UInt64.self) })
        },
        Row(name: "sendReceive, buffers", bytes: bytes, returnsNew: nil, c: {
            MPI_Sendrecv(s, n, type, Int32(peer), 2, r, n, type, Int32(peer), 2, comm, cmpi_status_ignore())
        }) {
            try world.sendReceive(UnsafeBufferPointer(b.send), to: peer, sendTag: 2, into: b.receive, from: peer, receiveTag: 2)
        },
        Row(name: "sendReceive, arrays", bytes: bytes, returnsNew: "array", c: {
            MPI_Sendrecv(s, n, type, Int32(peer), 2, r, n, type, Int32(peer), 2, comm, cmpi_status_ignore())
        }) {
            _ = try world.sendReceive(b.array, to: peer, sendTag: 2, capacity: b.count, from: peer, receiveTag: 2)
        },
        Row(name: "isend + ireceive(into:) + waitAll, buffers", bytes: bytes, returnsNew: "requests", c: { cExchange(tag: 3) }) {
            let receive = try world.ireceive(into: b.receive, from: peer, tag: 3)
            let send = try world.isend(UnsafeBufferPointer(b.send), to: peer, tag: 3)
            try Request.waitAll([receive, send])
        },
        Row(name: "isend + ireceive + wait, arrays", bytes: bytes, returnsNew: "array", c: {
            withRequests(2) { requests in
                MPI_Irecv(r, n, type, Int32(peer), 4, comm, &requests[0])
                MPI_Isend(s, n, type, Int32(peer), 4, comm, &requests[1])
                MPI_Wait(&requests[0], cmpi_status_ignore())
                MPI_Wait(&requests[1], cmpi_status_ignore())
            }
        }) {
            let receive = try world.ireceive(capacity: b.count, from: peer, tag: 4, as: UInt64.self)
            let send = try world.isend(b.array, to: peer, tag: 4)
            _ = try receive.wait()
            try send.wait()
        },
        Row(name: "waitAll of 4 mixed requests, buffers", bytes: bytes, returnsNew: "requests", c: { cDoubleExchange(tags: (5, 6)) }) {
            try Request.waitAll([try world.ireceive(into: b.receive, from: peer, tag: 5),
                                 try world.ireceive(into: UnsafeMutableBufferPointer(rebasing: b.gathered[..<b.count]), from: peer, tag: 6),
                                 try world.isend(UnsafeBufferPointer(b.send), to: peer, tag: 5),
                                 try world.isend(UnsafeBufferPointer(b.send), to: peer, tag: 6)])
        },
        Row(name: "isend + ireceive(into:) + waitAll, requests reused", bytes: bytes, returnsNew: nil, c: { cExchange(tag: 10) }) {
            try world.ireceive(into: b.receive, from: peer, tag: 10, reusing: first)
            try world.isend(UnsafeBufferPointer(b.send), to: peer, tag: 10, reusing: second)
            try Request.waitAll(pair)
        },
        Row(name: "waitAll of 4, requests reused", bytes: bytes, returnsNew: nil, c: { cDoubleExchange(tags: (11, 12)) }) {
            try world.ireceive(into: b.receive, from: peer, tag: 11, reusing: first)
            try world.ireceive(into: UnsafeMutableBufferPointer(rebasing: b.gathered[..<b.count]), from: peer, tag: 12, reusing: second)
            try world.isend(UnsafeBufferPointer(b.send), to: peer, tag: 11, reusing: third)
            try world.isend(UnsafeBufferPointer(b.send), to: peer, tag: 12, reusing: fourth)
            try Request.waitAll(reused)
        },
        Row(name: "RequestGroup: isend + ireceive + waitAll, buffers", bytes: bytes, returnsNew: nil, c: { cExchange(tag: 7) }) {
            try group.ireceive(into: b.receive, from: peer, tag: 7, on: world)
            try group.isend(UnsafeBufferPointer(b.send), to: peer, tag: 7, on: world)
            try group.waitAll()
        },
        Row(name: "RequestGroup: waitAll of 4, buffers", bytes: bytes, returnsNew: nil, c: { cDoubleExchange(tags: (8, 9)) }) {
            try group.ireceive(into: b.receive, from: peer, tag: 8, on: world)
            try group.ireceive(into: UnsafeMutableBufferPointer(rebasing: b.gathered[..<b.count]), from: peer, tag: 9, on: world)
            try group.isend(UnsafeBufferPointer(b.send), to: peer, tag: 8, on: world)
            try group.isend(UnsafeBufferPointer(b.send), to: peer, tag: 9, on: world)
            try group.waitAll()
        },
        Row(name: "allreduce, buffers", bytes: bytes, returnsNew: nil, c: {
            MPI_Allreduce(s, r, n, type, cmpi_op_sum(), comm)
        }) {
            try world.allreduce(UnsafeBufferPointer(b.send), into: b.receive, .sum)
        },
        Row(name: "allreduce, arrays", bytes: bytes, returnsNew: "array", c: {
            MPI_Allreduce(s, r, n, type, cmpi_op_sum(), comm)
        }) {
            _ = try world.allreduce(b.array, .sum)
        },
        Row(name: "broadcast, buffers", bytes: bytes, returnsNew: nil, c: {
            MPI_Bcast(r, n, type, 0, comm)
        }) {
            try world.root(0).broadcast(b.receive)
        },
        Row(name: "gatherv, known counts, buffers", bytes: bytes, returnsNew: nil, c: {
            MPI_Gatherv(s, n, type, b.gathered.baseAddress, &counts, &displacements, type, 0, comm)
        }) {
            try counts.withUnsafeBufferPointer { known in
                try world.root(0).gatherv(UnsafeBufferPointer(b.send), into: rank == 0 ? b.gathered : nil, counts: rank == 0 ? known : nil)
            }
        },
        Row(name: "gatherv, known counts", bytes: bytes, returnsNew: "array", c: {
            MPI_Gatherv(s, n, type, b.gathered.baseAddress, &counts, &displacements, type, 0, comm)
        }) {
            _ = try world.root(0).gatherv(b.array, counts: rank == 0 ? [b.count, b.count] : nil)
        },
    ]
    if b.count == 1 {
        var value: UInt64 = 0
        result.insert(Row(name: "allreduce, one value", bytes: 8, returnsNew: nil, c: {
            MPI_Allreduce(s, r, 1, type, cmpi_op_sum(), comm)
        }) {
            value = try world.allreduce(UInt64(rank), .sum)
        }, at: 0)
        result.insert(Row(name: "send + receive, one value", bytes: 8, returnsNew: nil, c: cPingPong) {
            try pingPong({ try world.send(UInt64(rank), to: peer, tag: 1) },
                         { try world.receive(into: b.receive, from: peer, tag: 1) })
        }, at: 0)
        _ = value
    }
    return result
}

/// Calls `body` with room for `count` C request handles on the stack: C's side allocates nothing either.
func withRequests(_ count: Int, _ body: (UnsafeMutableBufferPointer<RequestHandle>) -> Void) {
    withUnsafeTemporaryAllocation(of: RequestHandle.self, capacity: count) { requests in
        requests.initialize(repeating: cmpi_request_null())
        body(requests)
    }
}

/// Times `row` (median per operation over the samples, C and wrapper interleaved) and counts the
/// allocations the wrapper adds; one table line.
func measure(_ row: Row, iterations: Int, world: Communicator) throws -> String {
    for _ in 0..<(iterations / 10) { row.c(); try row.wrapper() }
    var cTimes: [Double] = [], wrapperTimes: [Double] = []
    var added = 0
    for _ in 0..<samples {
        try world.barrier()
        var allocations = allocation_count()
        var start = Environment.wallTime()
        for _ in 0..<iterations { row.c() }
        cTimes.append((Environment.wallTime() - start) / Double(iterations))
        added -= Int(allocation_count() - allocations)

        try world.barrier()
        allocations = allocation_count()
        start = Environment.wallTime()
        for _ in 0..<iterations { try row.wrapper() }
        wrapperTimes.append((Environment.wallTime() - start) / Double(iterations))
        added += Int(allocation_count() - allocations)
    }
    // Rank 0's times; both ranks' allocations, per operation.
    let cMedian = cTimes.sorted()[samples / 2], wrapperMedian = wrapperTimes.sorted()[samples / 2]
    let perCall = Double(try world.allreduce(Int64(added), .sum)) / Double(samples * iterations)
    let size = row.bytes >= 1 << 20 ? "\(row.bytes >> 20) MiB" : "\(row.bytes) B"
    return "| \(row.name)\(row.returnsNew.map { " (new \($0))" } ?? "") | \(size) | \(format(cMedian * 1e6)) | "
        + "\(format(wrapperMedian * 1e6)) | \(format(wrapperMedian / cMedian, digits: 3)) | \(format(perCall, digits: 2)) |\n"
}

func format(_ value: Double, digits: Int = 2) -> String {
    var scaled = value
    for _ in 0..<digits { scaled *= 10 }
    let rounded = Int64(scaled.rounded())
    var text = String(rounded.magnitude)
    while text.count <= digits { text = "0" + text }
    let sign = rounded < 0 ? "-" : ""
    return sign + (digits == 0 ? text : String(text.dropLast(digits)) + "." + String(text.suffix(digits)))
}
