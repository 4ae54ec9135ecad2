/// The checkpoint journal (`--checkpoint FILE`): rank 0 appends one record per finished piece, so that a job
/// that is interrupted, killed or out of time can be run again and skip the work already done.
///
/// Each record is flushed to disk before its piece counts as saved. On opening, a journal of another
/// request or format version, or with a bad line before its last, is refused and left untouched; a last
/// line without its line break (the machine died mid-write) is dropped and its piece computed again.
/// The format is ``JournalFormat``'s.
final class Journal<Record: PieceRecord> {
    let path: String
    /// The pieces already saved, in the order they were written.
    private(set) var records: [Record]
    private let file: JournalFile

    /// Opens (or creates) the journal at `path` of the request described as `description`, checking every
    /// record with `accepts`.
    init(path: String, description: String, accepts: (Record) -> Bool) throws(JournalError) {
        self.path = path
        file = try JournalFile(path: path)
        let contents = try file.readAll()
        let parsed: (records: [Record], validLength: Int)
        do {
            parsed = try JournalFormat.parse(contents, description: description, accepts: accepts)
        } catch {
            throw .refused(path, error.reason)
        }
        records = parsed.records
        if parsed.validLength < contents.count { try file.truncate(to: parsed.validLength) }
        if parsed.validLength == 0 {
            try file.append(JournalFormat.line(JournalFormat.header(describing: description)))
            file.syncParentFolder()
        }
    }

    /// Appends `record` and flushes it to disk. On failure (a full disk, say) the journal is cut back to its
    /// last whole record, so it stays valid for a later run.
    func append(_ record: Record) throws(JournalError) {
        try file.append(JournalFormat.line(record.journalLine))
        records.append(record)
    }

    /// The parts of `domain` no saved record covers, in order.
    func remaining(of domain: Query) -> [Query] {
        var gaps: [Query] = []
        var cursor = domain.lo
        for piece in records.map(\.piece).sorted(by: { $0.lo < $1.lo }) {
            if cursor < piece.lo { gaps.append(Query(lo: cursor, hi: piece.lo)) }
            cursor = Swift.max(cursor, piece.hi)
        }
        if cursor < domain.hi { gaps.append(Query(lo: cursor, hi: domain.hi)) }
        return gaps
    }
}
