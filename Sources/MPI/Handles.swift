/// MPI handles are pointers in Open MPI (out-parameters import as optionals) and `Int32`s in MPICH. The
/// wrapper declares every out-parameter from a shim null handle (`var type = cmpi_datatype_null()`), whose
/// type is right for either, and reads it back through ``unwrapped(_:)``, so the same source builds against
/// both implementations.
@inlinable
func unwrapped<Handle>(_ handle: Handle?) -> Handle { handle! }

/// The MPICH case of ``unwrapped(_:)``: integer handles are never optional.
@inlinable
func unwrapped<Handle>(_ handle: Handle) -> Handle { handle }
