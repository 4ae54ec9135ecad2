import CMPI

/// Counts past `Int32.max` elements, which MPI 3.1 (Open MPI 4.1) cannot pass: the buffer (or each rank's
/// share of it, in gather, scatter, allgather and alltoall) travels as one element of a derived datatype that
/// covers all of it (`MPI_Type_contiguous` blocks of 2^30 elements plus a remainder, joined by
/// `MPI_Type_create_struct`; its extent is the share's, so shares line up), made for the call and freed after
/// it. Reductions go slice by slice instead: a predefined operation cannot apply to a derived datatype.
@usableFromInline
enum LargeCount {
    /// Elements per block of the derived type.
    @usableFromInline static let blockElements = 1 << 30
    /// Elements per call when a reduction is cut into slices.
    @usableFromInline static let sliceElements = Int(Int32.max)

    /// Calls `body` with the count and datatype that describe `count` elements of `T`: `(count, T's type)`
    /// when it fits in an `Int32`, else `(1, a derived type)`. The derived type is freed when `body` returns,
    /// which MPI allows even while a nonblocking operation started in `body` still uses it.
    @inlinable
    static func with<T: MPIElement, R>(_ count: Int, of type: T.Type,
                                       _ body: (Int32, MPI_Datatype) throws(MPIError) -> R) throws(MPIError) -> R {
        if let small = Int32(exactly: count) {
            return try body(small, T.mpiDatatype.handle)
        }
        var large = cmpi_datatype_null()
        large = try derivedType(count, of: T.self)
        defer { MPI_Type_free(&large) }
        return try body(1, unwrapped(large))
    }

    @usableFromInline
    static func derivedType<T: MPIElement>(_ count: Int, of type: T.Type) throws(MPIError) -> MPI_Datatype {
        let element = T.mpiDatatype.handle
        var block = cmpi_datatype_null()
        try check(MPI_Type_contiguous(Int32(blockElements), element, &block), "MPI_Type_contiguous")
        defer { MPI_Type_free(&block) }
        let blocks = count / blockElements, remainder = count % blockElements
        var lengths: [Int32] = [Int32(blocks), Int32(remainder)]
        var displacements: [MPI_Aint] = [0, MPI_Aint(blocks * blockElements * MemoryLayout<T>.stride)]
        var types = [block, cmpi_datatype_null()]
        types[1] = element
        var combined = cmpi_datatype_null()
        try check(MPI_Type_create_struct(2, &lengths, &displacements, &types, &combined), "MPI_Type_create_struct")
        try check(MPI_Type_commit(&combined), "MPI_Type_commit")
        return unwrapped(combined)
    }
}
