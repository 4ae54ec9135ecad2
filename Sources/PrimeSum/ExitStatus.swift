/// The exit statuses of `prime-sum` (and of `mpirun` running it), documented in the README.
public enum ExitStatus {
    /// The answer was printed.
    public static let success: Int32 = 0
    /// The request or the command line was wrong (`EX_USAGE`); nothing was computed.
    public static let usage: Int32 = 64
    /// An internal error of the program (`EX_SOFTWARE`).
    public static let internalError: Int32 = 70
    /// An MPI call failed (`EX_PROTOCOL`); the job was aborted with `MPI_Abort`.
    public static let mpiFailure: Int32 = 76
}
