import CMPI

/// A message that arrived: its values, who sent it, and with which tag.
public struct Message<T: MPIElement> {
    /// The values received.
    public var values: [T]
    /// The rank that sent them (`MPI_SOURCE` of the status).
    public var source: Int
    /// The message's tag (`MPI_TAG` of the status).
    public var tag: Int32

    @inlinable
    init(values: [T], source: Int, tag: Int32) {
        self.values = values
        self.source = source
        self.tag = tag
    }
}

/// An operation in flight (`MPI_Request`): a nonblocking send or receive, a nonblocking collective, or a
/// persistent request once started. Every kind is a `Request`, so a halo exchange's sends and receives are
/// waited together (``waitAll(_:)``, ``waitAny(_:)``, ``waitSome(_:)``, ``testAll(_:)``, ``testAny(_:)``).
///
/// A request that owns its buffers (``SendRequest``, ``ReceiveRequest``, ``ArrayRequest``) keeps them until
/// the operation completes; dropping it incomplete waits for it (a receive is cancelled first). A request on
/// a caller's buffers (`isend` of an `UnsafeBufferPointer`, ``Communicator/ireceive(into:from:tag:)``) leaves
/// them to the caller, who must keep them alive and untouched until it completes.
public class Request {
    @usableFromInline var handle: RequestHandle = cmpi_request_null()
    /// Whether the operation was started and has not completed yet.
    @usableFromInline var isActive = false
    /// The status of the last completion (a receive's source, tag and count).
    @usableFromInline var status = MPI_Status()
    /// Whether dropping the request incomplete cancels it (receives) rather than waiting for it.
    @usableFromInline var cancelsWhenDropped: Bool
    /// Whether the handle outlives completions (a persistent request), to be freed when the request goes.
    @usableFromInline let isPersistent: Bool
    /// The element count of a receive posted past `Int32.max` elements (as one derived-type item), which
    /// the status cannot count: such a message fills its buffer.
    @usableFromInline var largeCount: Int?
    /// What the operation uses until it completes besides the buffers: a large reduction's datatype.
    var keptAlive: AnyObject?

    @usableFromInline
    init(cancelsWhenDropped: Bool = false, isPersistent: Bool = false) {
        self.cancelsWhenDropped = cancelsWhenDropped
        self.isPersistent = isPersistent
    }

    /// The C handle (`MPI_Request`), for MPI calls the wrapper lacks. The wrapper still owns it.
    public var rawHandle: RequestHandle { handle }

    /// Whether the operation has completed (`MPI_Test`); true at once for one that already had.
    @inlinable
    public final func hasCompleted() throws(MPIError) -> Bool {
        guard isActive else { return true }
        var flag: Int32 = 0
        try check(MPI_Test(&handle, &flag, &status), "MPI_Test")
        if flag != 0 { isActive = false }
        return flag != 0
    }

    /// Waits until the operation has completed (`MPI_Wait`).
    @inlinable
    public final func waitUntilCompleted() throws(MPIError) {
        guard isActive else { return }
        try check(MPI_Wait(&handle, &status), "MPI_Wait")
        isActive = false
    }

    /// Completes (waits for or cancels) an operation still in flight and frees a persistent handle: called by
    /// every subclass's `deinit` before it releases buffers the operation may still use.
    func finishBeforeRelease() {
        // (Asking MPI whether it is finalized costs a call: only when there is something left to do.)
        guard isActive || isPersistent, !Environment.isFinalized else { return }
        if isActive {
            if cancelsWhenDropped { MPI_Cancel(&handle) }
            MPI_Wait(&handle, cmpi_status_ignore())
            isActive = false
        }
        if isPersistent { MPI_Request_free(&handle) }
    }

    deinit { finishBeforeRelease() }

    /// The source, tag and element count of the last completed receive.
    func lastReceiveStatus<T: MPIElement>(as type: T.Type) throws(MPIError) -> ReceiveStatus {
        let count: Int
        if let largeCount { count = largeCount } else { count = try ReceiveStatus.count(of: status, as: T.self) }
        return ReceiveStatus(source: Int(status.MPI_SOURCE), tag: status.MPI_TAG, count: count)
    }

