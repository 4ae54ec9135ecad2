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

    /// The C handle (`MPI_Comm`), for the MPI calls the wrapper lacks (`import CMPI`). It stays valid while
    /// this communicator exists; do not free it.
    public var rawHandle: MPI_Comm { handle }

    /// Wraps a communicator obtained from C (a library that made it, say), installing `MPI_ERRORS_RETURN`
    /// on it. With `takingOwnership`, the wrapper frees it (`MPI_Comm_free`) when the last reference goes;
    /// otherwise its creator frees it, after this wrapper is gone.
    public convenience init(rawHandle: MPI_Comm, takingOwnership: Bool) throws(MPIError) {
        if takingOwnership {
            try self.init(owning: rawHandle)
        } else {
            self.init(borrowing: rawHandle)
            try check(MPI_Comm_set_errhandler(rawHandle, cmpi_errors_return()), "MPI_Comm_set_errhandler")
        }
    }

    /// The rank that stands for no process (`MPI_PROC_NULL`): a send to it or a receive from it completes at
    /// once and moves nothing, so the edges of a non-periodic grid need no special case.
    public static var nullProcess: Int { Int(MPI_PROC_NULL) }

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

    /// The collectives rooted at `rank` (broadcast, scatter, gather, reduce), the same on every process.
    /// A rank outside the communicator makes each of them throw ``MPIError/Class/root``.
    @inlinable
    public func root(_ rank: Int) -> Root {
        Root(communicator: self, rank: rank)
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
    @inlinable
    public func allreduce<T: MPIElement>(_ values: [T], _ operation: ReductionOperation<T>) throws(MPIError) -> [T] {
        try elementwise(values, operation, "MPI_Allreduce") { MPI_Allreduce($0, $1, $2, $3, $4, $5) }
    }

    /// Runs a C reduction of `values` into a new array of the same length on every process: the shape that
    /// `MPI_Allreduce` and `MPI_Scan` share (send buffer, receive buffer, count, type, op, communicator).
    @inlinable
    func elementwise<T: MPIElement>(
        _ values: [T], _ operation: ReductionOperation<T>, _ function: String,
        _ call: (UnsafeRawPointer?, UnsafeMutableRawPointer?, Int32, MPI_Datatype, MPI_Op, MPI_Comm) -> Int32
    ) throws(MPIError) -> [T] {
        try values.withUnsafeBufferPointer { (send) throws(MPIError) in
            // Received straight into the new array: no copy of `values` first.
            try [T](unsafeUninitializedCapacity: values.count) { (receive, initialized) throws(MPIError) in
                // Past Int32.max elements, slice by slice: the operation applies element by element, and a
                // predefined operation cannot apply to a derived datatype.
                for start in stride(from: 0, to: Swift.max(values.count, 1), by: LargeCount.sliceElements) {
                    let count = Swift.min(LargeCount.sliceElements, values.count - start)
                    try check(call(UnsafeRawPointer(send.baseAddress.map { $0 + start }),
                                   UnsafeMutableRawPointer(receive.baseAddress.map { $0 + start }), Int32(count),
                                   T.mpiDatatype.handle, operation.handle, handle), function)
                }
                initialized = values.count
            }
        }
    }

    /// Combines one value across all processes; every process gets the result (`MPI_Allreduce`).
    @inlinable
    public func allreduce<T: MPIElement>(_ value: T, _ operation: ReductionOperation<T>) throws(MPIError) -> T {
        var send = value, result = value
        try check(MPI_Allreduce(&send, &result, 1, T.mpiDatatype.handle, operation.handle, handle), "MPI_Allreduce")
        return result
    }

    /// The combination of the values of the processes ranked below this one (`MPI_Exscan`): nil on rank 0,
    /// where MPI leaves the result undefined.
    @inlinable
    public func exclusiveScan<T: MPIElement>(_ value: T, _ operation: ReductionOperation<T>) throws(MPIError) -> T? {
        var send = value
        var result = value
        try check(MPI_Exscan(&send, &result, 1, T.mpiDatatype.handle, operation.handle, handle), "MPI_Exscan")
        return rank == 0 ? nil : result
    }

    /// The element-wise combination of the `values` of the processes ranked below this one (`MPI_Exscan`):
    /// nil on rank 0.
    public func exclusiveScan<T: MPIElement>(_ values: [T], _ operation: ReductionOperation<T>) throws(MPIError) -> [T]? {
        let result = try elementwise(values, operation, "MPI_Exscan") { MPI_Exscan($0, $1, $2, $3, $4, $5) }
        return rank == 0 ? nil : result
    }

    /// Whether every process passed `true` (a logical-and allreduce): the way for ranks to agree that a step
    /// succeeded everywhere before going on (or before `MPI_Finalize`), since one rank leaving early while
    /// the others wait in a collective hangs the job.
    public func agree(_ succeeded: Bool) throws(MPIError) -> Bool {
        try allreduce(Int32(succeeded ? 1 : 0), .min) == 1
    }

    // MARK: Point to point

    /// Sends `values` to `destination` with `tag`, returning when the buffer may be reused (`MPI_Send`).
    /// Messages longer than `Int32.max` elements travel as one element of a derived datatype.
    @inlinable
    public func send<T: MPIElement>(_ values: [T], to destination: Int, tag: Int32) throws(MPIError) {
        try values.withUnsafeBufferPointer { (buffer) throws(MPIError) in try send(buffer, to: destination, tag: tag) }
    }

    /// Sends the values of `buffer` (`MPI_Send`): no copy, no allocation.
    @inlinable
    public func send<T: MPIElement>(_ buffer: UnsafeBufferPointer<T>, to destination: Int, tag: Int32) throws(MPIError) {
        try checkRank(destination, "destination", "MPI_Send")
        try LargeCount.with(buffer.count, of: T.self) { (count, datatype) throws(MPIError) in
            try check(MPI_Send(buffer.baseAddress, count, datatype, Int32(destination), tag, handle), "MPI_Send")
        }
    }

    /// Sends one value (`MPI_Send`).
    @inlinable
    public func send<T: MPIElement>(_ value: T, to destination: Int, tag: Int32) throws(MPIError) {
        try withUnsafePointer(to: value) { (pointer) throws(MPIError) in
            try send(UnsafeBufferPointer(start: pointer, count: 1), to: destination, tag: tag)
        }
    }

    /// Receives up to `capacity` values from `source` (nil: any source) with `tag` (nil: any tag)
    /// (`MPI_Recv`); returns them with their sender and tag.
    @inlinable
    public func receive<T: MPIElement>(
        capacity: Int, from source: Int? = nil, tag: Int32? = nil, as type: T.Type = T.self
    ) throws(MPIError) -> Message<T> {
        guard capacity >= 0 else { throw MPIError(.count, function: "MPI_Recv", reason: "a receive of capacity \(capacity)") }
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
        if let source { try checkRank(source, "source", "MPI_Recv") }
        var status = MPI_Status()
        try LargeCount.with(buffer.count, of: T.self) { (count, datatype) throws(MPIError) in
            try check(MPI_Recv(buffer.baseAddress, count, datatype, Int32(source ?? Int(MPI_ANY_SOURCE)),
                               tag ?? MPI_ANY_TAG, handle, &status), "MPI_Recv")
        }
        let count = buffer.count > Int(Int32.max) ? buffer.count : try ReceiveStatus.count(of: status, as: T.self)
        return ReceiveStatus(source: Int(status.MPI_SOURCE), tag: status.MPI_TAG, count: count)
    }

    /// Receives into the elements of `values` (`MPI_Recv`), which keeps its length; returns how many arrived.
    @inlinable @discardableResult
    public func receive<T: MPIElement>(into values: inout [T], from source: Int? = nil,
                                       tag: Int32? = nil) throws(MPIError) -> ReceiveStatus {
        try values.withUnsafeMutableBufferPointer { (buffer) throws(MPIError) in
            try receive(into: buffer, from: source, tag: tag)
        }
    }

    /// Sends `values` to `destination` and receives up to `capacity` values from `source` in one call that
    /// cannot deadlock against its partner's (`MPI_Sendrecv`): the step of a ring or a halo exchange.
    @inlinable
    public func sendReceive<T: MPIElement>(
        _ values: [T], to destination: Int, sendTag: Int32,
        capacity: Int, from source: Int? = nil, receiveTag: Int32? = nil
    ) throws(MPIError) -> Message<T> {
        var status = ReceiveStatus(source: 0, tag: 0, count: 0)
        let received = try values.withUnsafeBufferPointer { (send) throws(MPIError) in
            try [T](unsafeUninitializedCapacity: capacity) { (receive, initialized) throws(MPIError) in
                status = try sendReceive(send, to: destination, sendTag: sendTag, into: receive, from: source,
                                         receiveTag: receiveTag)
                initialized = status.count
            }
        }
        return Message(values: received, source: status.source, tag: status.tag)
    }

    /// Sends `values` and receives into `buffer` in one call (`MPI_Sendrecv`): no copy, no allocation. Either
    /// peer may be ``nullProcess`` (a grid's edge): nothing goes, nothing comes (count 0).
    @inlinable @discardableResult
    public func sendReceive<T: MPIElement>(
        _ values: UnsafeBufferPointer<T>, to destination: Int, sendTag: Int32,
        into buffer: UnsafeMutableBufferPointer<T>, from source: Int? = nil, receiveTag: Int32? = nil
    ) throws(MPIError) -> ReceiveStatus {
        try checkRank(destination, "destination", "MPI_Sendrecv")
        if let source { try checkRank(source, "source", "MPI_Sendrecv") }
        let sendCount = try mpiCount(values.count), receiveCount = try mpiCount(buffer.count)
        var status = MPI_Status()
        try check(MPI_Sendrecv(values.baseAddress, sendCount, T.mpiDatatype.handle, Int32(destination), sendTag,
                               buffer.baseAddress, receiveCount, T.mpiDatatype.handle,
                               Int32(source ?? Int(MPI_ANY_SOURCE)), receiveTag ?? MPI_ANY_TAG, handle, &status),
                  "MPI_Sendrecv")
        return ReceiveStatus(source: Int(status.MPI_SOURCE), tag: status.MPI_TAG,
                             count: try ReceiveStatus.count(of: status, as: T.self))
    }

    /// Sends the values of `buffer` and replaces them with the ones received, in one call
    /// (`MPI_Sendrecv_replace`).
    @inlinable @discardableResult
    public func sendReceiveReplace<T: MPIElement>(
        _ buffer: UnsafeMutableBufferPointer<T>, to destination: Int, sendTag: Int32,
        from source: Int? = nil, receiveTag: Int32? = nil
    ) throws(MPIError) -> ReceiveStatus {
        try checkRank(destination, "destination", "MPI_Sendrecv_replace")
        if let source { try checkRank(source, "source", "MPI_Sendrecv_replace") }
        var status = MPI_Status()
        try check(MPI_Sendrecv_replace(buffer.baseAddress, try mpiCount(buffer.count), T.mpiDatatype.handle,
                                       Int32(destination), sendTag, Int32(source ?? Int(MPI_ANY_SOURCE)),
                                       receiveTag ?? MPI_ANY_TAG, handle, &status), "MPI_Sendrecv_replace")
        return ReceiveStatus(source: Int(status.MPI_SOURCE), tag: status.MPI_TAG,
                             count: try ReceiveStatus.count(of: status, as: T.self))
    }

    /// Throws ``MPIError/Class/rank`` for a peer outside the communicator (``nullProcess`` is allowed): a
    /// programmer error, caught before it reaches MPI, with its reason even in release builds.
    @inlinable
    func checkRank(_ rank: Int, _ role: @autoclosure () -> String, _ function: @autoclosure () -> String) throws(MPIError) {
        guard (rank >= 0 && rank < size) || rank == Communicator.nullProcess else {
            throw MPIError(.rank, function: function(), reason: "\(role()) rank \(rank) is not in a communicator of size \(size)")
        }
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
