import CMPI

/// The collectives in which every process both gives and receives: allgather(v), alltoall(v), scan, and
/// an allreduce into a caller's buffer.
extension Communicator {
    // MARK: Allgather

    /// Every process gets every process's `values` (the same count on each), in rank order (`MPI_Allgather`).
    public func allgather<T: MPIElement>(_ values: [T]) throws(MPIError) -> [T] {
        let total = values.count * size
        return try values.withUnsafeBufferPointer { (send) throws(MPIError) in
            try [T](unsafeUninitializedCapacity: total) { (receive, initialized) throws(MPIError) in
                try LargeCount.with(values.count, of: T.self) { (count, datatype) throws(MPIError) in
                    try check(MPI_Allgather(send.baseAddress, count, datatype, receive.baseAddress, count, datatype,
                                            handle), "MPI_Allgather")
                }
                initialized = total
            }
        }
    }

    /// Every process gets one value from each process, in rank order (`MPI_Allgather`).
    public func allgather<T: MPIElement>(_ value: T) throws(MPIError) -> [T] { try allgather([value]) }

    /// Every process gets every process's `values`, of any length, one array per rank (`MPI_Allgather` of the
    /// lengths, then `MPI_Allgatherv`). Past `Int32.max` elements in all, which MPI 3.1's counts and
    /// displacements cannot say, the parts travel point to point instead (see ``allgatherv(_:into:counts:)``).
    public func allgatherv<T: MPIElement>(_ values: [T]) throws(MPIError) -> [[T]] {
        let counts = try allgather(Int64(values.count)).map { Int($0) }
        let total = counts.reduce(0, +)
        let flat = try values.withUnsafeBufferPointer { (send) throws(MPIError) in
            try [T](unsafeUninitializedCapacity: total) { (receive, initialized) throws(MPIError) in
                try allgatherv(send, into: receive, counts: counts)
                initialized = total
            }
        }
        return Self.split(flat, counts: counts)
    }

    // MARK: Alltoall

    /// Sends the `r`-th of `size` equal parts of `values` to rank `r` and returns the parts received, in
    /// rank order (`MPI_Alltoall`).
    /// - Precondition: `values.count` is a multiple of the communicator's size.
    public func alltoall<T: MPIElement>(_ values: [T]) throws(MPIError) -> [T] {
        guard values.count % size == 0 else {
            throw MPIError(.count, function: "MPI_Alltoall", reason: "\(values.count) values do not split evenly among \(size) ranks")
        }
        return try values.withUnsafeBufferPointer { (send) throws(MPIError) in
            try [T](unsafeUninitializedCapacity: values.count) { (receive, initialized) throws(MPIError) in
                try LargeCount.with(values.count / size, of: T.self) { (share, datatype) throws(MPIError) in
                    try check(MPI_Alltoall(send.baseAddress, share, datatype, receive.baseAddress, share, datatype,
                                           handle), "MPI_Alltoall")
                }
                initialized = values.count
            }
        }
    }

    /// Sends `parts[r]` (any length) to rank `r` and returns the part each rank sent here, in rank order
    /// (`MPI_Alltoall` of the lengths, then `MPI_Alltoallv`). Past `Int32.max` elements sent or received by
    /// any process (which one `MPI_Allreduce` of a flag tells every process), the parts travel point to point.
    /// - Precondition: `parts.count` equals the communicator's size.
    public func alltoallv<T: MPIElement>(_ parts: [[T]]) throws(MPIError) -> [[T]] {
        guard parts.count == size else {
            throw MPIError(.count, function: "MPI_Alltoallv", reason: "\(parts.count) parts for \(size) ranks")
        }
        let sendCounts = parts.map { $0.count }
        let receiveCounts = try alltoall(sendCounts.map { Int64($0) }).map { Int($0) }
        let exceeds = Self.exceedsMPICounts(sendCounts) || Self.exceedsMPICounts(receiveCounts)
        let anywhere = try allreduce(Int32(exceeds ? 1 : 0), .max) != 0
        let total = receiveCounts.reduce(0, +)
        var flat = parts.flatMap { $0 }
        let received = try flat.withUnsafeMutableBufferPointer { (send) throws(MPIError) in
            try [T](unsafeUninitializedCapacity: total) { (receive, initialized) throws(MPIError) in
                if anywhere {
                    let outgoing = Self.partition(send, counts: sendCounts).map { UnsafeBufferPointer($0) }
                    try exchangeParts(sending: Array(zip(0..<size, outgoing)),
                                      receiving: Array(zip(0..<size, Self.partition(receive, counts: receiveCounts))))
                } else {
                    try alltoallv(UnsafeBufferPointer(send), sendCounts: sendCounts, into: receive, receiveCounts: receiveCounts)
                }
                initialized = total
            }
        }
        return Self.split(received, counts: receiveCounts)
    }

    // MARK: Scan and reduce into a buffer

    /// The element-wise combination of the values of this process and every process ranked below it
    /// (`MPI_Scan`, an inclusive prefix reduction).
    public func scan<T: MPIElement>(_ values: [T], _ operation: ReductionOperation<T>) throws(MPIError) -> [T] {
        try elementwise(values, operation, "MPI_Scan") { MPI_Scan($0, $1, $2, $3, $4, $5) }
    }

    /// The combination of one value with those of the processes ranked below (`MPI_Scan`).
    public func scan<T: MPIElement>(_ value: T, _ operation: ReductionOperation<T>) throws(MPIError) -> T {
        try scan([value], operation)[0]
    }

    /// Combines `values` element-wise across all processes into `result` on every process (`MPI_Allreduce`),
    /// with no copy and no allocation: the typed-buffer form for hot loops.
    /// - Precondition: both buffers have the same count.
    @inlinable
    public func allreduce<T: MPIElement>(_ values: UnsafeBufferPointer<T>, into result: UnsafeMutableBufferPointer<T>,
                                         _ operation: ReductionOperation<T>) throws(MPIError) {
        guard values.count == result.count else {
            throw MPIError(.count, function: "MPI_Allreduce", reason: "\(values.count) values into a buffer of \(result.count)")
        }
        try check(MPI_Allreduce(values.baseAddress, result.baseAddress, try mpiCount(values.count),
                                T.mpiDatatype.handle, operation.handle, handle), "MPI_Allreduce")
    }

    // MARK: Helpers

    /// The offsets of consecutive parts of `counts` elements, and their total.
    static func displacements(of counts: [Int32]) throws(MPIError) -> ([Int32], Int) {
        var displacements: [Int32] = []
        var total = 0
        for count in counts {
            displacements.append(try mpiCount(total))
            total += Int(count)
        }
        return (displacements, total)
    }

    /// `flat` cut into consecutive parts of `counts` elements.
    static func split<T, Count: BinaryInteger>(_ flat: [T], counts: [Count]) -> [[T]] {
        var parts: [[T]] = []
        var offset = 0
        for count in counts {
            parts.append(Array(flat[offset..<offset + Int(count)]))
            offset += Int(count)
        }
        return parts
    }
}