    // MARK: Completing several

    /// Waits until every request has completed (`MPI_Waitall`).
    @inlinable
    public static func waitAll<Kind: Request>(_ requests: [Kind]) throws(MPIError) {
        try viewed(requests) { (requests) throws(MPIError) in try waitAll(viewed: requests) }
    }

    /// Whether every request has completed (`MPI_Testall`); if not, none is marked complete.
    @inlinable
    public static func testAll<Kind: Request>(_ requests: [Kind]) throws(MPIError) -> Bool {
        try viewed(requests) { (requests) throws(MPIError) in try testAll(viewed: requests) }
    }

    /// Waits until one request completes and returns its index (`MPI_Waitany`); nil when none is active.
    @inlinable
    public static func waitAny<Kind: Request>(_ requests: [Kind]) throws(MPIError) -> Int? {
        try viewed(requests) { (requests) throws(MPIError) in try waitAny(viewed: requests) }
    }

    /// The index of a request that has completed (`MPI_Testany`), or nil when none has yet.
    @inlinable
    public static func testAny<Kind: Request>(_ requests: [Kind]) throws(MPIError) -> Int? {
        try viewed(requests) { (requests) throws(MPIError) in try testAny(viewed: requests) }
    }

    /// Waits until at least one request completes and returns the indices of all that have
    /// (`MPI_Waitsome`); empty when none is active.
    @inlinable
    public static func waitSome<Kind: Request>(_ requests: [Kind]) throws(MPIError) -> [Int] {
        try viewed(requests) { (requests) throws(MPIError) in try waitSome(viewed: requests) }
    }

    /// Starts every persistent request of `requests` (`MPI_Startall`).
    public static func startAll(_ requests: [PersistentRequest]) throws(MPIError) {
        try viewed(requests) { (requests) throws(MPIError) in try startAll(viewed: requests) }
    }

    /// Calls `body` with `requests` seen as plain ``Request``s: converting `[Kind]` to `[Request]` would copy
    /// the array (an allocation per call), and the completions themselves run in this module, compiled
    /// without runtime exclusivity checks.
    @inlinable
    static func viewed<Kind: Request, R>(_ requests: [Kind],
                                         _ body: (UnsafeBufferPointer<Request>) throws(MPIError) -> R) throws(MPIError) -> R {
        try requests.withUnsafeBufferPointer { (typed) throws(MPIError) in
            try typed.withMemoryRebound(to: Request.self) { (plain) throws(MPIError) in try body(plain) }
        }
    }

    @usableFromInline
    static func waitAll(viewed requests: UnsafeBufferPointer<Request>) throws(MPIError) {
        try withHandles(of: requests) { (handles, statuses) throws(MPIError) in
            try check(MPI_Waitall(Int32(handles.count), handles.baseAddress, statuses.baseAddress), "MPI_Waitall")
            completedAll(requests, handles, statuses)
        }
    }

    @usableFromInline
    static func testAll(viewed requests: UnsafeBufferPointer<Request>) throws(MPIError) -> Bool {
        try withHandles(of: requests) { (handles, statuses) throws(MPIError) in
            var flag: Int32 = 0
            try check(MPI_Testall(Int32(handles.count), handles.baseAddress, &flag, statuses.baseAddress), "MPI_Testall")
            if flag != 0 {
                completedAll(requests, handles, statuses)
            }
            return flag != 0
        }
    }

    @usableFromInline
    static func waitAny(viewed requests: UnsafeBufferPointer<Request>) throws(MPIError) -> Int? {
        try withHandles(of: requests) { (handles, _) throws(MPIError) in
            var index: Int32 = 0
            var status = MPI_Status()
            try check(MPI_Waitany(Int32(handles.count), handles.baseAddress, &index, &status), "MPI_Waitany")
            guard index != MPI_UNDEFINED else { return nil }
            requests[Int(index)].completed(handle: handles[Int(index)], status: status)
            return Int(index)
        }
    }

