import CMPI

/// A failed MPI call, or a call the wrapper refused before it reached MPI: its error class, the
/// implementation's error code, a message, and the function that failed.
///
/// The wrapper installs `MPI_ERRORS_RETURN` on every communicator it hands out, so a failing call returns
/// here as a thrown `MPIError` instead of killing the process inside the library. An `MPIError` that nobody
/// catches ends the whole job through ``Environment/run(threadLevel:abortStatus:_:)`` with `MPI_Abort`.
///
/// Match on the class, portable across implementations, without importing the C module:
///
///     do { try world.send(values, to: peer, tag: -1) }
///     catch let error where error.errorClass == .tag { … }
public struct MPIError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The MPI error class (`MPI_Error_class`): ``Class/tag``, ``Class/rank``, ….
    public let errorClass: Class
    /// The implementation-specific error code the call returned (the class's own code for a call the
    /// wrapper refused).
    public let code: Int32
    /// The implementation's description of `code` (`MPI_Error_string`), or the wrapper's reason.
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
        self.errorClass = Class(rawValue: errorClass)
        self.message = MPIError.describe(code)
        // (MPI_Error_class/MPI_Error_string are safe to call at any time, even after a failure.)
    }

    /// An error of class `errorClass` the wrapper raises itself, before calling `function`: a programmer
    /// error (a rank outside the communicator, values that do not split evenly) with its reason, kept in
    /// release builds, where a `precondition` would print nothing.
    @usableFromInline
    init(_ errorClass: Class, function: String, reason: String) {
        self.errorClass = errorClass
        self.code = errorClass.rawValue
        self.function = function
        self.message = reason
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

extension MPIError {
    /// An MPI error class (`MPI_ERR_*`), as swift-system's `Errno` names `errno` values: compare with the
    /// named classes; ``rawValue`` is the C constant.
    public struct Class: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public let rawValue: Int32
        @inlinable public init(rawValue: Int32) { self.rawValue = rawValue }

        /// `MPI_ERR_BUFFER`: an invalid buffer pointer.
        public static var buffer: Class { Class(rawValue: MPI_ERR_BUFFER) }
        /// `MPI_ERR_COUNT`: an invalid count (negative, or past what the call can pass).
        public static var count: Class { Class(rawValue: MPI_ERR_COUNT) }
        /// `MPI_ERR_TYPE`: an invalid datatype, or a message that is not whole values of it.
        public static var type: Class { Class(rawValue: MPI_ERR_TYPE) }
        /// `MPI_ERR_TAG`: an invalid tag.
        public static var tag: Class { Class(rawValue: MPI_ERR_TAG) }
        /// `MPI_ERR_COMM`: an invalid communicator.
        public static var communicator: Class { Class(rawValue: MPI_ERR_COMM) }
        /// `MPI_ERR_RANK`: a rank outside the communicator.
        public static var rank: Class { Class(rawValue: MPI_ERR_RANK) }
        /// `MPI_ERR_ROOT`: a root outside the communicator.
        public static var root: Class { Class(rawValue: MPI_ERR_ROOT) }
        /// `MPI_ERR_REQUEST`: an invalid request.
        public static var request: Class { Class(rawValue: MPI_ERR_REQUEST) }
        /// `MPI_ERR_OP`: an invalid reduction operation.
        public static var operation: Class { Class(rawValue: MPI_ERR_OP) }
        /// `MPI_ERR_TOPOLOGY`: an invalid topology.
        public static var topology: Class { Class(rawValue: MPI_ERR_TOPOLOGY) }
        /// `MPI_ERR_DIMS`: invalid dimensions.
        public static var dimensions: Class { Class(rawValue: MPI_ERR_DIMS) }
        /// `MPI_ERR_ARG`: an invalid argument of another kind.
        public static var argument: Class { Class(rawValue: MPI_ERR_ARG) }
        /// `MPI_ERR_TRUNCATE`: a message longer than the receive buffer.
        public static var truncate: Class { Class(rawValue: MPI_ERR_TRUNCATE) }
        /// `MPI_ERR_OTHER`: a known error not in this list.
        public static var other: Class { Class(rawValue: MPI_ERR_OTHER) }
        /// `MPI_ERR_INTERN`: an internal error of the MPI library.
        public static var intern: Class { Class(rawValue: MPI_ERR_INTERN) }
        /// `MPI_ERR_IN_STATUS`: an error code is in a status (the calls that complete several requests).
        public static var inStatus: Class { Class(rawValue: MPI_ERR_IN_STATUS) }
        /// `MPI_ERR_PENDING`: a request has not completed.
        public static var pending: Class { Class(rawValue: MPI_ERR_PENDING) }
        /// `MPI_ERR_WIN`: an invalid window.
        public static var window: Class { Class(rawValue: MPI_ERR_WIN) }
        /// `MPI_ERR_RMA_SYNC`: a one-sided operation outside an epoch, or epochs mismatched.
        public static var rmaSynchronization: Class { Class(rawValue: MPI_ERR_RMA_SYNC) }
        /// `MPI_ERR_FILE`: an invalid file handle.
        public static var file: Class { Class(rawValue: MPI_ERR_FILE) }
        /// `MPI_ERR_NO_SUCH_FILE`: the file does not exist.
        public static var noSuchFile: Class { Class(rawValue: MPI_ERR_NO_SUCH_FILE) }
        /// `MPI_ERR_FILE_EXISTS`: the file exists (opened with `.exclusive`).
        public static var fileExists: Class { Class(rawValue: MPI_ERR_FILE_EXISTS) }
        /// `MPI_ERR_ACCESS`: permission denied.
        public static var access: Class { Class(rawValue: MPI_ERR_ACCESS) }
        /// `MPI_ERR_AMODE`: an invalid combination of open modes.
        public static var accessMode: Class { Class(rawValue: MPI_ERR_AMODE) }
        /// `MPI_ERR_IO`: another input/output error.
        public static var io: Class { Class(rawValue: MPI_ERR_IO) }
        /// `MPI_ERR_UNKNOWN`: an unknown error.
        public static var unknown: Class { Class(rawValue: MPI_ERR_UNKNOWN) }

        public var description: String {
            let names: [(Class, String)] = [
                (.buffer, "MPI_ERR_BUFFER"), (.count, "MPI_ERR_COUNT"), (.type, "MPI_ERR_TYPE"), (.tag, "MPI_ERR_TAG"),
                (.communicator, "MPI_ERR_COMM"), (.rank, "MPI_ERR_RANK"), (.root, "MPI_ERR_ROOT"),
                (.request, "MPI_ERR_REQUEST"), (.operation, "MPI_ERR_OP"), (.topology, "MPI_ERR_TOPOLOGY"),
                (.dimensions, "MPI_ERR_DIMS"), (.argument, "MPI_ERR_ARG"), (.truncate, "MPI_ERR_TRUNCATE"),
                (.other, "MPI_ERR_OTHER"), (.intern, "MPI_ERR_INTERN"), (.inStatus, "MPI_ERR_IN_STATUS"),
                (.pending, "MPI_ERR_PENDING"), (.window, "MPI_ERR_WIN"), (.rmaSynchronization, "MPI_ERR_RMA_SYNC"),
                (.file, "MPI_ERR_FILE"), (.noSuchFile, "MPI_ERR_NO_SUCH_FILE"), (.fileExists, "MPI_ERR_FILE_EXISTS"),
                (.access, "MPI_ERR_ACCESS"), (.accessMode, "MPI_ERR_AMODE"), (.io, "MPI_ERR_IO"),
                (.unknown, "MPI_ERR_UNKNOWN"),
            ]
            return names.first { $0.0 == self }.map { "\($0.1) (\(rawValue))" } ?? "\(rawValue)"
        }
    }
}

/// Turns the return code of the C function `function` into a thrown ``MPIError``.
///
/// Every C call of the wrapper goes through here, so the check costs one compare on the success path.
@inlinable
func check(_ code: Int32, _ function: @autoclosure () -> String) throws(MPIError) {
    if code != MPI_SUCCESS { throw MPIError(code: code, function: function()) }
}
