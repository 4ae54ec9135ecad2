import CMPI

/// Sends and receives on caller buffers, started together and completed together, with no allocation per
/// operation: the shape of a halo exchange's iteration. Make the group once, outside the loop; each
/// iteration starts its operations and waits for all of them, after which the group is empty again.
///
///     let halo = RequestGroup(capacity: 4)
///     for _ in 0..<iterations {
///         try halo.ireceive(into: above, from: up, tag: 0)
///         try halo.isend(UnsafeBufferPointer(firstRow), to: up, tag: 1)
///         …
///         try halo.waitAll()
///     }
///
/// (A ``Request`` object per operation costs an allocation; the group costs one, when it is made.) The
/// caller keeps every buffer alive and untouched until ``waitAll()`` returns. A group dropped with
/// operations in flight waits for them.
public final class RequestGroup {
    @usableFromInline let handles: UnsafeMutableBufferPointer<RequestHandle>
    @usableFromInline let statuses: UnsafeMutableBufferPointer<MPI_Status>
    /// The number of operations started since the last ``waitAll()``.
    public var count: Int { counters.pointee.started }
    /// The operations started since the last wait, and those the last wait completed: kept behind a pointer,
    /// since a class's stored `var` costs a runtime exclusivity check on every access.
    @usableFromInline let counters: UnsafeMutablePointer<(started: Int, completed: Int)>

    /// A group of at most `capacity` operations in flight at once.
    public init(capacity: Int) {
        handles = .allocate(capacity: Swift.max(capacity, 1))
        handles.initialize(repeating: cmpi_request_null())
        statuses = .allocate(capacity: Swift.max(capacity, 1))
        statuses.initialize(repeating: MPI_Status())
        counters = .allocate(capacity: 1)
        counters.initialize(to: (0, 0))
    }

    deinit {
        if count > 0 && !Environment.isFinalized { MPI_Waitall(Int32(count), handles.baseAddress, cmpi_statuses_ignore()) }
        handles.deallocate()
        statuses.deallocate()
        counters.deallocate()
    }

    /// Starts sending `buffer` to `destination` on `communicator` (`MPI_Isend`). Returns the operation's
    /// index in the group.
    @inlinable @discardableResult
    public func isend<T: MPIElement>(_ buffer: UnsafeBufferPointer<T>, to destination: Int, tag: Int32,
                                     on communicator: Communicator) throws(MPIError) -> Int {
        try communicator.checkRank(destination, "destination", "MPI_Isend")
        let slot = try nextSlot("MPI_Isend")
        try check(MPI_Isend(buffer.baseAddress, try mpiCount(buffer.count), T.mpiDatatype.handle, Int32(destination), tag,
                            communicator.handle, handles.baseAddress! + slot), "MPI_Isend")
        counters.pointee.started += 1
        return slot
    }

    /// Starts receiving into `buffer` from `source` (nil: any) with `tag` (nil: any) on `communicator`
    /// (`MPI_Irecv`). Returns the operation's index in the group, for ``receiveStatus(at:as:)``.
    @inlinable @discardableResult
    public func ireceive<T: MPIElement>(into buffer: UnsafeMutableBufferPointer<T>, from source: Int? = nil, tag: Int32? = nil,
                                        on communicator: Communicator) throws(MPIError) -> Int {
        if let source { try communicator.checkRank(source, "source", "MPI_Irecv") }
        let slot = try nextSlot("MPI_Irecv")
        try check(MPI_Irecv(buffer.baseAddress, try mpiCount(buffer.count), T.mpiDatatype.handle,
                            source.map(Int32.init) ?? MPI_ANY_SOURCE, tag ?? MPI_ANY_TAG, communicator.handle,
                            handles.baseAddress! + slot), "MPI_Irecv")
        counters.pointee.started += 1
        return slot
    }

    /// Waits for every operation started since the last call (`MPI_Waitall`); the group is then empty, and
    /// ``receiveStatus(at:as:)`` tells what each receive brought.
    @inlinable
    public func waitAll() throws(MPIError) {
        let waited = counters.pointee.started
        counters.pointee = (0, waited)
        try check(MPI_Waitall(Int32(waited), handles.baseAddress, statuses.baseAddress), "MPI_Waitall")
    }

