import CMPI

/// A failed MPI call: the MPI error class, the implementation's error code, its `MPI_Error_string`, and the
/// C function that failed.
///
/// The wrapper installs `MPI_ERRORS_RETURN` on every communicator it hands out, so a failing call returns
/// here as a thrown `MPIError` instead of killing the process inside the library. An `MPIError` that nobody
/// catches ends the whole job through ``MPI/run(threadLevel:abortStatus:_:)`` with `MPI_Abort`.
public struct MPIError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The MPI error class (`MPI_Error_class`), portable across implementations: compare it with
    /// the `MPI_ERR_*` constants of the C API.
    public let errorClass: Int32
    /// The implementation-specific error code the call returned.
    public let code: Int32
    /// The implementation's description of `code` (`MPI_Error_string`).
    public let message: String
    /// The C function that failed, for example `"MPI_Allreduce"`.
    public let function: String

    /// Builds the error for `code`, asking MPI for its class and message.
    @usableFromInline
    init(code: Int32, function: String) {
        self.code = code
        self.function = function
        var errorClass: Int32 = 0
        if MPI_Error_class(code, &errorClass) != MPI_SUCCESS { errorClass = code }
        self.errorClass = errorClass
        self.message = MPIError.describe(code)
        // (MPI_Error_class/MPI_Error_string are safe to call at any time, even after a failure.)
    }

    public var description: String { "\(function) failed: \(message) (MPI error class \(errorClass))" }

    /// `MPI_Error_string` as a Swift string.
    static func describe(_ code: Int32) -> String {
        var buffer = [CChar](repeating: 0, count: Int(MPI_MAX_ERROR_STRING) + 1)
        var length: Int32 = 0
        guard MPI_Error_string(code, &buffer, &length) == MPI_SUCCESS else { return "MPI error code \(code)" }
        let bytes = buffer.prefix(Int(length)).map { UInt8(bitPattern: $0) }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// Turns the return code of the C function `function` into a thrown ``MPIError``.
///
/// Every C call of the wrapper goes through here, so the check costs one compare on the success path.
@inlinable
func check(_ code: Int32, _ function: @autoclosure () -> String) throws(MPIError) {
    if code != MPI_SUCCESS { throw MPIError(code: code, function: function()) }
}
