import CMPI

/// A file that the processes of a communicator open together and read and write in parallel (MPI-IO,
/// `MPI_File`): each process at its own offsets, independently (`write(_:at:)`) or collectively
/// (`writeAll(_:at:)`, which lets MPI merge the processes' pieces into large contiguous requests).
///
/// Offsets count elements of the view's element type: bytes until ``setView(displacement:elementType:fileType:)``
/// says otherwise. Close it with ``close()`` (collective) on every process; a file still open when the last
/// reference goes is closed then, which is collective too, so drop it at the same point on every rank.
public final class File: @unchecked Sendable {
    /// The C handle (`MPI_File`), for the calls the wrapper lacks; valid until ``close()``.
    public private(set) var rawHandle: MPI_File
    private var isOpen = true

    /// How to open a file (`MPI_MODE_*`); combine them: `[.create, .writeOnly]`.
    public struct Mode: OptionSet, Sendable {
        public let rawValue: Int32
        public init(rawValue: Int32) { self.rawValue = rawValue }
        /// `MPI_MODE_RDONLY`.
        public static var readOnly: Mode { Mode(rawValue: Int32(MPI_MODE_RDONLY)) }
        /// `MPI_MODE_WRONLY`.
        public static var writeOnly: Mode { Mode(rawValue: Int32(MPI_MODE_WRONLY)) }
        /// `MPI_MODE_RDWR`.
        public static var readWrite: Mode { Mode(rawValue: Int32(MPI_MODE_RDWR)) }
        /// `MPI_MODE_CREATE`: create the file if it does not exist.
        public static var create: Mode { Mode(rawValue: Int32(MPI_MODE_CREATE)) }
        /// `MPI_MODE_EXCL`: fail if it exists (with ``create``).
        public static var exclusive: Mode { Mode(rawValue: Int32(MPI_MODE_EXCL)) }
        /// `MPI_MODE_DELETE_ON_CLOSE`.
        public static var deleteOnClose: Mode { Mode(rawValue: Int32(MPI_MODE_DELETE_ON_CLOSE)) }
    }

    /// Opens `path` on every process of `communicator` (`MPI_File_open`, collective; every process passes
    /// the same path and mode). A missing file, a directory or no permission throws (`MPI_ERR_NO_SUCH_FILE`,
    /// `MPI_ERR_ACCESS`, … in ``MPIError/errorClass``).
    public init(opening path: String, _ mode: Mode, on communicator: Communicator) throws(MPIError) {
        var file = cmpi_file_null()
        try check(MPI_File_open(communicator.handle, path, mode.rawValue, cmpi_info_null(), &file), "MPI_File_open")
        rawHandle = unwrapped(file)
    }

    /// Closes the file (`MPI_File_close`, collective). Calling it again does nothing.
    public func close() throws(MPIError) {
        guard isOpen else { return }
        isOpen = false
        var file = cmpi_file_null()
        file = rawHandle
        try check(MPI_File_close(&file), "MPI_File_close")
    }

    deinit {
        if isOpen && !Environment.isFinalized { try? close() }
    }

    /// Deletes the file at `path` (`MPI_File_delete`); call it from one process.
    public static func delete(_ path: String) throws(MPIError) {
        try check(MPI_File_delete(path, cmpi_info_null()), "MPI_File_delete")
    }

    /// The file's size in bytes (`MPI_File_get_size`).
    public func size() throws(MPIError) -> Int {
        var size: MPI_Offset = 0
        try check(MPI_File_get_size(rawHandle, &size), "MPI_File_get_size")
        return Int(size)
    }

    /// Sets the file's size in bytes, truncating or extending it (`MPI_File_set_size`, collective).
    public func setSize(_ bytes: Int) throws(MPIError) {
        try check(MPI_File_set_size(rawHandle, MPI_Offset(bytes)), "MPI_File_set_size")
    }

    /// Sets this process's view of the file (`MPI_File_set_view`, collective, native representation): it
    /// starts `displacement` bytes in, offsets count `elementType` elements, and only the elements the
    /// `fileType` layout selects (tiled through the file) are this process's — a ``DerivedDatatype`` such as a
    /// subarray makes each process see its own block of a global array. Without `fileType`, every element
    /// from the displacement on is visible.
    public func setView<T: MPIElement>(displacement: Int = 0, elementType: T.Type,
                                       fileType: DerivedDatatype? = nil) throws(MPIError) {
        let element = T.mpiDatatype.handle
        try check(MPI_File_set_view(rawHandle, MPI_Offset(displacement), element, fileType?.datatype.handle ?? element,
                                    "native", cmpi_info_null()), "MPI_File_set_view")
    }

