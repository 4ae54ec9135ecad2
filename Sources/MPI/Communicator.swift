import CMPI

/// A group of MPI processes that communicate (`MPI_Comm`), with `MPI_ERRORS_RETURN` installed so that every
/// failure throws an ``MPIError``.
///
/// Collectives whose root alone supplies or receives data live on ``Root`` (`communicator.root(0)`), so a
/// caller is only asked for root-only arguments on the root.
public final class Communicator: @unchecked Sendable {
    let handle: MPI_Comm
    private let owned: Bool

    /// Wraps a predefined communicator, which is never freed.
    init(borrowing handle: MPI_Comm) {
        self.handle = handle
        self.owned = false
    }

    /// Takes ownership of a communicator this wrapper created; `MPI_Comm_free` runs when it goes away.
    init(owning handle: MPI_Comm) throws(MPIError) {
        self.handle = handle
        self.owned = true
        try check(MPI_Comm_set_errhandler(handle, cmpi_errors_return()), "MPI_Comm_set_errhandler")
    }

    deinit {
        if owned && !Environment.isFinalized {
            var handle: MPI_Comm? = handle
            MPI_Comm_free(&handle)
        }
    }

    /// This process's rank in the communicator, `0..<size` (`MPI_Comm_rank`).
    public var rank: Int {
        var rank: Int32 = 0
        MPI_Comm_rank(handle, &rank)
        return Int(rank)
    }

    /// The number of processes in the communicator (`MPI_Comm_size`).
    public var size: Int {
        var size: Int32 = 0
        MPI_Comm_size(handle, &size)
        return Int(size)
    }

