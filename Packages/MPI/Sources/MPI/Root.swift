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

    @usableFromInline
    init(communicator: Communicator, rank: Int) {
        self.communicator = communicator
        self.rank = rank
    }

    /// Whether the calling process is the root.
    public var isCallerRoot: Bool { communicator.rank == rank }

    @usableFromInline var comm: MPI_Comm { communicator.handle }

    /// The root as MPI takes it, or ``MPIError/Class/root`` when it is not a rank of the communicator.
    @inlinable
    func checkedRoot(_ function: @autoclosure () -> String) throws(MPIError) -> Int32 {
        guard rank >= 0 && rank < communicator.size else {
            throw MPIError(.root, function: function(), reason: "root \(rank) is not a rank of a communicator of size \(communicator.size)")
        }
        return Int32(rank)
    }

    /// Throws ``MPIError/Class/argument`` when a root-only call is made away from the root, or the reverse.
    func requireCaller(isRoot: Bool, _ function: String, _ reason: String) throws(MPIError) {
        if isCallerRoot != isRoot { throw MPIError(.argument, function: function, reason: reason) }
    }

    // MARK: Broadcast

    /// Overwrites `value` on every process with the root's (`MPI_Bcast`).
    @inlinable
    public func broadcast<T: MPIElement>(_ value: inout T) throws(MPIError) {
        try check(MPI_Bcast(&value, 1, T.mpiDatatype.handle, try checkedRoot("MPI_Bcast"), comm), "MPI_Bcast")
    }

    /// Overwrites the values of `buffer` on every process with the root's (`MPI_Bcast`): the same count on
    /// every process, no allocation.
    @inlinable
    public func broadcast<T: MPIElement>(_ buffer: UnsafeMutableBufferPointer<T>) throws(MPIError) {
        let root = try checkedRoot("MPI_Bcast")
        try LargeCount.with(buffer.count, of: T.self) { (count, datatype) throws(MPIError) in
            try check(MPI_Bcast(buffer.baseAddress, count, datatype, root, comm), "MPI_Bcast")
        }
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
        try values.withUnsafeMutableBufferPointer { (buffer) throws(MPIError) in try broadcast(buffer) }
    }

    // MARK: Scatter

    /// At the root: hands `values.count / size` consecutive values to each process in rank order, keeping
    /// its own share (`MPI_Scatter`). Every other process calls ``scatter(countPerProcess:as:)``. With
    /// `countKnownEverywhere`, the other processes pass the count themselves and it is not broadcast first.
    public func scatter<T: MPIElement>(sending values: [T], countKnownEverywhere: Bool = false) throws(MPIError) -> [T] {
        try requireCaller(isRoot: true, "MPI_Scatter", "scatter(sending:) is for the root; other ranks call scatter(countPerProcess:)")
        let size = communicator.size
        guard values.count % size == 0 else {
            throw MPIError(.count, function: "MPI_Scatter", reason: "\(values.count) values do not split evenly among \(size) ranks")
        }
        let share = values.count / size
        if !countKnownEverywhere {
            var countPerProcess = Int64(share)
            try broadcast(&countPerProcess)
        }
        return try scatterCore(values, share: share)
    }

    /// Away from the root: receives this process's share of the root's values (`MPI_Scatter`). With nil,
    /// the root broadcasts the count first; with a count, the root must pass `countKnownEverywhere: true`.
    public func scatter<T: MPIElement>(countPerProcess: Int? = nil, as type: T.Type = T.self) throws(MPIError) -> [T] {
        try requireCaller(isRoot: false, "MPI_Scatter", "the root calls scatter(sending:)")
        var share = Int64(countPerProcess ?? 0)
        if countPerProcess == nil { try broadcast(&share) }
        return try scatterCore([], share: Int(share))
    }

    private func scatterCore<T: MPIElement>(_ values: [T], share: Int) throws(MPIError) -> [T] {
        try values.withUnsafeBufferPointer { (send) throws(MPIError) in
            try [T](unsafeUninitializedCapacity: share) { (receive, initialized) throws(MPIError) in
                try LargeCount.with(share, of: T.self) { (count, datatype) throws(MPIError) in
                    try check(MPI_Scatter(send.baseAddress, count, datatype, receive.baseAddress, count, datatype,
                                          try checkedRoot("MPI_Scatter"), comm), "MPI_Scatter")
                }
                initialized = share
            }
        }
    }

    /// At the root: hands `parts[r]` to the process of rank `r`, parts of any lengths, keeping its own
    /// (`MPI_Bcast` of the lengths, then `MPI_Scatterv`). Every other process calls ``scatterv(as:)``. Past
    /// `Int32.max` elements in all, the parts travel point to point instead.
    /// - Precondition: `parts.count` equals the communicator's size.
    public func scatterv<T: MPIElement>(sending parts: [[T]]) throws(MPIError) -> [T] {
        try requireCaller(isRoot: true, "MPI_Scatterv", "scatterv(sending:) is for the root; other ranks call scatterv()")
        guard parts.count == communicator.size else {
            throw MPIError(.count, function: "MPI_Scatterv", reason: "\(parts.count) parts for \(communicator.size) ranks")
        }
        let counts = try broadcastCounts(parts.map { Int64($0.count) })
        return try scattervCore(parts.flatMap { $0 }, counts: counts)
    }

    /// Away from the root: receives this process's part of the root's values (`MPI_Scatterv`).
    public func scatterv<T: MPIElement>(as type: T.Type = T.self) throws(MPIError) -> [T] {
        try requireCaller(isRoot: false, "MPI_Scatterv", "the root calls scatterv(sending:)")
        return try scattervCore([T](), counts: try broadcastCounts([Int64](repeating: 0, count: communicator.size)))
    }

    /// The root's `counts` (one per rank) on every process: one `MPI_Bcast`.
    private func broadcastCounts(_ counts: [Int64]) throws(MPIError) -> [Int] {
        var counts = counts
        try counts.withUnsafeMutableBufferPointer { (buffer) throws(MPIError) in try broadcast(buffer) }
        return counts.map { Int($0) }
    }

    private func scattervCore<T: MPIElement>(_ flat: [T], counts: [Int]) throws(MPIError) -> [T] {
        let receiving = counts[communicator.rank]
        return try flat.withUnsafeBufferPointer { (send) throws(MPIError) in
            try [T](unsafeUninitializedCapacity: receiving) { (receive, initialized) throws(MPIError) in
                if Communicator.exceedsMPICounts(counts) {
                    let parts = isCallerRoot ? Communicator.partition(UnsafeMutableBufferPointer(mutating: send), counts: counts) : []
                    try communicator.exchangeParts(sending: parts.indices.map { ($0, UnsafeBufferPointer(parts[$0])) },
                                                   receiving: [(Int(try checkedRoot("MPI_Scatterv")), receive)])
                } else {
                    let (counts32, displacements, _) = try Communicator.layout(isCallerRoot ? counts : [], "MPI_Scatterv")
                    try check(MPI_Scatterv(send.baseAddress, counts32, displacements, T.mpiDatatype.handle,
                                           receive.baseAddress, Int32(receiving), T.mpiDatatype.handle,
                                           try checkedRoot("MPI_Scatterv"), comm), "MPI_Scatterv")
                }
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
                                         try checkedRoot("MPI_Gather"), comm), "MPI_Gather")
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

    /// Collects `values` of any length per process at the root (`MPI_Allgather` of the lengths, then
    /// `MPI_Gatherv`). Returns one array per rank at the root, nil elsewhere. Past `Int32.max` elements in
    /// all, the parts travel point to point instead (every process knows every length, and so decides alike).
    public func gatherv<T: MPIElement>(_ values: [T]) throws(MPIError) -> [[T]]? {
        let counts = try communicator.allgather(Int64(values.count)).map { Int($0) }
        guard Communicator.exceedsMPICounts(counts) else { return try gatherv(values, counts: isCallerRoot ? counts : nil) }
        let root = Int(try checkedRoot("MPI_Gatherv")), total = isCallerRoot ? counts.reduce(0, +) : 0
        let flat = try values.withUnsafeBufferPointer { (send) throws(MPIError) in
            try [T](unsafeUninitializedCapacity: total) { (receive, initialized) throws(MPIError) in
                let parts = isCallerRoot ? Communicator.partition(receive, counts: counts) : []
                try communicator.exchangeParts(sending: [(root, send)], receiving: Array(zip(parts.indices, parts)))
                initialized = total
            }
        }
        return isCallerRoot ? Communicator.split(flat, counts: counts) : nil
    }

    /// Collects `values` at the root when the root already knows every process's count (`MPI_Gatherv`
    /// alone, no hidden exchange): `counts` at the root (one per rank, this one's included), nil elsewhere.
    /// Returns one array per rank at the root, nil elsewhere.
    public func gatherv<T: MPIElement>(_ values: [T], counts: [Int]?) throws(MPIError) -> [[T]]? {
        let count = try mpiCount(values.count)
        let root = try checkedRoot("MPI_Gatherv")
        let counts32 = try (isCallerRoot ? counts ?? [] : []).map { (n) throws(MPIError) in try mpiCount(n) }
        if isCallerRoot && counts32.count != communicator.size {
            throw MPIError(.count, function: "MPI_Gatherv", reason: "\(counts32.count) counts for \(communicator.size) ranks")
        }
        let (displacements, total) = try Communicator.displacements(of: counts32)
        let flat = try values.withUnsafeBufferPointer { (send) throws(MPIError) in
            try [T](unsafeUninitializedCapacity: total) { (receive, initialized) throws(MPIError) in
                try check(MPI_Gatherv(send.baseAddress, count, T.mpiDatatype.handle,
                                      receive.baseAddress, counts32, displacements, T.mpiDatatype.handle,
                                      root, comm), "MPI_Gatherv")
                initialized = total
            }
        }
        return isCallerRoot ? Communicator.split(flat, counts: counts32) : nil
    }

    /// Collects the values of `buffer` into the root's `result`, rank after rank, when the root knows every
    /// process's count (`MPI_Gatherv`): no allocation. At the root, `result` holds at least the sum of
    /// `counts` (one per rank); elsewhere both are ignored (pass nil).
    @inlinable
    public func gatherv<T: MPIElement>(_ buffer: UnsafeBufferPointer<T>, into result: UnsafeMutableBufferPointer<T>?,
                                       counts: UnsafeBufferPointer<Int32>?) throws(MPIError) {
        let root = try checkedRoot("MPI_Gatherv")
        let count = try mpiCount(buffer.count)
        guard isCallerRoot else {
            try check(MPI_Gatherv(buffer.baseAddress, count, T.mpiDatatype.handle, nil, nil, nil, T.mpiDatatype.handle, root, comm),
                      "MPI_Gatherv")
            return
        }
        guard let counts, counts.count == communicator.size, let result else {
            throw MPIError(.count, function: "MPI_Gatherv", reason: "the root needs a result buffer and one count per rank")
        }
        try withUnsafeTemporaryAllocation(of: Int32.self, capacity: counts.count) { (displacements) throws(MPIError) in
            var total = 0
            for rank in counts.indices {
                displacements.initializeElement(at: rank, to: try mpiCount(total))
                total += Int(counts[rank])
            }
            guard total <= result.count else {
                throw MPIError(.count, function: "MPI_Gatherv", reason: "\(total) values into a buffer of \(result.count)")
            }
            try check(MPI_Gatherv(buffer.baseAddress, count, T.mpiDatatype.handle, result.baseAddress, counts.baseAddress,
                                  displacements.baseAddress, T.mpiDatatype.handle, root, comm), "MPI_Gatherv")
        }
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
                                         Int32(count), T.mpiDatatype.handle, operation.handle, try checkedRoot("MPI_Reduce"), comm),
                              "MPI_Reduce")
                }
                initialized = resultCount
            }
        }
        return isCallerRoot ? result : nil
    }

    /// Combines one value across all processes, result at the root (`MPI_Reduce`); nil elsewhere.
    @inlinable
    public func reduce<T: MPIElement>(_ value: T, _ operation: ReductionOperation<T>) throws(MPIError) -> T? {
        var send = value, result = value
        try check(MPI_Reduce(&send, &result, 1, T.mpiDatatype.handle, operation.handle, try checkedRoot("MPI_Reduce"), comm),
                  "MPI_Reduce")
        return isCallerRoot ? result : nil
    }
}
