/// The tags of the job's point-to-point protocols on the world communicator, in one place so that no two
/// protocols share one. Every message of the job is one of these; collectives use no tags.
enum MessageTag {
    /// Progress: a rank's count of units done, and whether it has finished (``ProgressExchange``).
    static let progress: Int32 = 7001
    /// Progress: rank 0 tells every rank how the job ends: all finished, or stop (``ProgressExchange``).
    static let verdict: Int32 = 7002
    /// Dealing: a rank asks rank 0 for a piece (``Requester``).
    static let pieceRequest: Int32 = 7101
    /// Dealing: rank 0's answer, a piece or none (``Dealer``).
    static let piece: Int32 = 7102
    /// Records: a finished piece's record, for rank 0's journal.
    static let record: Int32 = 7103
    /// A rank that received an interrupting signal tells rank 0, which stops the job.
    static let interruption: Int32 = 7104
}
