import CMPI

/// MPI handles are pointers in Open MPI (out-parameters import as optionals) and `Int32`s in MPICH. The
/// wrapper declares every out-parameter from a shim null handle (`var type = cmpi_datatype_null()`), whose
/// type is right for either, and reads it back through ``unwrapped(_:)``, so the same source builds against
/// both implementations.
@inlinable
func unwrapped<Handle>(_ handle: Handle?) -> Handle { handle! }

/// The type of a request handle as Swift sees it: `MPI_Request?` in Open MPI (a pointer), `MPI_Request` in
/// MPICH (an integer). `Package.swift` defines `MPICH` when building against MPICH.
#if MPICH
public typealias RequestHandle = MPI_Request
/// The type of a matched message's handle, as ``RequestHandle``.
public typealias MessageHandle = MPI_Message
/// The type of a datatype handle out-parameter, as ``RequestHandle``.
public typealias DatatypeHandle = MPI_Datatype
/// The type of a window handle out-parameter, as ``RequestHandle``.
public typealias WindowHandle = MPI_Win
#else
public typealias RequestHandle = MPI_Request?
/// The type of a matched message's handle, as ``RequestHandle``.
public typealias MessageHandle = MPI_Message?
/// The type of a datatype handle out-parameter, as ``RequestHandle``.
public typealias DatatypeHandle = MPI_Datatype?
/// The type of a window handle out-parameter, as ``RequestHandle``.
public typealias WindowHandle = MPI_Win?
#endif

/// Frees a group the wrapper created (`MPI_Group_free`); see ``freeDatatype(_:)``.
func freeGroup(_ handle: MPI_Group) {
    var freed = cmpi_group_null()
    freed = handle
    MPI_Group_free(&freed)
}

/// The MPICH case of ``unwrapped(_:)``: integer handles are never optional.
@inlinable
func unwrapped<Handle>(_ handle: Handle) -> Handle { handle }

/// Frees a datatype the wrapper created (`MPI_Type_free`). The C call takes the handle by reference, whose
/// type differs between the MPIs; starting from the shim's null handle gives it the right one.
func freeDatatype(_ handle: MPI_Datatype) {
    var freed = cmpi_datatype_null()
    freed = handle
    MPI_Type_free(&freed)
}

/// Frees an operation the wrapper created (`MPI_Op_free`); see ``freeDatatype(_:)``.
func freeOperation(_ handle: MPI_Op) {
    var freed = cmpi_op_null()
    freed = handle
    MPI_Op_free(&freed)
}

/// Frees a communicator the wrapper created (`MPI_Comm_free`); see ``freeDatatype(_:)``.
func freeCommunicator(_ handle: MPI_Comm) {
    var freed = cmpi_comm_null()
    freed = handle
    MPI_Comm_free(&freed)
}
