import MPI

/// Why a journal could not be used; each chooses the job's exit status (see ``ExitStatus``).
public enum JournalError: Error, Equatable, CustomStringConvertible, AbortStatusProviding {
    /// The path cannot be opened or created as a journal.
    case cannotOpen(String, String)
    /// The file is not a journal of this request and version, or is corrupt; it was left untouched.
    case refused(String, String)
    /// A record could not be written; the journal holds every record before it.
    case writeFailed(String, String)
    /// The journal was deleted, replaced or truncated by something else while the job ran (how).
    case changedDuringRun(String, String)

    public var description: String {
        switch self {
        case .cannotOpen(let path, let reason): "prime-sum: cannot use '\(path)' as a checkpoint: \(reason)"
        case .refused(let path, let reason): "prime-sum: refusing checkpoint '\(path)' (left untouched): \(reason)"
        case .writeFailed(let path, let reason):
            "prime-sum: cannot write checkpoint '\(path)': \(reason); the chunks saved before are kept, run again to resume"
        case .changedDuringRun(let path, let how):
            "prime-sum: checkpoint '\(path)' was \(how) during the run; the chunks finished since are not saved in it"
        }
    }

    public var abortStatus: Int32 {
        switch self {
        case .cannotOpen: ExitStatus.cannotCreate
        case .refused: ExitStatus.dataError
        case .writeFailed, .changedDuringRun: ExitStatus.ioError
        }
    }
}