    @usableFromInline
    static func testAny(viewed requests: UnsafeBufferPointer<Request>) throws(MPIError) -> Int? {
        try withHandles(of: requests) { (handles, _) throws(MPIError) in
            var index: Int32 = 0, flag: Int32 = 0
            var status = MPI_Status()
            try check(MPI_Testany(Int32(handles.count), handles.baseAddress, &index, &flag, &status), "MPI_Testany")
            guard flag != 0, index != MPI_UNDEFINED else { return nil }
            requests[Int(index)].completed(handle: handles[Int(index)], status: status)
            return Int(index)
        }
    }

    @usableFromInline
    static func waitSome(viewed requests: UnsafeBufferPointer<Request>) throws(MPIError) -> [Int] {
        try withHandles(of: requests) { (handles, statuses) throws(MPIError) in
            var done: Int32 = 0
            var indices = [Int32](repeating: 0, count: requests.count)
            try check(MPI_Waitsome(Int32(handles.count), handles.baseAddress, &done, &indices, statuses.baseAddress),
                      "MPI_Waitsome")
            guard done != MPI_UNDEFINED else { return [] }
            return (0..<Int(done)).map { slot in
                let index = Int(indices[slot])
                requests[index].completed(handle: handles[index], status: statuses[slot])
                return index
            }
        }
    }

    static func startAll(viewed requests: UnsafeBufferPointer<Request>) throws(MPIError) {
        try withHandles(of: requests) { (handles, _) throws(MPIError) in
            try check(MPI_Startall(Int32(handles.count), handles.baseAddress), "MPI_Startall")
            for index in requests.indices {
                requests[index].handle = handles[index]
                requests[index].isActive = true
            }
        }
    }

    /// Calls `body` with the requests' handles (a completed one as `MPI_REQUEST_NULL`, which MPI skips) and
    /// room for their statuses, on the stack: the C calls on several requests allocate nothing here.
    static func withHandles<R>(of requests: UnsafeBufferPointer<Request>,
                               _ body: (UnsafeMutableBufferPointer<RequestHandle>, UnsafeMutableBufferPointer<MPI_Status>) throws(MPIError) -> R)
        throws(MPIError) -> R {
        try withUnsafeTemporaryAllocation(of: RequestHandle.self, capacity: requests.count) { (handles) throws(MPIError) in
            for index in requests.indices {
                handles.initializeElement(at: index, to: borrowing(requests, index) { request in
                    request.isActive || request.isPersistent ? request.handle : cmpi_request_null()
                })
            }
            return try withUnsafeTemporaryAllocation(of: MPI_Status.self, capacity: requests.count) { (statuses) throws(MPIError) in
                try body(handles, statuses)
            }
        }
    }

    /// Records the completion of every request, as `MPI_Waitall` or `MPI_Testall` reported it.
    static func completedAll(_ requests: UnsafeBufferPointer<Request>, _ handles: UnsafeMutableBufferPointer<RequestHandle>,
                             _ statuses: UnsafeMutableBufferPointer<MPI_Status>) {
        for index in requests.indices {
            borrowing(requests, index) { $0.completed(handle: handles[index], status: statuses[index]) }
        }
    }

    /// Calls `body` with the request at `index` without retaining it (the caller's array holds it): a
    /// retain and a release per request were a fifth of a small exchange's cost.
    @inline(__always)
    static func borrowing<R>(_ requests: UnsafeBufferPointer<Request>, _ index: Int, _ body: (Request) -> R) -> R {
        UnsafeRawPointer(requests.baseAddress! + index).load(as: Unmanaged<Request>.self)._withUnsafeGuaranteedRef(body)
    }

    /// Records a completion that a call on several requests reported.
    final func completed(handle: RequestHandle, status: MPI_Status) {
        guard isActive else { return }
        self.handle = handle
        self.status = status
        isActive = false
    }
}

/// A nonblocking send (`MPI_Isend`) of an array: the request holds the array itself (no copy: an array is a
/// value, so a caller that changes its own afterwards gets a copy of its own, and the storage sent stays as
/// it was) until the send completes.
public final class SendRequest<T: MPIElement>: Request {
    private let values: [T]

