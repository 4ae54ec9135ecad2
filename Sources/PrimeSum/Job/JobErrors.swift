import MPI

/// A failure of the job itself (not of MPI, not of the user): exit status 70.
enum JobError: Error, CustomStringConvertible, AbortStatusProviding {
    /// A message between ranks could not be decoded (what it should have held).
    case malformedMessage(String)

    var description: String {
        switch self {
        case .malformedMessage(let what): "prime-sum: internal error: \(what), sent between ranks, could not be decoded"
        }
    }

    var abortStatus: Int32 { ExitStatus.internalError }
}

/// The job stopped on a signal; the pieces finished before are in the checkpoint: exit status 75.
public struct Interrupted: Error, CustomStringConvertible, AbortStatusProviding {
    public var signal: Int32
    public var journalPath: String
    public var savedPieces: Int

    public var description: String {
        "prime-sum: interrupted by \(Interruption.name(of: signal)); \(savedPieces) finished chunks are saved in "
            + "'\(journalPath)': run the same command again to resume"
    }

    public var abortStatus: Int32 { ExitStatus.interrupted }
}

/// The answer could not be written (a closed or full standard output): exit status 74.
struct DeliveryFailed: Error, CustomStringConvertible, AbortStatusProviding {
    var underlying: any Error

    var description: String { "prime-sum: cannot write the answer: \(underlying)" }
    var abortStatus: Int32 { ExitStatus.ioError }
}
