import CMPI

/// Memory that every process of a communicator exposes to the others for one-sided communication
/// (`MPI_Win`): `put`, `get` and `accumulate` reach a target's memory without the target taking part.
///
/// Each process owns `count` elements of `T` (``local``). Operations are positioned in elements from the
/// start of the target's memory, and take effect only when an epoch closes: between two ``fence()`` calls
/// (active target, every process at once), or between ``lock(_:_:)`` and ``unlock(_:)`` of one target
/// (passive target: the target does nothing). Read ``local`` or a `get`'s buffer only after that. The window
/// is freed (`MPI_Win_free`, collective) when the last reference goes: drop it at the same point on every rank.
///
/// Accumulations take predefined operations only (`.sum`, `.max`, …, ``ReductionOperation/replace``): MPI
/// refuses user-defined ones such as `UInt128`'s `.sum`.
public final class Window<T: MPIElement>: @unchecked Sendable {
    /// The C handle (`MPI_Win`), for the calls the wrapper lacks; valid while this window exists.
    public let rawHandle: MPI_Win
    /// The memory this process exposes: `count` elements, zeroed when the window is allocated.
    public let local: UnsafeMutableBufferPointer<T>

    /// Allocates `count` elements of `T` on each process (`count` may differ between processes) and exposes
    /// them (`MPI_Win_allocate`, collective over `communicator`). The memory is MPI's, zero-filled, and lives
    /// as long as the window. Each process's share is padded to a multiple of 64 bytes (a cache line, so
    /// neighbours' shares share none; and MPICH 4.0's shared-memory windows misplace remote accesses into
    /// shares of other sizes).
    public init(allocating count: Int, on communicator: Communicator) throws(MPIError) {
        (rawHandle, local) = try Self.allocate(count, "MPI_Win_allocate") {
            MPI_Win_allocate($0, $1, cmpi_info_null(), communicator.handle, &$2, &$3)
        }
        try check(MPI_Win_set_errhandler(rawHandle, cmpi_errors_return()), "MPI_Win_set_errhandler")
    }

    /// Exposes the caller's `memory` (`MPI_Win_create`, collective). Keep it alive, and touch it only
    /// between epochs, until the window is gone.
    public init(exposing memory: UnsafeMutableBufferPointer<T>, on communicator: Communicator) throws(MPIError) {
        var window = cmpi_win_null()
        try check(MPI_Win_create(memory.baseAddress, MPI_Aint(memory.count * MemoryLayout<T>.stride),
                                 Int32(MemoryLayout<T>.stride), cmpi_info_null(), communicator.handle, &window),
                  "MPI_Win_create")
        rawHandle = unwrapped(window)
        local = memory
        try check(MPI_Win_set_errhandler(rawHandle, cmpi_errors_return()), "MPI_Win_set_errhandler")
    }

    /// Allocates `count` elements of `T` on each process in memory that every process of `communicator` —
    /// all on one node (``Communicator/splitByNode(key:)``) — can load and store directly
    /// (`MPI_Win_allocate_shared`, collective): the processes of a node share one copy of a large table, the
    /// others reading it through ``sharedMemory(of:)``. Zero-filled; shares padded to 64 bytes as in
    /// ``init(allocating:on:)``. Direct loads and stores follow the same epochs as `put` and `get`: write,
    /// then ``fence()``, then read.
    public init(allocatingShared count: Int, on communicator: Communicator) throws(MPIError) {
        (rawHandle, local) = try Self.allocate(count, "MPI_Win_allocate_shared") {
            MPI_Win_allocate_shared($0, $1, cmpi_info_null(), communicator.handle, &$2, &$3)
        }
        try check(MPI_Win_set_errhandler(rawHandle, cmpi_errors_return()), "MPI_Win_set_errhandler")
    }

    /// Runs an allocating window call for `count` elements (bytes padded to 64, the element as the
    /// displacement unit) and returns the window with its zero-filled memory.
    private static func allocate(
        _ count: Int, _ function: String,
        _ call: (MPI_Aint, Int32, inout UnsafeMutableRawPointer?, inout WindowHandle) -> Int32
    ) throws(MPIError) -> (MPI_Win, UnsafeMutableBufferPointer<T>) {
        var base: UnsafeMutableRawPointer? = nil
        var window: WindowHandle = cmpi_win_null()
        try check(call(MPI_Aint((count * MemoryLayout<T>.stride + 63) / 64 * 64), Int32(MemoryLayout<T>.stride), &base, &window),
                  function)
        let start = base?.bindMemory(to: T.self, capacity: count)
        let local = UnsafeMutableBufferPointer(start: start, count: start == nil ? 0 : count)
        local.withMemoryRebound(to: UInt8.self) { $0.update(repeating: 0) }
        return (unwrapped(window), local)
    }

    /// The share of `rank` in a window from ``init(allocatingShared:on:)``, as this process addresses it
    /// (`MPI_Win_shared_query`): its elements, the 64-byte padding's included.
    public func sharedMemory(of rank: Int) throws(MPIError) -> UnsafeMutableBufferPointer<T> {
        var size: MPI_Aint = 0, unit: Int32 = 0
        var base: UnsafeMutableRawPointer? = nil
        try check(MPI_Win_shared_query(rawHandle, Int32(rank), &size, &unit, &base), "MPI_Win_shared_query")
        let count = Int(size) / MemoryLayout<T>.stride
        return UnsafeMutableBufferPointer(start: count == 0 ? nil : base?.bindMemory(to: T.self, capacity: count), count: count)
    }