    init(values: [T], destination: Int, tag: Int32, communicator: Communicator) throws(MPIError) {
        try communicator.checkRank(destination, "destination", "MPI_Isend")
        self.values = values
        super.init()
        // The storage's address is stable while `values` holds it unchanged, which this request does.
        let start = values.withUnsafeBufferPointer { $0.baseAddress }
        try LargeCount.with(values.count, of: T.self) { (count, datatype) throws(MPIError) in
            try check(MPI_Isend(start, count, datatype, Int32(destination), tag, communicator.handle, &handle), "MPI_Isend")
        }
        isActive = true
    }

    /// Whether the send has completed (`MPI_Test`).
    public func test() throws(MPIError) -> Bool { try hasCompleted() }

    /// Waits until the send has completed (`MPI_Wait`).
    public func wait() throws(MPIError) { try waitUntilCompleted() }

    deinit { finishBeforeRelease() }
}

/// A nonblocking receive (`MPI_Irecv`) that owns its buffer, an array the message is received into; the
/// values are reachable through the ``Message`` that ``test()`` or ``wait()`` returns once it has completed
/// (the array itself, no copy, when the message fills it). Dropping it incomplete cancels it.
public final class ReceiveRequest<T: MPIElement>: Request {
    private var storage: [T]

    init(capacity: Int, source: Int?, tag: Int32?, communicator: Communicator) throws(MPIError) {
        if let source { try communicator.checkRank(source, "source", "MPI_Irecv") }
        guard capacity >= 0 else { throw MPIError(.count, function: "MPI_Irecv", reason: "a receive of capacity \(capacity)") }
        // Elements MPI overwrites; bitwise-copyable values need no initialisation to be sound.
        storage = [T](unsafeUninitializedCapacity: capacity) { _, initialized in initialized = capacity }
        super.init(cancelsWhenDropped: true)
        // The storage's address is stable while this request holds it, uniquely and unchanged, until completion.
        let start = storage.withUnsafeMutableBufferPointer { $0.baseAddress }
        try LargeCount.with(capacity, of: T.self) { (count, datatype) throws(MPIError) in
            try check(MPI_Irecv(start, count, datatype, source.map(Int32.init) ?? MPI_ANY_SOURCE, tag ?? MPI_ANY_TAG,
                                communicator.handle, &handle), "MPI_Irecv")
        }
        largeCount = Int32(exactly: capacity) == nil ? capacity : nil
        isActive = true
    }

    /// The message if it has arrived (`MPI_Test`), else nil.
    public func test() throws(MPIError) -> Message<T>? {
        try hasCompleted() ? try message() : nil
    }

    /// Waits for the message (`MPI_Wait`).
    public func wait() throws(MPIError) -> Message<T> {
        try waitUntilCompleted()
        return try message()
    }

    /// The message of a completed receive (after ``Request/waitAll(_:)``, say).
    public func message() throws(MPIError) -> Message<T> {
        guard !isActive else { throw MPIError(.pending, function: "MPI_Irecv", reason: "the receive has not completed") }
        let count = try lastReceiveStatus(as: T.self).count
        let values = count == storage.count ? storage : Array(storage[..<count])
        return Message(values: values, source: Int(status.MPI_SOURCE), tag: status.MPI_TAG)
    }

    deinit { finishBeforeRelease() }
}

/// An operation on buffers the caller owns (`MPI_Isend` of an `UnsafeBufferPointer`, `MPI_Irecv` into one,
/// a nonblocking collective on buffers, `MPI_Ibarrier`): no copy, no allocation but the request. The caller
/// keeps the buffers alive and untouched until it completes.
public final class BufferRequest: Request {
    /// Where a completed receive came from and how many elements it brought (of the type it was posted with).
    public func receiveStatus<T: MPIElement>(as type: T.Type) throws(MPIError) -> ReceiveStatus {
        try lastReceiveStatus(as: T.self)
    }

    /// An idle request, for the `reusing:` forms of ``Communicator/isend(_:to:tag:reusing:)`` and
    /// ``Communicator/ireceive(into:from:tag:reusing:)`` to start operations in, round after round.
    public init() {
        super.init()
    }

