import CMPI

/// The collectives of a communicator that are rooted at one process: broadcast, scatter, gather, reduce.
///
/// Obtained with ``Communicator/root(_:)``. Arguments that only the root supplies (the values to scatter)
/// belong to methods only the root calls; results that only the root receives are optional, nil elsewhere.
public struct Root: Sendable {
    /// The communicator the collectives run on.
    public let communicator: Communicator
    /// The rank of the root.
    public let rank: Int

    /// Whether the calling process is the root.
    public var isCallerRoot: Bool { communicator.rank == rank }

    private var comm: MPI_Comm { communicator.handle }

    // MARK: Broadcast

    /// Overwrites `value` on every process with the root's (`MPI_Bcast`).
    public func broadcast<T: MPIElement>(_ value: inout T) throws(MPIError) {
        try check(MPI_Bcast(&value, 1, T.mpiDatatype.handle, Int32(rank), comm), "MPI_Bcast")
    }

    /// Overwrites `values` on every process with the root's array, whatever its length elsewhere: the length
    /// goes first, then the elements (two `MPI_Bcast`). Arrays longer than `Int32.max` elements travel as one
    /// element of a derived datatype.
    public func broadcast<T: MPIElement>(_ values: inout [T]) throws(MPIError) {
        var count = Int64(values.count)
        try broadcast(&count)
        if !isCallerRoot {
            values = [T](unsafeUninitializedCapacity: Int(count)) { _, initialized in initialized = Int(count) }
        }
        try values.withUnsafeMutableBufferPointer { (buffer) throws(MPIError) in
            try LargeCount.with(buffer.count, of: T.self) { (count, datatype) throws(MPIError) in
                try check(MPI_Bcast(buffer.baseAddress, count, datatype, Int32(rank), comm), "MPI_Bcast")
            }
        }
    }

    // MARK: Scatter

    /// At the root: hands `values.count / size` consecutive values to each process in rank order, keeping
    /// its own share (`MPI_Scatter`). Every other process calls ``scatter(countPerProcess:)``.
    /// - Precondition: `values.count` is a multiple of the communicator's size.
    public func scatter<T: MPIElement>(sending values: [T]) throws(MPIError) -> [T] {
        precondition(isCallerRoot, "scatter(sending:) is for the root; other ranks call scatter(countPerProcess:)")
        let size = communicator.size
        precondition(values.count % size == 0, "\(values.count) values do not split evenly among \(size) ranks")
        let share = values.count / size
        var countPerProcess = Int64(share)
        try broadcast(&countPerProcess)
        return try scatterCore(values, share: share)
    }

    /// Away from the root: receives this process's share of the root's values (`MPI_Scatter`).
    public func scatter<T: MPIElement>(countPerProcess: Int? = nil, as type: T.Type = T.self) throws(MPIError) -> [T] {
        precondition(!isCallerRoot, "the root calls scatter(sending:)")
        var share = Int64(countPerProcess ?? 0)
        try broadcast(&share)
        return try scatterCore([], share: Int(share))
    }

    private func scatterCore<T: MPIElement>(_ values: [T], share: Int) throws(MPIError) -> [T] {
        try values.withUnsafeBufferPointer { (send) throws(MPIError) in
            try [T](unsafeUninitializedCapacity: share) { (receive, initialized) throws(MPIError) in
                try LargeCount.with(share, of: T.self) { (count, datatype) throws(MPIError) in
                    try check(MPI_Scatter(send.baseAddress, count, datatype, receive.baseAddress, count, datatype,
                                          Int32(rank), comm), "MPI_Scatter")
                }
                initialized = share
            }
        }
    }

    /// At the root: hands `parts[r]` to the process of rank `r`, parts of any lengths, keeping its own
    /// (`MPI_Scatter` of the lengths, then `MPI_Scatterv`). Every other process calls ``scatterv(as:)``.
    /// - Precondition: `parts.count` equals the communicator's size.
    public func scatterv<T: MPIElement>(sending parts: [[T]]) throws(MPIError) -> [T] {
        precondition(isCallerRoot, "scatterv(sending:) is for the root; other ranks call scatterv()")
        precondition(parts.count == communicator.size, "\(parts.count) parts for \(communicator.size) ranks")
        var counts: [Int32] = []
        var displacements: [Int32] = []
        var offset = 0
        for part in parts {
            counts.append(try mpiCount(part.count))
            displacements.append(try mpiCount(offset))
            offset += part.count
        }
        let flat = parts.flatMap { $0 }
        let mine = try scatter(sending: counts)[0]
        return try scattervCore(flat, counts: counts, displacements: displacements, receiving: Int(mine))
    }

