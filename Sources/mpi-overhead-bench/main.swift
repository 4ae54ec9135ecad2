import CAllocationCounter
import CMPI
import MPI

#if canImport(Glibc)
import Glibc
#endif

/// mpi-overhead-bench: the same operations through the wrapper and through direct C calls, in one binary, so
/// that what separates them is the wrapper alone. Run on exactly 2 ranks (`./run.sh bench` does it):
///
///     mpirun -np 2 --bind-to core .build/release/mpi-overhead-bench [--output FILE]
///
/// For ping-pong (a round trip between ranks 0 and 1: send, then receive the reply) and allreduce (sum of
/// UInt64s), of 8 bytes and of 1 MiB: samples of many iterations, C and wrapper interleaved sample by sample
/// so that drift hits both alike; prints the median time per operation of each and their ratio, and the
/// heap allocations per operation the wrapper adds to C's (counted by replacing malloc for the process).

struct Workload {
    var name: String
    var elements: Int
    var iterations: Int
}

let workloads = [
    Workload(name: "ping-pong 8 B", elements: 1, iterations: 20_000),
    Workload(name: "ping-pong 1 MiB", elements: 131_072, iterations: 300),
    Workload(name: "allreduce 8 B", elements: 1, iterations: 20_000),
    Workload(name: "allreduce 1 MiB", elements: 131_072, iterations: 200),
]
let samples = 31

let status = Environment.run { environment -> Int32 in
    let world = environment.world
    guard world.size == 2 else {
        if world.rank == 0 { writeToStandardError("mpi-overhead-bench: run it on exactly 2 ranks\n") }
        return 64
    }
    let rank = world.rank, peer = 1 - world.rank
    let comm = cmpi_comm_world()
    var table = "| operation | C (µs) | wrapper (µs) | wrapper ÷ C | allocations per call added |\n|---|---|---|---|---|\n"

    for workload in workloads {
        let send = UnsafeMutableBufferPointer<UInt64>.allocate(capacity: workload.elements)
        let receive = UnsafeMutableBufferPointer<UInt64>.allocate(capacity: workload.elements)
        defer { send.deallocate(); receive.deallocate() }
        send.initialize(repeating: UInt64(rank + 1))
        receive.initialize(repeating: 0)
        let count = Int32(workload.elements)
        let isPingPong = workload.name.hasPrefix("ping-pong")

        func cOperation() {
            if isPingPong {
                if rank == 0 {
                    MPI_Send(send.baseAddress, count, cmpi_uint64(), Int32(peer), 1, comm)
                    MPI_Recv(receive.baseAddress, count, cmpi_uint64(), Int32(peer), 1, comm, cmpi_status_ignore())
                } else {
                    MPI_Recv(receive.baseAddress, count, cmpi_uint64(), Int32(peer), 1, comm, cmpi_status_ignore())
                    MPI_Send(send.baseAddress, count, cmpi_uint64(), Int32(peer), 1, comm)
                }
            } else {
                MPI_Allreduce(send.baseAddress, receive.baseAddress, count, cmpi_uint64(), cmpi_op_sum(), comm)
            }
        }
        func wrapperOperation() throws {
            if isPingPong {
                if rank == 0 {
                    try world.send(UnsafeBufferPointer(send), to: peer, tag: 1)
                    try world.receive(into: receive, from: peer, tag: 1)
                } else {
                    try world.receive(into: receive, from: peer, tag: 1)
                    try world.send(UnsafeBufferPointer(send), to: peer, tag: 1)
                }
            } else {
                try world.allreduce(UnsafeBufferPointer(send), into: receive, .sum)
            }
        }

        // Warm up both paths (connections, registration caches), then sample them in turn.
        for _ in 0..<(workload.iterations / 10) { cOperation(); try wrapperOperation() }
        var cTimes: [Double] = [], wrapperTimes: [Double] = []
        var cAllocations = 0, wrapperAllocations = 0
        for _ in 0..<samples {
            try world.barrier()
            var allocations = allocation_count()
            var start = Environment.wallTime()
            for _ in 0..<workload.iterations { cOperation() }
            cTimes.append((Environment.wallTime() - start) / Double(workload.iterations))
            cAllocations += Int(allocation_count() - allocations)

            try world.barrier()
            allocations = allocation_count()
            start = Environment.wallTime()
            for _ in 0..<workload.iterations { try wrapperOperation() }
            wrapperTimes.append((Environment.wallTime() - start) / Double(workload.iterations))
            wrapperAllocations += Int(allocation_count() - allocations)
        }
        // Rank 0's view; its allocations and rank 1's are added up.
        let cMedian = cTimes.sorted()[samples / 2], wrapperMedian = wrapperTimes.sorted()[samples / 2]
        let added = try world.allreduce(Int64(wrapperAllocations - cAllocations), .sum)
        let perCall = Double(added) / Double(samples * workload.iterations)
        table += "| \(workload.name) | \(format(cMedian * 1e6)) | \(format(wrapperMedian * 1e6)) | "
            + "\(format(wrapperMedian / cMedian, digits: 3)) | \(format(perCall, digits: 3)) |\n"
    }

    // The counter must be live for "0 allocations added" to mean anything: this process allocated before.
    table += "\n(allocation counter: \(allocation_count()) allocations counted in this process in all)\n"
    if rank == 0 {
        writeToStandardOutput(table)
        if let index = CommandLine.arguments.firstIndex(of: "--output"), index + 1 < CommandLine.arguments.count {
            let path = CommandLine.arguments[index + 1]
            if let file = fopen(path, "w") {
                fputs(table, file)
                fclose(file)
            }
        }
    }
    return 0
}
exit(status)

func format(_ value: Double, digits: Int = 2) -> String {
    var scaled = value
    for _ in 0..<digits { scaled *= 10 }
    let rounded = Int64(scaled.rounded())
    var text = String(rounded)
    while text.count <= digits { text = "0" + text }
    return digits == 0 ? text : String(text.dropLast(digits)) + "." + String(text.suffix(digits))
}
