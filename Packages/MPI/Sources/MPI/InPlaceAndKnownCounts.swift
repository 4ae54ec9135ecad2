import CMPI

/// In-place collectives (`MPI_IN_PLACE`: the result overwrites the input, no second buffer) and the
/// v-variants for callers that already know every count (no hidden count exchange), on caller buffers.
extension Communicator {
    // MARK: In place

    /// Combines `buffer` element-wise across all processes and leaves the result in it on every process
    /// (`MPI_Allreduce` with `MPI_IN_PLACE`): no second buffer, no allocation.
    @inlinable
    public func allreduce<T: MPIElement>(inPlace buffer: UnsafeMutableBufferPointer<T>,
                                         _ operation: ReductionOperation<T>) throws(MPIError) {
        for start in stride(from: 0, to: Swift.max(buffer.count, 1), by: LargeCount.sliceElements) {
            let count = Swift.min(LargeCount.sliceElements, buffer.count - start)
            try check(MPI_Allreduce(cmpi_in_place(), buffer.baseAddress.map { $0 + start }, Int32(count),
                                    T.mpiDatatype.handle, operation.handle, handle), "MPI_Allreduce")
        }
    }

    /// Replaces `values` on every process with their element-wise combination across all processes
    /// (`MPI_Allreduce` with `MPI_IN_PLACE`).
    @inlinable
    public func allreduce<T: MPIElement>(inPlace values: inout [T], _ operation: ReductionOperation<T>) throws(MPIError) {
        try values.withUnsafeMutableBufferPointer { (buffer) throws(MPIError) in try allreduce(inPlace: buffer, operation) }
    }

    /// Fills `buffer` (`size` equal shares, this process's share already at its own place) with every
    /// process's share (`MPI_Allgather` with `MPI_IN_PLACE`).
    public func allgather<T: MPIElement>(inPlace buffer: UnsafeMutableBufferPointer<T>) throws(MPIError) {
        guard buffer.count % size == 0 else {
            throw MPIError(.count, function: "MPI_Allgather", reason: "\(buffer.count) values do not split evenly among \(size) ranks")
        }
        try LargeCount.with(buffer.count / size, of: T.self) { (share, datatype) throws(MPIError) in
            try check(MPI_Allgather(cmpi_in_place(), 0, datatype, buffer.baseAddress, share, datatype, handle), "MPI_Allgather")
        }
    }

    // MARK: Known counts

    /// Gathers `values` from every process into `result` on every process, rank after rank, when every
    /// process knows every count (`MPI_Allgatherv` alone): `counts[r]` is rank `r`'s, this one's included,
    /// and `result` holds their sum. No allocation but the displacements. Past `Int32.max` elements in all
    /// (which MPI 3.1's counts and displacements cannot say), every part travels point to point, as one
    /// element of a derived type, on a duplicate of the communicator: every process decides alike, from the
    /// same counts.
    public func allgatherv<T: MPIElement>(_ values: UnsafeBufferPointer<T>, into result: UnsafeMutableBufferPointer<T>,
                                          counts: [Int]) throws(MPIError) {
        guard counts.count == size, counts[rank] == values.count, counts.allSatisfy({ $0 >= 0 }) else {
            throw MPIError(.count, function: "MPI_Allgatherv", reason: "counts must list each of the \(size) ranks' counts, \(values.count) here")
        }
        let total = counts.reduce(0, +)
        guard total <= result.count else {
            throw MPIError(.count, function: "MPI_Allgatherv", reason: "\(total) values into a buffer of \(result.count)")
        }
        guard total <= Int(Int32.max) else {
            return try allgathervPointToPoint(values, into: result, counts: counts)
        }
        let (counts32, displacements, _) = try Self.layout(counts, "MPI_Allgatherv")
        try check(MPI_Allgatherv(values.baseAddress, counts32[rank], T.mpiDatatype.handle, result.baseAddress,
                                 counts32, displacements, T.mpiDatatype.handle, handle), "MPI_Allgatherv")
    }

    /// The large-count allgatherv: this part sent to every other process and theirs received in place.
    private func allgathervPointToPoint<T: MPIElement>(_ values: UnsafeBufferPointer<T>, into result: UnsafeMutableBufferPointer<T>,
                                                       counts: [Int]) throws(MPIError) {
        let parts = Self.partition(result, counts: counts)
        try exchangeParts(sending: (0..<size).map { ($0, values) }, receiving: Array(zip(0..<size, parts)))
    }