    /// Makes what this process wrote durable and visible to the others (`MPI_File_sync`, collective).
    public func sync() throws(MPIError) { try check(MPI_File_sync(rawHandle), "MPI_File_sync") }

    // MARK: Reading and writing at offsets

    /// Writes `values` at `offset` (`MPI_File_write_at`), independently of the other processes.
    public func write<T: MPIElement>(_ values: UnsafeBufferPointer<T>, at offset: Int) throws(MPIError) {
        try transfer(values.count, T.self, "MPI_File_write_at") { (count, type, status) in
            MPI_File_write_at(rawHandle, MPI_Offset(offset), values.baseAddress, count, type, status)
        }
    }

    /// Writes `values` at `offset` together with every process (`MPI_File_write_at_all`, collective: a
    /// process with nothing to write passes an empty buffer).
    public func writeAll<T: MPIElement>(_ values: UnsafeBufferPointer<T>, at offset: Int) throws(MPIError) {
        try transfer(values.count, T.self, "MPI_File_write_at_all") { (count, type, status) in
            MPI_File_write_at_all(rawHandle, MPI_Offset(offset), values.baseAddress, count, type, status)
        }
    }

    /// Reads into `buffer` from `offset` (`MPI_File_read_at`) and returns how many elements were read
    /// (fewer than the buffer holds at the end of the file).
    @discardableResult
    public func read<T: MPIElement>(into buffer: UnsafeMutableBufferPointer<T>, at offset: Int) throws(MPIError) -> Int {
        try transfer(buffer.count, T.self, "MPI_File_read_at") { (count, type, status) in
            MPI_File_read_at(rawHandle, MPI_Offset(offset), buffer.baseAddress, count, type, status)
        }
    }

    /// Reads into `buffer` from `offset` together with every process (`MPI_File_read_at_all`, collective)
    /// and returns how many elements were read.
    @discardableResult
    public func readAll<T: MPIElement>(into buffer: UnsafeMutableBufferPointer<T>, at offset: Int) throws(MPIError) -> Int {
        try transfer(buffer.count, T.self, "MPI_File_read_at_all") { (count, type, status) in
            MPI_File_read_at_all(rawHandle, MPI_Offset(offset), buffer.baseAddress, count, type, status)
        }
    }

    /// Writes `values` (arrays: the convenient form of ``write(_:at:)``).
    public func write<T: MPIElement>(_ values: [T], at offset: Int) throws(MPIError) {
        try values.withUnsafeBufferPointer { (buffer) throws(MPIError) in try write(buffer, at: offset) }
    }

    /// Writes `values` collectively (arrays: the convenient form of ``writeAll(_:at:)``).
    public func writeAll<T: MPIElement>(_ values: [T], at offset: Int) throws(MPIError) {
        try values.withUnsafeBufferPointer { (buffer) throws(MPIError) in try writeAll(buffer, at: offset) }
    }

    /// Reads up to `count` elements from `offset`, collectively, into a new array of the elements read.
    public func readAll<T: MPIElement>(count: Int, at offset: Int, as type: T.Type = T.self) throws(MPIError) -> [T] {
        try [T](unsafeUninitializedCapacity: count) { (buffer, initialized) throws(MPIError) in
            initialized = try readAll(into: buffer, at: offset)
        }
    }

    /// One read or write of `count` elements of `T` (through a derived type past `Int32.max` elements);
    /// returns the elements moved, from the status.
    @discardableResult
    private func transfer<T: MPIElement>(_ count: Int, _ type: T.Type, _ function: String,
                                         _ call: (Int32, MPI_Datatype, UnsafeMutablePointer<MPI_Status>) -> Int32) throws(MPIError) -> Int {
        var status = MPI_Status()
        var moved = 0
        try LargeCount.with(count, of: T.self) { (mpiCount, datatype) throws(MPIError) in
            try check(call(mpiCount, datatype, &status), function)
            if Int32(exactly: count) != nil {
                moved = try ReceiveStatus.count(of: status, as: T.self)
            } else {
                // One item of the derived type stands for all `count` elements: whole or nothing is countable.
                var items: Int32 = 0
                try check(MPI_Get_count(&status, datatype, &items), "MPI_Get_count")
                guard items == 1 else {
                    throw MPIError(.count, function: function, reason: "a partial transfer past Int32.max elements cannot be counted")
                }
                moved = count
            }
        }
        return moved
    }
}