    /// Runs the C call that starts the operation, on this request's handle.
    @inlinable
    init(cancelsWhenDropped: Bool = false, _ function: String,
         _ start: (inout RequestHandle) -> Int32) throws(MPIError) {
        super.init(cancelsWhenDropped: cancelsWhenDropped)
        try check(start(&handle), function)
        isActive = true
    }

    deinit { finishBeforeRelease() }
}

/// A nonblocking collective that owns its input and result (`MPI_Iallreduce` of an array, …): ``wait()``
/// returns the result.
public final class ArrayRequest<T: MPIElement>: Request {
    private let input: UnsafeMutableBufferPointer<T>
    private let result: UnsafeMutableBufferPointer<T>
    private let resultCount: Int

    init(input values: [T], resultCount: Int, _ function: String,
         _ start: (UnsafeMutableBufferPointer<T>, UnsafeMutableBufferPointer<T>, inout RequestHandle) -> Int32) throws(MPIError) {
        input = .allocate(capacity: Swift.max(values.count, 1))
        _ = input.initialize(fromContentsOf: values)
        result = .allocate(capacity: Swift.max(resultCount, 1))
        self.resultCount = resultCount
        super.init()
        try check(start(input, result, &handle), function)
        isActive = true
    }

    /// Waits for the collective (`MPI_Wait`) and returns its result.
    public func wait() throws(MPIError) -> [T] {
        try waitUntilCompleted()
        return Array(UnsafeBufferPointer(rebasing: result[..<resultCount]))
    }

    /// The result if the collective has completed (`MPI_Test`), else nil.
    public func test() throws(MPIError) -> [T]? {
        try hasCompleted() ? Array(UnsafeBufferPointer(rebasing: result[..<resultCount])) : nil
    }

    deinit {
        finishBeforeRelease()
        input.deallocate()
        result.deallocate()
    }
}

/// A persistent send or receive on a caller's buffer (`MPI_Send_init`, `MPI_Recv_init`), set up once and
/// started each iteration (``start()``, ``Request/startAll(_:)``), then waited like any request. The caller
/// keeps the buffer alive while the request exists. Freed (`MPI_Request_free`) when it goes.
public final class PersistentRequest: Request {
    init(_ function: String, _ create: (inout RequestHandle) -> Int32) throws(MPIError) {
        super.init(isPersistent: true)
        try check(create(&handle), function)
    }

    /// Starts one round of the operation (`MPI_Start`).
    public func start() throws(MPIError) {
        try check(MPI_Start(&handle), "MPI_Start")
        isActive = true
    }

    /// Where the last completed receive came from and how many elements it brought.
    public func receiveStatus<T: MPIElement>(as type: T.Type) throws(MPIError) -> ReceiveStatus {
        try lastReceiveStatus(as: T.self)
    }

    deinit { finishBeforeRelease() }
}

extension Communicator {
    /// Starts sending `values` to `destination` (`MPI_Isend`); the request keeps its own copy.
    public func isend<T: MPIElement>(_ values: [T], to destination: Int, tag: Int32) throws(MPIError) -> SendRequest<T> {
        try SendRequest(values: values, destination: destination, tag: tag, communicator: self)
    }

    /// Starts receiving up to `capacity` values (`MPI_Irecv`) from `source` (nil: any source) with `tag`
    /// (nil: any tag), into a buffer the request owns.
    public func ireceive<T: MPIElement>(capacity: Int, from source: Int? = nil, tag: Int32? = nil,
                                       as type: T.Type = T.self) throws(MPIError) -> ReceiveRequest<T> {
        try ReceiveRequest(capacity: capacity, source: source, tag: tag, communicator: self)
    }

    /// Starts sending the caller's `buffer` (`MPI_Isend`): no copy. Keep the buffer alive and unchanged until
    /// the request completes.
    @inlinable
    public func isend<T: MPIElement>(_ buffer: UnsafeBufferPointer<T>, to destination: Int, tag: Int32) throws(MPIError) -> BufferRequest {
        try checkRank(destination, "destination", "MPI_Isend")
        return try LargeCount.with(buffer.count, of: T.self) { (count, datatype) throws(MPIError) in
            try BufferRequest("MPI_Isend") {
                MPI_Isend(buffer.baseAddress, count, datatype, Int32(destination), tag, handle, &$0)
            }
        }
    }