    deinit {
        if !Environment.isFinalized {
            var freed = cmpi_win_null()
            freed = rawHandle
            MPI_Win_free(&freed)
        }
    }

    // MARK: Synchronisation

    /// Closes the current active-target epoch and opens the next (`MPI_Win_fence`, collective): every
    /// operation started before it, by any process, is complete after it.
    public func fence() throws(MPIError) {
        try check(MPI_Win_fence(0, rawHandle), "MPI_Win_fence")
    }

    /// How a passive-target epoch shares its target with other processes' epochs.
    public enum LockKind: Sendable {
        /// No other process holds the target at the same time (`MPI_LOCK_EXCLUSIVE`).
        case exclusive
        /// Other shared epochs may overlap this one (`MPI_LOCK_SHARED`).
        case shared
    }

    /// Opens a passive-target epoch on `target` (`MPI_Win_lock`); the target takes no part.
    public func lock(_ target: Int, _ kind: LockKind = .exclusive) throws(MPIError) {
        let type = kind == .exclusive ? Int32(MPI_LOCK_EXCLUSIVE) : Int32(MPI_LOCK_SHARED)
        try check(MPI_Win_lock(type, Int32(target), 0, rawHandle), "MPI_Win_lock")
    }

    /// Closes the epoch on `target` (`MPI_Win_unlock`): this process's operations on it are complete there.
    public func unlock(_ target: Int) throws(MPIError) {
        try check(MPI_Win_unlock(Int32(target), rawHandle), "MPI_Win_unlock")
    }

    /// Opens a shared epoch on every process at once (`MPI_Win_lock_all`).
    public func lockAll() throws(MPIError) { try check(MPI_Win_lock_all(0, rawHandle), "MPI_Win_lock_all") }

    /// Closes the epoch of ``lockAll()`` (`MPI_Win_unlock_all`).
    public func unlockAll() throws(MPIError) { try check(MPI_Win_unlock_all(rawHandle), "MPI_Win_unlock_all") }

    /// Completes this process's operations on `target` without closing the epoch (`MPI_Win_flush`).
    public func flush(_ target: Int) throws(MPIError) { try check(MPI_Win_flush(Int32(target), rawHandle), "MPI_Win_flush") }

    /// Runs `body` inside a passive-target epoch on `target`: lock, body, unlock (also when `body` throws).
    public func withLock<R>(_ target: Int, _ kind: LockKind = .exclusive,
                            _ body: () throws(MPIError) -> R) throws(MPIError) -> R {
        try lock(target, kind)
        let result: R
        do { result = try body() } catch { try? unlock(target); throw error }
        try unlock(target)
        return result
    }

    // MARK: Operations

    /// Writes `values` into `target`'s memory at element `offset` (`MPI_Put`). Keep `values` unchanged
    /// until the epoch closes.
    public func put(_ values: UnsafeBufferPointer<T>, to target: Int, at offset: Int) throws(MPIError) {
        try LargeCount.with(values.count, of: T.self) { (count, datatype) throws(MPIError) in
            try check(MPI_Put(values.baseAddress, count, datatype, Int32(target), MPI_Aint(offset), count, datatype,
                              rawHandle), "MPI_Put")
        }
    }

    /// Reads `buffer.count` elements of `target`'s memory from element `offset` into `buffer` (`MPI_Get`);
    /// they are there once the epoch closes (or after ``flush(_:)``).
    public func get(into buffer: UnsafeMutableBufferPointer<T>, from target: Int, at offset: Int) throws(MPIError) {
        try LargeCount.with(buffer.count, of: T.self) { (count, datatype) throws(MPIError) in
            try check(MPI_Get(buffer.baseAddress, count, datatype, Int32(target), MPI_Aint(offset), count, datatype,
                              rawHandle), "MPI_Get")
        }
    }

    /// Combines `values` element-wise into `target`'s memory at element `offset` (`MPI_Accumulate`):
    /// concurrent accumulations to the same elements are atomic per element.
    public func accumulate(_ values: UnsafeBufferPointer<T>, to target: Int, at offset: Int,
                           _ operation: ReductionOperation<T>) throws(MPIError) {
        let count = try mpiCount(values.count)
        try check(MPI_Accumulate(values.baseAddress, count, T.mpiDatatype.handle, Int32(target), MPI_Aint(offset),
                                 count, T.mpiDatatype.handle, operation.handle, rawHandle), "MPI_Accumulate")
    }

    /// Atomically combines `value` into the element at `offset` of `target`'s memory and returns the element
    /// as it was (`MPI_Fetch_and_op`, then `MPI_Win_flush` so the old value is there): a shared counter that
    /// hands out work. Call it inside a passive-target epoch on `target`.
    public func fetchAndOperate(_ value: T, on target: Int, at offset: Int,
                                _ operation: ReductionOperation<T>) throws(MPIError) -> T {
        var operand = value
        var previous = value
        try check(MPI_Fetch_and_op(&operand, &previous, T.mpiDatatype.handle, Int32(target), MPI_Aint(offset),
                                   operation.handle, rawHandle), "MPI_Fetch_and_op")
        try flush(target)
        return previous
    }
}

extension ReductionOperation {
    /// `MPI_REPLACE`: the accumulated value replaces the target's (one-sided accumulations only).
    public static var replace: Self { Self(cmpi_op_replace()) }
    /// `MPI_NO_OP`: leaves the target unchanged, so ``Window/fetchAndOperate(_:on:at:_:)`` is an atomic read.
    public static var noOperation: Self { Self(cmpi_op_no_op()) }
}
