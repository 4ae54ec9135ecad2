import CMPI

/// A group of MPI processes that communicate (`MPI_Comm`), with `MPI_ERRORS_RETURN` installed so that every
/// failure throws an ``MPIError``.
///
/// Collectives whose root alone supplies or receives data live on ``Root`` (`communicator.root(0)`), so a
/// caller is only asked for root-only arguments on the root.
public final class Communicator: @unchecked Sendable {
    @usableFromInline let handle: MPI_Comm
    private let owned: Bool

    /// Wraps a predefined communicator, which is never freed.
    init(borrowing handle: MPI_Comm) {
        self.handle = handle
        self.owned = false
        (rank, size) = Self.rankAndSize(of: handle)
    }

    /// Takes ownership of a communicator this wrapper created; `MPI_Comm_free` runs when it goes away.
    init(owning handle: MPI_Comm) throws(MPIError) {
        self.handle = handle
        self.owned = true
        (rank, size) = Self.rankAndSize(of: handle)
        try check(MPI_Comm_set_errhandler(handle, cmpi_errors_return()), "MPI_Comm_set_errhandler")
    }

    deinit {
        if owned && !Environment.isFinalized {
            freeCommunicator(handle)
        }
    }

    /// This process's rank in the communicator, `0..<size` (`MPI_Comm_rank`, asked once: it never changes).
    public let rank: Int

    /// The number of processes in the communicator (`MPI_Comm_size`, asked once: it never changes).
    public let size: Int

    private static func rankAndSize(of handle: MPI_Comm) -> (Int, Int) {
        var rank: Int32 = 0, size: Int32 = 0
        MPI_Comm_rank(handle, &rank)
        MPI_Comm_size(handle, &size)
        return (Int(rank), Int(size))
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
        var newHandle = cmpi_comm_null()
        try check(MPI_Comm_split(handle, color ?? Int32(MPI_UNDEFINED), key, &newHandle), "MPI_Comm_split")
        guard newHandle != cmpi_comm_null() else { return nil }
        return try Communicator(owning: unwrapped(newHandle))
    }

    /// A copy of this communicator with its own message space (`MPI_Comm_dup`).
    public func duplicate() throws(MPIError) -> Communicator {
        var newHandle = cmpi_comm_null()
        try check(MPI_Comm_dup(handle, &newHandle), "MPI_Comm_dup")
        return try Communicator(owning: unwrapped(newHandle))
    }

    // MARK: Collectives without a root

    /// Combines `values` element-wise across all processes with `operation`; every process gets the result
    /// (`MPI_Allreduce`).
    public func allreduce<T: MPIElement>(_ values: [T], _ operation: ReductionOperation<T>) throws(MPIError) -> [T] {
        try elementwise(values, operation, "MPI_Allreduce") { MPI_Allreduce($0, $1, $2, $3, $4, $5) }
    }