    /// Sends `sendCounts[r]` consecutive values of `values` to rank `r` and receives `receiveCounts[r]` from
    /// rank `r` into consecutive places of `result` (`MPI_Alltoallv` alone: each process knows what it
    /// sends and receives, no count exchange). Counts and totals past `Int32.max` throw `.count`: no process
    /// knows every count to decide for all, so such exchanges go through ``alltoallv(_:)``.
    public func alltoallv<T: MPIElement>(_ values: UnsafeBufferPointer<T>, sendCounts: [Int],
                                         into result: UnsafeMutableBufferPointer<T>, receiveCounts: [Int]) throws(MPIError) {
        guard sendCounts.count == size && receiveCounts.count == size else {
            throw MPIError(.count, function: "MPI_Alltoallv", reason: "send and receive counts need one entry per rank (\(size))")
        }
        let (sends, sendDisplacements, sendTotal) = try Self.layout(sendCounts, "MPI_Alltoallv")
        let (receives, receiveDisplacements, receiveTotal) = try Self.layout(receiveCounts, "MPI_Alltoallv")
        guard sendTotal <= values.count && receiveTotal <= result.count else {
            throw MPIError(.count, function: "MPI_Alltoallv",
                           reason: "counts need \(sendTotal) values to send and room for \(receiveTotal); the buffers hold \(values.count) and \(result.count)")
        }
        try check(MPI_Alltoallv(values.baseAddress, sends, sendDisplacements, T.mpiDatatype.handle,
                                result.baseAddress, receives, receiveDisplacements, T.mpiDatatype.handle, handle),
                  "MPI_Alltoallv")
    }

    /// Counts as MPI takes them, the displacements of consecutive parts, and the total.
    static func layout(_ counts: [Int], _ function: String) throws(MPIError) -> ([Int32], [Int32], Int) {
        var counts32: [Int32] = []
        counts32.reserveCapacity(counts.count)
        for count in counts {
            guard count >= 0, let count32 = Int32(exactly: count) else {
                throw MPIError(.count, function: function, reason: "a count of \(count) (MPI 3.1's v-variants take 0...Int32.max)")
            }
            counts32.append(count32)
        }
        let (displacements, total) = try displacements(of: counts32)
        return (counts32, displacements, total)
    }

    // MARK: Names

    /// The communicator's name (`MPI_Comm_get_name` / `MPI_Comm_set_name`), which MPI's error messages
    /// and tools (debuggers, profilers) show. Set it on every process that should show it.
    public var name: String {
        get {
            var buffer = [CChar](repeating: 0, count: 512)
            var length: Int32 = 0
            guard MPI_Comm_get_name(handle, &buffer, &length) == MPI_SUCCESS else { return "" }
            return String(decoding: buffer.prefix(Int(length)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
    }

    /// Names the communicator (`MPI_Comm_set_name`); see ``name``. MPI keeps the first
    /// `MPI_MAX_OBJECT_NAME - 1` bytes.
    public func setName(_ name: String) throws(MPIError) {
        try check(MPI_Comm_set_name(handle, name), "MPI_Comm_set_name")
    }
}

extension Root {
    /// Combines `buffer` element-wise across all processes; at the root the result replaces the root's
    /// values (`MPI_Reduce` with `MPI_IN_PLACE`), elsewhere `buffer` is only read.
    @inlinable
    public func reduce<T: MPIElement>(inPlace buffer: UnsafeMutableBufferPointer<T>,
                                      _ operation: ReductionOperation<T>) throws(MPIError) {
        let root = try checkedRoot("MPI_Reduce")
        for start in stride(from: 0, to: Swift.max(buffer.count, 1), by: LargeCount.sliceElements) {
            let count = Swift.min(LargeCount.sliceElements, buffer.count - start)
            let slice = buffer.baseAddress.map { $0 + start }
            try check(MPI_Reduce(isCallerRoot ? UnsafeRawPointer(cmpi_in_place()) : UnsafeRawPointer(slice), isCallerRoot ? UnsafeMutableRawPointer(slice) : nil,
                                 Int32(count), T.mpiDatatype.handle, operation.handle, root, comm), "MPI_Reduce")
        }
    }

    /// Hands `counts[r]` consecutive values of the root's `values` to rank `r` when every process knows its
    /// own count (`MPI_Scatterv` alone): at the root, `values` and `counts` (one per rank); elsewhere pass nil
    /// for both. Every process receives into `result`, which holds exactly its count. Counts and totals past
    /// `Int32.max` throw `.count` (only the root knows them all); ``scatterv(sending:)`` handles them.
    public func scatterv<T: MPIElement>(_ values: UnsafeBufferPointer<T>?, counts: [Int]?,
                                        into result: UnsafeMutableBufferPointer<T>) throws(MPIError) {
        let root = try checkedRoot("MPI_Scatterv")
        let receiveCount = try mpiCount(result.count)
        guard isCallerRoot else {
            try check(MPI_Scatterv(nil, nil, nil, T.mpiDatatype.handle, result.baseAddress, receiveCount, T.mpiDatatype.handle,
                                   root, comm), "MPI_Scatterv")
            return
        }
        guard let counts, counts.count == communicator.size, let values else {
            throw MPIError(.count, function: "MPI_Scatterv", reason: "the root needs its values and one count per rank")
        }
        let (counts32, displacements, total) = try Communicator.layout(counts, "MPI_Scatterv")
        guard total <= values.count, counts[rank] == result.count else {
            throw MPIError(.count, function: "MPI_Scatterv",
                           reason: "counts need \(total) values (\(values.count) given) and \(counts[rank]) here (room for \(result.count))")
        }
        try check(MPI_Scatterv(values.baseAddress, counts32, displacements, T.mpiDatatype.handle,
                               result.baseAddress, receiveCount, T.mpiDatatype.handle, root, comm), "MPI_Scatterv")
    }
}