    /// Away from the root: receives this process's part of the root's values (`MPI_Scatterv`).
    public func scatterv<T: MPIElement>(as type: T.Type = T.self) throws(MPIError) -> [T] {
        precondition(!isCallerRoot, "the root calls scatterv(sending:)")
        let mine: [Int32] = try scatter()
        return try scattervCore([T](), counts: [], displacements: [], receiving: Int(mine[0]))
    }

    private func scattervCore<T: MPIElement>(
        _ flat: [T], counts: [Int32], displacements: [Int32], receiving: Int
    ) throws(MPIError) -> [T] {
        let receiveCount = try mpiCount(receiving)
        return try flat.withUnsafeBufferPointer { (send) throws(MPIError) in
            try [T](unsafeUninitializedCapacity: receiving) { (receive, initialized) throws(MPIError) in
                try check(MPI_Scatterv(send.baseAddress, counts, displacements, T.mpiDatatype.handle,
                                       receive.baseAddress, receiveCount, T.mpiDatatype.handle, Int32(rank), comm),
                          "MPI_Scatterv")
                initialized = receiving
            }
        }
    }

    // MARK: Gather

    /// Collects `values` (the same count on every process) at the root, in rank order (`MPI_Gather`).
    /// Returns all of them at the root, nil elsewhere.
    public func gather<T: MPIElement>(_ values: [T]) throws(MPIError) -> [T]? {
        let total = isCallerRoot ? values.count * communicator.size : 0
        let gathered = try values.withUnsafeBufferPointer { (send) throws(MPIError) in
            try [T](unsafeUninitializedCapacity: total) { (receive, initialized) throws(MPIError) in
                try LargeCount.with(values.count, of: T.self) { (count, datatype) throws(MPIError) in
                    try check(MPI_Gather(send.baseAddress, count, datatype, receive.baseAddress, count, datatype,
                                         Int32(rank), comm), "MPI_Gather")
                }
                initialized = total
            }
        }
        return isCallerRoot ? gathered : nil
    }

    /// Collects one value per process at the root, in rank order (`MPI_Gather`); nil away from the root.
    public func gather<T: MPIElement>(_ value: T) throws(MPIError) -> [T]? {
        try gather([value])
    }

    /// Collects `values` of any length per process at the root (`MPI_Gather` of the lengths, then
    /// `MPI_Gatherv`). Returns one array per rank at the root, nil elsewhere.
    public func gatherv<T: MPIElement>(_ values: [T]) throws(MPIError) -> [[T]]? {
        let count = try mpiCount(values.count)
        let counts = try gather(count)
        let (displacements, total) = try Communicator.displacements(of: counts ?? [])
        let flat = try values.withUnsafeBufferPointer { (send) throws(MPIError) in
            try [T](unsafeUninitializedCapacity: total) { (receive, initialized) throws(MPIError) in
                try check(MPI_Gatherv(send.baseAddress, count, T.mpiDatatype.handle,
                                      receive.baseAddress, counts, displacements, T.mpiDatatype.handle,
                                      Int32(rank), comm), "MPI_Gatherv")
                initialized = total
            }
        }
        return counts.map { Communicator.split(flat, counts: $0) }
    }

    // MARK: Reduce

    /// Combines `values` element-wise across all processes with `operation`, result at the root
    /// (`MPI_Reduce`). Returns the result at the root, nil elsewhere.
    public func reduce<T: MPIElement>(_ values: [T], _ operation: ReductionOperation<T>) throws(MPIError) -> [T]? {
        let resultCount = isCallerRoot ? values.count : 0
        let result = try values.withUnsafeBufferPointer { (send) throws(MPIError) in
            try [T](unsafeUninitializedCapacity: resultCount) { (receive, initialized) throws(MPIError) in
                // Past Int32.max elements, slice by slice (see ``Communicator/allreduce(_:_:)``).
                for start in stride(from: 0, to: Swift.max(values.count, 1), by: LargeCount.sliceElements) {
                    let count = Swift.min(LargeCount.sliceElements, values.count - start)
                    try check(MPI_Reduce(send.baseAddress.map { $0 + start }, receive.baseAddress.map { $0 + start },
                                         Int32(count), T.mpiDatatype.handle, operation.handle, Int32(rank), comm),
                              "MPI_Reduce")
                }
                initialized = resultCount
            }
        }
        return isCallerRoot ? result : nil
    }

    /// Combines one value across all processes, result at the root (`MPI_Reduce`); nil elsewhere.
    public func reduce<T: MPIElement>(_ value: T, _ operation: ReductionOperation<T>) throws(MPIError) -> T? {
        try reduce([value], operation)?[0]
    }
}