    /// Starts receiving into the caller's `buffer` (`MPI_Irecv`): no allocation but the request. Keep the
    /// buffer alive until the request completes; ``BufferRequest/receiveStatus(as:)`` then tells the count.
    /// A message longer than `Int32.max` elements must fill the buffer exactly.
    @inlinable
    public func ireceive<T: MPIElement>(into buffer: UnsafeMutableBufferPointer<T>, from source: Int? = nil,
                                       tag: Int32? = nil) throws(MPIError) -> BufferRequest {
        if let source { try checkRank(source, "source", "MPI_Irecv") }
        let request = try LargeCount.with(buffer.count, of: T.self) { (count, datatype) throws(MPIError) in
            try BufferRequest(cancelsWhenDropped: true, "MPI_Irecv") {
                MPI_Irecv(buffer.baseAddress, count, datatype, source.map(Int32.init) ?? MPI_ANY_SOURCE,
                          tag ?? MPI_ANY_TAG, handle, &$0)
            }
        }
        request.largeCount = Int32(exactly: buffer.count) == nil ? buffer.count : nil
        return request
    }

    /// A persistent send of the caller's `buffer` to `destination` (`MPI_Send_init`), started each round.
    public func persistentSend<T: MPIElement>(_ buffer: UnsafeBufferPointer<T>, to destination: Int,
                                              tag: Int32) throws(MPIError) -> PersistentRequest {
        try checkRank(destination, "destination", "MPI_Send_init")
        return try LargeCount.with(buffer.count, of: T.self) { (count, datatype) throws(MPIError) in
            try PersistentRequest("MPI_Send_init") {
                MPI_Send_init(buffer.baseAddress, count, datatype, Int32(destination), tag, handle, &$0)
            }
        }
    }

    /// A persistent receive into the caller's `buffer` from `source` (`MPI_Recv_init`), started each round.
    /// A message longer than `Int32.max` elements must fill the buffer exactly.
    public func persistentReceive<T: MPIElement>(into buffer: UnsafeMutableBufferPointer<T>, from source: Int? = nil,
                                                 tag: Int32? = nil) throws(MPIError) -> PersistentRequest {
        if let source { try checkRank(source, "source", "MPI_Recv_init") }
        let request = try LargeCount.with(buffer.count, of: T.self) { (count, datatype) throws(MPIError) in
            try PersistentRequest("MPI_Recv_init") {
                MPI_Recv_init(buffer.baseAddress, count, datatype, source.map(Int32.init) ?? MPI_ANY_SOURCE,
                              tag ?? MPI_ANY_TAG, handle, &$0)
            }
        }
        request.largeCount = Int32(exactly: buffer.count) == nil ? buffer.count : nil
        return request
    }

    // MARK: Nonblocking collectives

    /// Starts a barrier (`MPI_Ibarrier`): it completes once every process has started it.
    public func ibarrier() throws(MPIError) -> BufferRequest {
        try BufferRequest("MPI_Ibarrier") { MPI_Ibarrier(handle, &$0) }
    }

    /// Starts combining `values` element-wise across all processes (`MPI_Iallreduce`); ``ArrayRequest/wait()``
    /// returns the result on every process.
    public func iallreduce<T: MPIElement>(_ values: [T], _ operation: ReductionOperation<T>) throws(MPIError) -> ArrayRequest<T> {
        try LargeCount.reducing(values.count, of: T.self, operation.handle) { (count, datatype, op) throws(MPIError) in
            try ArrayRequest(input: values, resultCount: values.count, "MPI_Iallreduce") { input, result, request in
                MPI_Iallreduce(input.baseAddress, result.baseAddress, count, datatype, op, handle, &request)
            }
        }
    }