    /// Where the receive at `index` of the last ``waitAll()`` came from, and how many elements it brought.
    public func receiveStatus<T: MPIElement>(at index: Int, as type: T.Type) throws(MPIError) -> ReceiveStatus {
        guard index >= 0 && index < counters.pointee.completed else {
            throw MPIError(.request, function: "MPI_Waitall", reason: "no operation \(index) completed in the group's last wait")
        }
        let status = statuses[index]
        return ReceiveStatus(source: Int(status.MPI_SOURCE), tag: status.MPI_TAG, count: try ReceiveStatus.count(of: status, as: T.self))
    }

    @inlinable
    func nextSlot(_ function: String) throws(MPIError) -> Int {
        guard counters.pointee.started < handles.count else {
            throw MPIError(.request, function: function, reason: "a group of \(handles.count) operations is full: wait for them first")
        }
        return counters.pointee.started
    }
}

// MARK: Requests made once, started each round

extension Communicator {
    /// Starts sending the caller's `buffer` (`MPI_Isend`) in `request`, an idle ``BufferRequest`` made once
    /// and used round after round: with the requests kept in an array made once, a loop of
    /// `isend`/`ireceive`/``Request/waitAll(_:)`` allocates nothing. Throws `.pending` if `request` is in flight.
    @inlinable
    public func isend<T: MPIElement>(_ buffer: UnsafeBufferPointer<T>, to destination: Int, tag: Int32,
                                     reusing request: BufferRequest) throws(MPIError) {
        try checkRank(destination, "destination", "MPI_Isend")
        try request.restart("MPI_Isend", cancelsWhenDropped: false, largeCount: nil) { (requestHandle) throws(MPIError) in
            try LargeCount.with(buffer.count, of: T.self) { (count, datatype) throws(MPIError) in
                MPI_Isend(buffer.baseAddress, count, datatype, Int32(destination), tag, handle, &requestHandle)
            }
        }
    }

    /// Starts receiving into the caller's `buffer` (`MPI_Irecv`) in `request`, an idle ``BufferRequest``
    /// made once (see ``isend(_:to:tag:reusing:)``). Throws `.pending` if `request` is in flight.
    @inlinable
    public func ireceive<T: MPIElement>(into buffer: UnsafeMutableBufferPointer<T>, from source: Int? = nil,
                                        tag: Int32? = nil, reusing request: BufferRequest) throws(MPIError) {
        if let source { try checkRank(source, "source", "MPI_Irecv") }
        let largeCount = Int32(exactly: buffer.count) == nil ? buffer.count : nil
        try request.restart("MPI_Irecv", cancelsWhenDropped: true, largeCount: largeCount) { (requestHandle) throws(MPIError) in
            try LargeCount.with(buffer.count, of: T.self) { (count, datatype) throws(MPIError) in
                MPI_Irecv(buffer.baseAddress, count, datatype, source.map(Int32.init) ?? MPI_ANY_SOURCE,
                          tag ?? MPI_ANY_TAG, handle, &requestHandle)
            }
        }
    }
}

extension BufferRequest {
    /// Starts another operation in this idle request: `start` runs the C call on its handle. Inlined: as a call
    /// taking a closure it cost ~10 ns per operation; inlined, its reads and writes of the request's state are
    /// single loads and stores, which the optimizer leaves without runtime exclusivity checks in the caller
    /// too (none in `mpi-overhead-bench`'s binary).
    @inlinable
    func restart(_ function: String, cancelsWhenDropped: Bool, largeCount: Int?,
                 _ start: (inout RequestHandle) throws(MPIError) -> Int32) throws(MPIError) {
        guard !isActive else {
            throw MPIError(.pending, function: function, reason: "the request is still in flight: wait for it before starting another operation in it")
        }
        try check(try start(&handle), function)
        self.cancelsWhenDropped = cancelsWhenDropped
        self.largeCount = largeCount
        isActive = true
    }
}
