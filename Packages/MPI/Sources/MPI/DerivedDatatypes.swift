import CMPI

/// A committed MPI datatype that picks elements out of memory with a layout — every `stride`-th element (a
/// matrix column), listed blocks, a sub-block of an array — so that a halo column travels without packing.
/// Freed (`MPI_Type_free`) when the last reference goes. Used with the raw-memory forms of send, receive
/// and ``RequestGroup``, which take a start address and a count of these.
public final class DerivedDatatype: @unchecked Sendable {
    /// The datatype, for the calls that take one.
    public let datatype: Datatype

    private init(_ function: String, _ make: (inout DatatypeHandle) -> Int32) throws(MPIError) {
        var made: DatatypeHandle = cmpi_datatype_null()
        try check(make(&made), function)
        try check(MPI_Type_commit(&made), "MPI_Type_commit")
        datatype = Datatype(unwrapped(made))
    }

    deinit {
        if !Environment.isFinalized { freeDatatype(datatype.handle) }
    }

    /// `count` blocks of `blockLength` elements of `T`, block starts `stride` elements apart
    /// (`MPI_Type_vector`): a column of a row-major matrix is `vector(of:count: rows, blockLength: 1,
    /// stride: rowLength)`.
    public static func vector<T: MPIElement>(of type: T.Type, count: Int, blockLength: Int, stride: Int) throws(MPIError) -> DerivedDatatype {
        try DerivedDatatype("MPI_Type_vector") {
            MPI_Type_vector(Int32(count), Int32(blockLength), Int32(stride), T.mpiDatatype.handle, &$0)
        }
    }

    /// Blocks of `blockLengths[i]` elements of `T` starting `displacements[i]` elements from the start
    /// (`MPI_Type_indexed`).
    public static func indexed<T: MPIElement>(of type: T.Type, blockLengths: [Int], displacements: [Int]) throws(MPIError) -> DerivedDatatype {
        guard blockLengths.count == displacements.count else {
            throw MPIError(.argument, function: "MPI_Type_indexed", reason: "\(blockLengths.count) lengths for \(displacements.count) displacements")
        }
        var lengths = blockLengths.map { Int32($0) }, starts = displacements.map { Int32($0) }
        return try DerivedDatatype("MPI_Type_indexed") {
            MPI_Type_indexed(Int32(lengths.count), &lengths, &starts, T.mpiDatatype.handle, &$0)
        }
    }

    /// The sub-block of `subsizes` starting at `starts` of a row-major array of `sizes` elements of `T`
    /// (`MPI_Type_create_subarray`, C order). Its extent is the whole array's: send one from the array's start.
    public static func subarray<T: MPIElement>(of type: T.Type, sizes: [Int], subsizes: [Int], starts: [Int]) throws(MPIError) -> DerivedDatatype {
        guard sizes.count == subsizes.count && sizes.count == starts.count else {
            throw MPIError(.argument, function: "MPI_Type_create_subarray", reason: "sizes, subsizes and starts differ in length")
        }
        var whole = sizes.map { Int32($0) }, part = subsizes.map { Int32($0) }, from = starts.map { Int32($0) }
        return try DerivedDatatype("MPI_Type_create_subarray") {
            MPI_Type_create_subarray(Int32(whole.count), &whole, &part, &from, Int32(MPI_ORDER_C), T.mpiDatatype.handle, &$0)
        }
    }
}

extension Communicator {
    /// Sends `count` items of `type` laid out from `start` (`MPI_Send`): a column, a sub-block.
    public func send(_ start: UnsafeRawPointer, count: Int = 1, of type: DerivedDatatype, to destination: Int, tag: Int32) throws(MPIError) {
        try checkRank(destination, "destination", "MPI_Send")
        try check(MPI_Send(start, try mpiCount(count), type.datatype.handle, Int32(destination), tag, handle), "MPI_Send")
    }

    /// Receives `count` items of `type` into the memory laid out from `start` (`MPI_Recv`).
    public func receive(into start: UnsafeMutableRawPointer, count: Int = 1, of type: DerivedDatatype,
                        from source: Int? = nil, tag: Int32? = nil) throws(MPIError) {
        if let source { try checkRank(source, "source", "MPI_Recv") }
        try check(MPI_Recv(start, try mpiCount(count), type.datatype.handle, Int32(source ?? Int(MPI_ANY_SOURCE)),
                           tag ?? MPI_ANY_TAG, handle, cmpi_status_ignore()), "MPI_Recv")
    }
}

extension RequestGroup {
    /// Starts sending `count` items of `type` laid out from `start` (`MPI_Isend`).
    @discardableResult
    public func isend(_ start: UnsafeRawPointer, count: Int = 1, of type: DerivedDatatype, to destination: Int, tag: Int32,
                      on communicator: Communicator) throws(MPIError) -> Int {
        try communicator.checkRank(destination, "destination", "MPI_Isend")
        let slot = try nextSlot("MPI_Isend")
        try check(MPI_Isend(start, try mpiCount(count), type.datatype.handle, Int32(destination), tag, communicator.handle,
                            handles.baseAddress! + slot), "MPI_Isend")
        counters.pointee.started += 1
        return slot
    }

    /// Starts receiving `count` items of `type` into the memory laid out from `start` (`MPI_Irecv`).
    @discardableResult
    public func ireceive(into start: UnsafeMutableRawPointer, count: Int = 1, of type: DerivedDatatype, from source: Int? = nil,
                         tag: Int32? = nil, on communicator: Communicator) throws(MPIError) -> Int {
        if let source { try communicator.checkRank(source, "source", "MPI_Irecv") }
        let slot = try nextSlot("MPI_Irecv")
        try check(MPI_Irecv(start, try mpiCount(count), type.datatype.handle, source.map(Int32.init) ?? MPI_ANY_SOURCE,
                            tag ?? MPI_ANY_TAG, communicator.handle, handles.baseAddress! + slot), "MPI_Irecv")
        counters.pointee.started += 1
        return slot
    }
}