    /// The name of the host this process runs on (`MPI_Get_processor_name`).
    public static func processorName() throws(MPIError) -> String {
        var buffer = [CChar](repeating: 0, count: Int(MPI_MAX_PROCESSOR_NAME) + 1)
        var length: Int32 = 0
        try check(MPI_Get_processor_name(&buffer, &length), "MPI_Get_processor_name")
        return String(decoding: buffer.prefix(Int(length)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Waits until every process of the communicator has called it (`MPI_Barrier`).
    public func barrier() throws(MPIError) {
        try check(MPI_Barrier(handle), "MPI_Barrier")
    }

    /// The collectives rooted at `rank` (broadcast, scatter, gather, reduce).
    /// - Precondition: `0 <= rank < size`, the same on every process.
    public func root(_ rank: Int) -> Root {
        precondition((0..<size).contains(rank), "root \(rank) is not a rank of a communicator of size \(size)")
        return Root(communicator: self, rank: rank)
    }

    /// A new communicator per `color`, ranks ordered by `key` then by old rank (`MPI_Comm_split`).
    /// Returns nil on a process that passes `color: nil` (`MPI_UNDEFINED`).
    public func split(color: Int32?, key: Int32 = 0) throws(MPIError) -> Communicator? {
        var newHandle: MPI_Comm? = cmpi_comm_null()
        try check(MPI_Comm_split(handle, color ?? Int32(MPI_UNDEFINED), key, &newHandle), "MPI_Comm_split")
        guard let newHandle, newHandle != cmpi_comm_null() else { return nil }
        return try Communicator(owning: newHandle)
    }

    /// A copy of this communicator with its own message space (`MPI_Comm_dup`).
    public func duplicate() throws(MPIError) -> Communicator {
        var newHandle: MPI_Comm? = cmpi_comm_null()
        try check(MPI_Comm_dup(handle, &newHandle), "MPI_Comm_dup")
        return try Communicator(owning: newHandle!)
    }

    // MARK: Collectives without a root

    /// Combines `values` element-wise across all processes with `operation`; every process gets the result
    /// (`MPI_Allreduce`).
    public func allreduce<T: MPIElement>(_ values: [T], _ operation: ReductionOperation<T>) throws(MPIError) -> [T] {
        let count = try mpiCount(values.count)
        var result = values
        try values.withUnsafeBufferPointer { (send) throws(MPIError) in
            try result.withUnsafeMutableBufferPointer { (receive) throws(MPIError) in
                try check(MPI_Allreduce(send.baseAddress, receive.baseAddress, count, T.mpiDatatype.handle,
                                        operation.handle, handle), "MPI_Allreduce")
            }
        }
        return result
    }

    /// Combines one value across all processes; every process gets the result (`MPI_Allreduce`).
    public func allreduce<T: MPIElement>(_ value: T, _ operation: ReductionOperation<T>) throws(MPIError) -> T {
        try allreduce([value], operation)[0]
    }

    /// The combination of the values of the processes ranked below this one (`MPI_Exscan`): nil on rank 0,
    /// where MPI leaves the result undefined.
    public func exclusiveScan<T: MPIElement>(_ value: T, _ operation: ReductionOperation<T>) throws(MPIError) -> T? {
        var send = value
        var result = value
        try check(MPI_Exscan(&send, &result, 1, T.mpiDatatype.handle, operation.handle, handle), "MPI_Exscan")
        return rank == 0 ? nil : result
    }

    // MARK: Point to point

    /// Sends `values` to `destination` with `tag`, returning when the buffer may be reused (`MPI_Send`).
    public func send<T: MPIElement>(_ values: [T], to destination: Int, tag: Int32) throws(MPIError) {
        let count = try mpiCount(values.count)
        try values.withUnsafeBufferPointer { (buffer) throws(MPIError) in
            try check(MPI_Send(buffer.baseAddress, count, T.mpiDatatype.handle, Int32(destination), tag, handle),
                      "MPI_Send")
        }
    }

    /// Receives up to `capacity` values from `source` with `tag` (`MPI_Recv`); returns those that arrived.
    public func receive<T: MPIElement>(
        capacity: Int, from source: Int, tag: Int32, as type: T.Type = T.self
    ) throws(MPIError) -> [T] {
        let count = try mpiCount(capacity)
        var status = MPI_Status()
        var received: Int32 = 0
        let values = try [T](unsafeUninitializedCapacity: capacity) { (buffer, initialized) throws(MPIError) in
            try check(MPI_Recv(buffer.baseAddress, count, T.mpiDatatype.handle, Int32(source), tag, handle, &status),
                      "MPI_Recv")
            try check(MPI_Get_count(&status, T.mpiDatatype.handle, &received), "MPI_Get_count")
            initialized = Int(received)
        }
        return values
    }

    /// Waits for a message from `source` (nil: any) with `tag` (nil: any) without receiving it, and tells
    /// where it comes from and how big it is (`MPI_Probe`): to receive a message of unknown length.
    public func probe(from source: Int? = nil, tag: Int32? = nil) throws(MPIError) -> ProbedMessage {
        var status = MPI_Status()
        try check(MPI_Probe(source.map(Int32.init) ?? MPI_ANY_SOURCE, tag ?? MPI_ANY_TAG, handle, &status), "MPI_Probe")
        return ProbedMessage(status: status)
    }

    /// Like ``probe(from:tag:)`` but returns nil at once when no such message has arrived (`MPI_Iprobe`).
    public func iprobe(from source: Int? = nil, tag: Int32? = nil) throws(MPIError) -> ProbedMessage? {
        var status = MPI_Status()
        var flag: Int32 = 0
        try check(MPI_Iprobe(source.map(Int32.init) ?? MPI_ANY_SOURCE, tag ?? MPI_ANY_TAG, handle, &flag, &status),
                  "MPI_Iprobe")
        return flag != 0 ? ProbedMessage(status: status) : nil
    }
}

/// A message that has arrived but is not yet received, as a probe found it.
public struct ProbedMessage: @unchecked Sendable {
    private var status: MPI_Status

    init(status: MPI_Status) { self.status = status }

    /// The rank that sent it.
    public var source: Int { Int(status.MPI_SOURCE) }
    /// Its tag.
    public var tag: Int32 { status.MPI_TAG }

    /// How many elements of type `T` it holds (`MPI_Get_count`).
    public func count<T: MPIElement>(of type: T.Type) throws(MPIError) -> Int {
        var status = status
        var count: Int32 = 0
        try check(MPI_Get_count(&status, T.mpiDatatype.handle, &count), "MPI_Get_count")
        return Int(count)
    }
}

/// `n` as an MPI count, or an `MPI_ERR_COUNT` error past `Int32.max` (Open MPI 4.1 has no large-count calls).
@inline(__always)
func mpiCount(_ n: Int) throws(MPIError) -> Int32 {
    guard let count = Int32(exactly: n) else { throw MPIError(code: MPI_ERR_COUNT, function: "count \(n)") }
    return count
}