    /// Starts combining the caller's `values` into the caller's `result` on every process (`MPI_Iallreduce`):
    /// no copy. Keep both buffers alive and untouched until the request completes.
    public func iallreduce<T: MPIElement>(_ values: UnsafeBufferPointer<T>, into result: UnsafeMutableBufferPointer<T>,
                                          _ operation: ReductionOperation<T>) throws(MPIError) -> BufferRequest {
        guard values.count == result.count else {
            throw MPIError(.count, function: "MPI_Iallreduce", reason: "\(values.count) values into a buffer of \(result.count)")
        }
        return try LargeCount.reducing(values.count, of: T.self, operation.handle) { (count, datatype, op) throws(MPIError) in
            try BufferRequest("MPI_Iallreduce") {
                MPI_Iallreduce(values.baseAddress, result.baseAddress, count, datatype, op, handle, &$0)
            }
        }
    }

    /// Starts gathering every process's `values` (the same count on each) on every process, in rank order
    /// (`MPI_Iallgather`).
    public func iallgather<T: MPIElement>(_ values: [T]) throws(MPIError) -> ArrayRequest<T> {
        try LargeCount.with(values.count, of: T.self) { (count, datatype) throws(MPIError) in
            try ArrayRequest(input: values, resultCount: values.count * size, "MPI_Iallgather") { input, result, request in
                MPI_Iallgather(input.baseAddress, count, datatype, result.baseAddress, count, datatype, handle, &request)
            }
        }
    }

    /// Combines `values` element-wise across all processes and scatters the result in blocks of
    /// `values.count / size`, block `r` to rank `r` (`MPI_Reduce_scatter_block`).
    public func reduceScatterBlock<T: MPIElement>(_ values: [T], _ operation: ReductionOperation<T>) throws(MPIError) -> [T] {
        guard values.count % size == 0 else {
            throw MPIError(.count, function: "MPI_Reduce_scatter_block", reason: "\(values.count) values do not split evenly among \(size) ranks")
        }
        let block = values.count / size
        let count = try mpiCount(block)
        return try values.withUnsafeBufferPointer { (send) throws(MPIError) in
            try [T](unsafeUninitializedCapacity: block) { (receive, initialized) throws(MPIError) in
                try check(MPI_Reduce_scatter_block(send.baseAddress, receive.baseAddress, count, T.mpiDatatype.handle,
                                                   operation.handle, handle), "MPI_Reduce_scatter_block")
                initialized = block
            }
        }
    }
}

extension Root {
    /// Starts overwriting the caller's `buffer` on every process with the root's (`MPI_Ibcast`): the same
    /// count everywhere. Keep the buffer alive and untouched until the request completes.
    public func ibroadcast<T: MPIElement>(_ buffer: UnsafeMutableBufferPointer<T>) throws(MPIError) -> BufferRequest {
        let root = try checkedRoot("MPI_Ibcast")
        return try LargeCount.with(buffer.count, of: T.self) { (count, datatype) throws(MPIError) in
            try BufferRequest("MPI_Ibcast") { MPI_Ibcast(buffer.baseAddress, count, datatype, root, comm, &$0) }
        }
    }

    /// Starts combining `values` element-wise at the root (`MPI_Ireduce`); ``ArrayRequest/wait()`` returns
    /// the result at the root and an empty array elsewhere.
    public func ireduce<T: MPIElement>(_ values: [T], _ operation: ReductionOperation<T>) throws(MPIError) -> ArrayRequest<T> {
        let root = try checkedRoot("MPI_Ireduce")
        return try LargeCount.reducing(values.count, of: T.self, operation.handle) { (count, datatype, op) throws(MPIError) in
            try ArrayRequest(input: values, resultCount: isCallerRoot ? values.count : 0, "MPI_Ireduce") { input, result, request in
                MPI_Ireduce(input.baseAddress, result.baseAddress, count, datatype, op, root, comm, &request)
            }
        }
    }
}

extension SendRequest {
    /// Waits until every send of `requests` has completed (`MPI_Waitall`).
    public static func waitAll(_ requests: [SendRequest<T>]) throws(MPIError) {
        try Request.waitAll(requests)
    }
}

extension ReceiveRequest {
    /// Waits until every receive of `requests` has completed (`MPI_Waitall`) and returns their messages in
    /// the same order.
    public static func waitAll(_ requests: [ReceiveRequest<T>]) throws(MPIError) -> [Message<T>] {
        try Request.waitAll(requests)
        return try requests.map { (request) throws(MPIError) in try request.message() }
    }
}
