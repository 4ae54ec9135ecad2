import CMPI

/// A message that arrived: its values, who sent it, and with which tag.
public struct Message<T: MPIElement> {
    /// The values received.
    public var values: [T]
    /// The rank that sent them (`MPI_SOURCE` of the status).
    public var source: Int
    /// The message's tag (`MPI_TAG` of the status).
    public var tag: Int32
}

/// A nonblocking send in flight (`MPI_Isend`). The request owns a copy of the values until the send
/// completes, so no caller can free or change them too early; dropping an incomplete request waits for it.
public final class SendRequest<T: MPIElement> {
    private let buffer: UnsafeMutableBufferPointer<T>
    fileprivate var request = cmpi_request_null()
    fileprivate var isComplete = false

    init(values: [T], destination: Int, tag: Int32, communicator: Communicator) throws(MPIError) {
        buffer = .allocate(capacity: Swift.max(values.count, 1))
        _ = buffer.initialize(fromContentsOf: values)
        let count = try mpiCount(values.count)
        do {
            try check(MPI_Isend(buffer.baseAddress, count, T.mpiDatatype.handle, Int32(destination), tag,
                                communicator.handle, &request), "MPI_Isend")
        } catch {
            isComplete = true
            throw error
        }
    }

    /// Whether the send has completed (`MPI_Test`); the buffer is released once it has.
    public func test() throws(MPIError) -> Bool {
        if isComplete { return true }
        var flag: Int32 = 0
        try check(MPI_Test(&request, &flag, cmpi_status_ignore()), "MPI_Test")
        isComplete = flag != 0
        return isComplete
    }

    /// Waits until the send has completed (`MPI_Wait`).
    public func wait() throws(MPIError) {
        if isComplete { return }
        try check(MPI_Wait(&request, cmpi_status_ignore()), "MPI_Wait")
        isComplete = true
    }

    deinit {
        if !isComplete && !Environment.isFinalized { MPI_Wait(&request, cmpi_status_ignore()) }
        buffer.deallocate()
    }
}

/// A nonblocking receive in flight (`MPI_Irecv`). The request owns the receive buffer; the values are only
/// reachable through the ``Message`` that ``test()`` or ``wait()`` returns once the receive has completed.
/// Dropping an incomplete request cancels it (`MPI_Cancel`) and waits for the cancellation.
public final class ReceiveRequest<T: MPIElement> {
    private let buffer: UnsafeMutableBufferPointer<T>
    fileprivate var request = cmpi_request_null()
    fileprivate var isComplete = false

    init(capacity: Int, source: Int?, tag: Int32?, communicator: Communicator) throws(MPIError) {
        buffer = .allocate(capacity: Swift.max(capacity, 1))
        let count = try mpiCount(capacity)
        do {
            try check(MPI_Irecv(buffer.baseAddress, count, T.mpiDatatype.handle, source.map(Int32.init) ?? MPI_ANY_SOURCE,
                                tag ?? MPI_ANY_TAG, communicator.handle, &request), "MPI_Irecv")
        } catch {
            isComplete = true
            throw error
        }
    }

    /// The message if it has arrived (`MPI_Test`), else nil.
    public func test() throws(MPIError) -> Message<T>? {
        precondition(!isComplete, "the message was already taken")
        var flag: Int32 = 0
        var status = MPI_Status()
        try check(MPI_Test(&request, &flag, &status), "MPI_Test")
        guard flag != 0 else { return nil }
        return try complete(status)
    }

    /// Waits for the message (`MPI_Wait`).
    public func wait() throws(MPIError) -> Message<T> {
        precondition(!isComplete, "the message was already taken")
        var status = MPI_Status()
        try check(MPI_Wait(&request, &status), "MPI_Wait")
        return try complete(status)
    }

    fileprivate func complete(_ status: MPI_Status) throws(MPIError) -> Message<T> {
        isComplete = true
        var status = status
        var count: Int32 = 0
        try check(MPI_Get_count(&status, T.mpiDatatype.handle, &count), "MPI_Get_count")
        return Message(values: Array(buffer.prefix(Int(count))), source: Int(status.MPI_SOURCE), tag: status.MPI_TAG)
    }

    deinit {
        if !isComplete && !Environment.isFinalized {
            MPI_Cancel(&request)
            MPI_Wait(&request, cmpi_status_ignore())
        }
        buffer.deallocate()
    }
}

extension Communicator {
    /// Starts sending `values` to `destination` (`MPI_Isend`); the request keeps its own copy.
    public func isend<T: MPIElement>(_ values: [T], to destination: Int, tag: Int32) throws(MPIError) -> SendRequest<T> {
        try SendRequest(values: values, destination: destination, tag: tag, communicator: self)
    }

    /// Starts receiving up to `capacity` values (`MPI_Irecv`) from `source` (nil: any source) with `tag`
    /// (nil: any tag).
    public func ireceive<T: MPIElement>(capacity: Int, from source: Int? = nil, tag: Int32? = nil,
                                       as type: T.Type = T.self) throws(MPIError) -> ReceiveRequest<T> {
        try ReceiveRequest(capacity: capacity, source: source, tag: tag, communicator: self)
    }
}

extension SendRequest {
    /// Waits until every send of `requests` has completed (`MPI_Waitall`).
    public static func waitAll(_ requests: [SendRequest<T>]) throws(MPIError) {
        let pending = requests.filter { !$0.isComplete }
        var handles = pending.map(\.request)
        try check(MPI_Waitall(Int32(handles.count), &handles, cmpi_statuses_ignore()), "MPI_Waitall")
        for request in pending { request.isComplete = true }
    }
}

extension ReceiveRequest {
    /// Waits until every receive of `requests` has completed (`MPI_Waitall`) and returns their messages in
    /// the same order.
    /// - Precondition: no message of `requests` was taken yet.
    public static func waitAll(_ requests: [ReceiveRequest<T>]) throws(MPIError) -> [Message<T>] {
        precondition(requests.allSatisfy { !$0.isComplete }, "a message was already taken")
        var handles = requests.map(\.request)
        var statuses = [MPI_Status](repeating: MPI_Status(), count: requests.count)
        try check(MPI_Waitall(Int32(handles.count), &handles, &statuses), "MPI_Waitall")
        return try zip(requests, statuses).map { (pair) throws(MPIError) in try pair.0.complete(pair.1) }
    }
}