    /// Runs a C reduction of `values` into a new array of the same length on every process: the shape that
    /// `MPI_Allreduce` and `MPI_Scan` share (send buffer, receive buffer, count, type, op, communicator).
    func elementwise<T: MPIElement>(
        _ values: [T], _ operation: ReductionOperation<T>, _ function: String,
        _ call: (UnsafeRawPointer?, UnsafeMutableRawPointer?, Int32, MPI_Datatype, MPI_Op, MPI_Comm) -> Int32
    ) throws(MPIError) -> [T] {
        var result = values
        try values.withUnsafeBufferPointer { (send) throws(MPIError) in
            try result.withUnsafeMutableBufferPointer { (receive) throws(MPIError) in
                // Past Int32.max elements, slice by slice: the operation applies element by element, and a
                // predefined operation cannot apply to a derived datatype.
                for start in stride(from: 0, to: Swift.max(values.count, 1), by: LargeCount.sliceElements) {
                    let count = Swift.min(LargeCount.sliceElements, values.count - start)
                    try check(call(UnsafeRawPointer(send.baseAddress.map { $0 + start }),
                                   UnsafeMutableRawPointer(receive.baseAddress.map { $0 + start }), Int32(count),
                                   T.mpiDatatype.handle, operation.handle, handle), function)
                }
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
    /// Messages longer than `Int32.max` elements travel as one element of a derived datatype.
    public func send<T: MPIElement>(_ values: [T], to destination: Int, tag: Int32) throws(MPIError) {
        try values.withUnsafeBufferPointer { (buffer) throws(MPIError) in try send(buffer, to: destination, tag: tag) }
    }

    /// Sends the values of `buffer` (`MPI_Send`): no copy, no allocation.
    @inlinable
    public func send<T: MPIElement>(_ buffer: UnsafeBufferPointer<T>, to destination: Int, tag: Int32) throws(MPIError) {
        checkRank(destination, "destination")
        try LargeCount.with(buffer.count, of: T.self) { (count, datatype) throws(MPIError) in
            try check(MPI_Send(buffer.baseAddress, count, datatype, Int32(destination), tag, handle), "MPI_Send")
        }
    }

    /// Sends one value (`MPI_Send`).
    public func send<T: MPIElement>(_ value: T, to destination: Int, tag: Int32) throws(MPIError) {
        try withUnsafePointer(to: value) { (pointer) throws(MPIError) in
            try send(UnsafeBufferPointer(start: pointer, count: 1), to: destination, tag: tag)
        }
    }

    /// Receives up to `capacity` values from `source` (nil: any source) with `tag` (nil: any tag)
    /// (`MPI_Recv`); returns them with their sender and tag.
    public func receive<T: MPIElement>(
        capacity: Int, from source: Int? = nil, tag: Int32? = nil, as type: T.Type = T.self
    ) throws(MPIError) -> Message<T> {
        precondition(capacity >= 0, "a receive of capacity \(capacity)")
        var status = ReceiveStatus(source: 0, tag: 0, count: 0)
        let values = try [T](unsafeUninitializedCapacity: capacity) { (buffer, initialized) throws(MPIError) in
            status = try receive(into: buffer, from: source, tag: tag)
            initialized = status.count
        }
        return Message(values: values, source: status.source, tag: status.tag)
    }

    /// Receives into `buffer` (`MPI_Recv`): no allocation. The message may be shorter than the buffer; one
    /// longer than `Int32.max` elements must fill it exactly.
    @inlinable @discardableResult
    public func receive<T: MPIElement>(
        into buffer: UnsafeMutableBufferPointer<T>, from source: Int? = nil, tag: Int32? = nil
    ) throws(MPIError) -> ReceiveStatus {
        if let source { checkRank(source, "source") }
        var status = MPI_Status()
        try LargeCount.with(buffer.count, of: T.self) { (count, datatype) throws(MPIError) in
            try check(MPI_Recv(buffer.baseAddress, count, datatype, Int32(source ?? Int(MPI_ANY_SOURCE)),
                               tag ?? MPI_ANY_TAG, handle, &status), "MPI_Recv")
        }
        let count = buffer.count > Int(Int32.max) ? buffer.count : try ReceiveStatus.count(of: status, as: T.self)
        return ReceiveStatus(source: Int(status.MPI_SOURCE), tag: status.MPI_TAG, count: count)
    }

    /// Receives into the elements of `values` (`MPI_Recv`), which keeps its length; returns how many arrived.
    @discardableResult
    public func receive<T: MPIElement>(into values: inout [T], from source: Int? = nil,
                                       tag: Int32? = nil) throws(MPIError) -> ReceiveStatus {
        try values.withUnsafeMutableBufferPointer { (buffer) throws(MPIError) in
            try receive(into: buffer, from: source, tag: tag)
        }
    }

    /// Sends `values` to `destination` and receives up to `capacity` values from `source` in one call that
    /// cannot deadlock against its partner's (`MPI_Sendrecv`): the step of a ring or a halo exchange.
    public func sendReceive<T: MPIElement>(
        _ values: [T], to destination: Int, sendTag: Int32,
        capacity: Int, from source: Int? = nil, receiveTag: Int32? = nil
    ) throws(MPIError) -> Message<T> {
        checkRank(destination, "destination")
        if let source { checkRank(source, "source") }
        let sendCount = try mpiCount(values.count), receiveCount = try mpiCount(capacity)
        var status = MPI_Status()
        let received = try values.withUnsafeBufferPointer { (send) throws(MPIError) in
            try [T](unsafeUninitializedCapacity: capacity) { (receive, initialized) throws(MPIError) in
                try check(MPI_Sendrecv(send.baseAddress, sendCount, T.mpiDatatype.handle, Int32(destination), sendTag,
                                       receive.baseAddress, receiveCount, T.mpiDatatype.handle,
                                       Int32(source ?? Int(MPI_ANY_SOURCE)), receiveTag ?? MPI_ANY_TAG, handle, &status),
                          "MPI_Sendrecv")
                initialized = try ReceiveStatus.count(of: status, as: T.self)
            }
        }
        return Message(values: received, source: Int(status.MPI_SOURCE), tag: status.MPI_TAG)
    }

    /// Traps on a rank outside the communicator: a programmer error, caught before it reaches MPI.
    @inlinable
    func checkRank(_ rank: Int, _ role: @autoclosure () -> String) {
        precondition(rank >= 0 && rank < size, "\(role()) rank \(rank) is not in a communicator of size \(size)")
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

/// Where a received message came from and how many elements it held.
public struct ReceiveStatus: Sendable, Equatable {
    /// The rank that sent it.
    public var source: Int
    /// Its tag.
    public var tag: Int32
    /// The number of elements received.
    public var count: Int

    @inlinable
    init(source: Int, tag: Int32, count: Int) {
        self.source = source
        self.tag = tag
        self.count = count
    }

    /// The element count of `status` (`MPI_Get_count`).
    @usableFromInline
    static func count<T: MPIElement>(of status: MPI_Status, as type: T.Type) throws(MPIError) -> Int {
        var status = status
        var count: Int32 = 0
        try check(MPI_Get_count(&status, T.mpiDatatype.handle, &count), "MPI_Get_count")
        guard count != MPI_UNDEFINED else { throw MPIError(code: MPI_ERR_TYPE, function: "MPI_Get_count (not whole \(T.self) values)") }
        return Int(count)
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

    /// How many elements of type `T` it holds (`MPI_Get_count`). Throws `MPI_ERR_TYPE` when its size is not
    /// a whole number of `T`s (a message of another type).
    public func count<T: MPIElement>(of type: T.Type) throws(MPIError) -> Int {
        try ReceiveStatus.count(of: status, as: T.self)
    }
}

/// `n` as an MPI count, or an `MPI_ERR_COUNT` error past `Int32.max` (Open MPI 4.1 has no large-count calls).
@inlinable
func mpiCount(_ n: Int) throws(MPIError) -> Int32 {
    guard let count = Int32(exactly: n) else { throw MPIError(code: MPI_ERR_COUNT, function: "count \(n)") }
    return count
}
