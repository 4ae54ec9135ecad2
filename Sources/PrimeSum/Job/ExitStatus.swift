/// The exit statuses of `prime-sum` (and of `mpirun` or `run.sh` running it). The values follow BSD's
/// sysexits.h. ``meanings`` is the one list: `--help` prints it, and a test holds run.sh's header and the
/// README's table to it.
public enum ExitStatus {
    /// The answer was printed.
    public static let success: Int32 = 0
    /// The request or the command line was wrong (`EX_USAGE`); nothing was computed.
    public static let usage: Int32 = 64
    /// The checkpoint file is corrupt, of another request or of another format version (`EX_DATAERR`); it
    /// was left untouched and nothing was computed.
    public static let dataError: Int32 = 65
    /// An internal error of the program (`EX_SOFTWARE`).
    public static let internalError: Int32 = 70
    /// The system refused a resource the job needs, such as a worker thread under a process or address-space
    /// limit (`EX_OSERR`); the job was aborted.
    public static let systemError: Int32 = 71
    /// The checkpoint path cannot be opened or created: a directory, a symbolic link, a missing folder, no
    /// permission (`EX_CANTCREAT`); nothing was computed.
    public static let cannotCreate: Int32 = 73
    /// Writing failed (`EX_IOERR`): the checkpoint mid-run, for example on a full disk (the journal keeps
    /// every piece saved before, so the same command resumes once the cause is fixed), or the answer itself.
    public static let ioError: Int32 = 74
    /// The job was interrupted by SIGTERM, SIGINT or SIGUSR1 and its finished pieces are in the checkpoint
    /// (`EX_TEMPFAIL`): run the same command again to resume.
    public static let interrupted: Int32 = 75
    /// An MPI call failed (`EX_PROTOCOL`); the job was aborted with `MPI_Abort`.
    public static let mpiFailure: Int32 = 76

    /// Every status with its meaning in a few words, in ascending order.
    public static let meanings: [(status: Int32, meaning: String)] = [
        (success, "success"),
        (usage, "usage error"),
        (dataError, "checkpoint refused"),
        (internalError, "internal error"),
        (systemError, "system error"),
        (cannotCreate, "checkpoint path unusable"),
        (ioError, "write failed"),
        (interrupted, "interrupted and resumable"),
        (mpiFailure, "MPI failure"),
    ]

    /// ``meanings`` as one line: `0 success, 64 usage error, …`.
    public static var summary: String { meanings.map { "\($0.status) \($0.meaning)" }.joined(separator: ", ") }
}
