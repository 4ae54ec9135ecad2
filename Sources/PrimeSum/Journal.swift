import MPI
import PrimeSieve

#if canImport(Glibc)
import Glibc
#endif

/// The checkpoint journal (`--checkpoint FILE`): rank 0 appends one record per finished chunk, so a job that
/// is interrupted, killed or out of time can be run again and skip the work already done.
///
/// The format is text, one line per entry, each line ending in its own CRC-32, so that a reader can tell a
/// torn write from a corrupt file:
///
///     primesum-journal 1 below 10000000000 crc32=1c291ca3
///     chunk 0 2500000000 1 121443371:152652286977450256 crc32=5b1a0cf2
///
/// The header names the format version and the request. A record names its chunk `[lo, hi)` and the tally
/// (count:sum) of each piece of the chunk between the query borders inside it, so that any later run can
/// add it to any query. Each record is written with one `write` and flushed with `fdatasync` before the
/// chunk counts as saved.
///
/// On opening: a journal of another request or version, or with a bad line before its last, is refused and
/// left untouched; a last line without its line break (the machine died mid-write) is dropped and its chunk
/// computed again.
public final class Journal {
    public static let formatVersion = 1

    public let path: String
    public let request: Request
    /// The chunks already saved, in the order they were written.
    public private(set) var records: [ChunkRecord]
    private let file: Int32
    private let borders: QueryBorders

    /// Opens (or creates) the journal at `path` for `request`, checking every record.
    public init(path: String, request: Request) throws(JournalError) {
        self.path = path
        self.request = request
        borders = QueryBorders(request.queries)

        var info = stat()
        if lstat(path, &info) == 0 {
            switch info.st_mode & S_IFMT {
            case S_IFLNK: throw .cannotOpen(path, "it is a symbolic link; give the path of the file itself")
            case S_IFDIR: throw .cannotOpen(path, "it is a directory")
            case S_IFREG: break
            default: throw .cannotOpen(path, "it is not a regular file")
            }
        }
        file = open(path, O_RDWR | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC, 0o644)
        guard file >= 0 else { throw .cannotOpen(path, Self.lastError()) }

        do {
            let contents = try Self.readAll(file, path: path)
            let parsed = try Self.parse(contents, path: path, request: request, borders: borders)
            records = parsed.records
            if parsed.validLength < contents.count {
                // A torn last line: cut it off so the next record starts on a line of its own.
                guard ftruncate(file, off_t(parsed.validLength)) == 0 else { throw JournalError.writeFailed(path, Self.lastError()) }
            }
            if parsed.validLength == 0 {
                try Self.writeLine(Self.header(for: request), to: file, path: path)
                Self.syncParentFolder(of: path)
            }
        } catch let error as JournalError {
            close(file)
            throw error
        } catch {
            close(file)
            throw .cannotOpen(path, "\(error)")
        }
    }

    deinit { close(file) }

    /// Appends `record` and flushes it to disk. On failure (a full disk, say) the journal is cut back to its
    /// last whole record, so it stays valid for a later run.
    public func append(_ record: ChunkRecord) throws(JournalError) {
        let before = lseek(file, 0, SEEK_END)
        do {
            try Self.writeLine(Self.line(for: record), to: file, path: path)
        } catch {
            if before >= 0 { _ = ftruncate(file, before) }
            throw error
        }
        records.append(record)
    }

    /// The parts of `span` no saved record covers, in order.
    public func remaining(of span: Query) -> [Query] {
        var gaps: [Query] = []
        var cursor = span.lo
        for chunk in records.map(\.chunk).sorted(by: { $0.lo < $1.lo }) {
            if cursor < chunk.lo { gaps.append(Query(lo: cursor, hi: chunk.lo)) }
            cursor = Swift.max(cursor, chunk.hi)
        }
        if cursor < span.hi { gaps.append(Query(lo: cursor, hi: span.hi)) }
        return gaps
    }

    /// Each query's tally over the saved chunks.
    public func contributions() -> [PrimeTally] {
        let queries = request.queries
        return records.reduce(into: RankWork.Outcome.zero(queryCount: queries.count)) { total, record in
            total.add(RankWork.outcome(of: record.chunk, points: borders.points(in: record.chunk),
                                       pieceTallies: record.pieces, queries: queries))
        }.contributions
    }

    // MARK: Format

    static func header(for request: Request) -> String {
        "primesum-journal \(formatVersion) \(request.journalDescription)"
    }

    static func line(for record: ChunkRecord) -> String {
        "chunk \(record.chunk.lo) \(record.chunk.hi) \(record.pieces.count) "
            + record.pieces.map { "\($0.count):\($0.sum)" }.joined(separator: " ")
    }

    private static func parse(_ contents: [UInt8], path: String, request: Request,
                              borders: QueryBorders) throws(JournalError) -> (records: [ChunkRecord], validLength: Int) {
        var records: [ChunkRecord] = []
        var start = 0, lineNumber = 0
        while start < contents.count {
            guard let newline = contents[start...].firstIndex(of: UInt8(ascii: "\n")) else {
                break  // a torn last line: dropped
            }
            lineNumber += 1
            let line = String(decoding: contents[start..<newline], as: UTF8.self)
            guard let body = checkedBody(line) else {
                throw .refused(path, "line \(lineNumber) is corrupt (its checksum does not match)")
            }
            let words = body.split(separator: " ")
            if lineNumber == 1 {
                guard words.count >= 2, words[0] == "primesum-journal" else {
                    throw .refused(path, "it is not a prime-sum checkpoint journal")
                }
                guard words[1] == "\(formatVersion)" else {
                    throw .refused(path, "it was written in journal format \(words[1]); this prime-sum reads format \(formatVersion)")
                }
                let theirs = words.dropFirst(2).joined(separator: " ")
                guard theirs == request.journalDescription else {
                    throw .refused(path, "it belongs to another request (\(theirs)); give another file, or the same request")
                }
            } else {
                guard let record = ChunkRecord(words: words), borders.points(in: record.chunk).count == record.pieces.count + 1,
                      request.span.lo <= record.chunk.lo, record.chunk.hi <= request.span.hi else {
                    throw .refused(path, "line \(lineNumber) is not a chunk record of this request")
                }
                records.append(record)
            }
            start = newline + 1
        }
        // Chunks never overlap: each is dealt once.
        let sorted = records.map(\.chunk).sorted { $0.lo < $1.lo }
        if let overlap = zip(sorted, sorted.dropFirst()).first(where: { $0.hi > $1.lo }) {
            throw .refused(path, "its chunks [\(overlap.0.lo), \(overlap.0.hi)) and [\(overlap.1.lo), \(overlap.1.hi)) overlap")
        }
        return (records, start)
    }

    /// The line without its checksum, if the checksum matches.
    private static func checkedBody(_ line: String) -> Substring? {
        guard let space = line.lastIndex(of: " ") else { return nil }
        let body = line[..<space], tail = line[line.index(after: space)...]
        guard tail.hasPrefix("crc32="), let crc = UInt32(tail.dropFirst(6), radix: 16),
              crc == CRC32.checksum(Array(body.utf8)) else { return nil }
        return body
    }

    // MARK: Files

    private static func writeLine(_ body: String, to file: Int32, path: String) throws(JournalError) {
        let crc = String(CRC32.checksum(Array(body.utf8)), radix: 16)
        let line = Array("\(body) crc32=\(String(repeating: "0", count: 8 - crc.count))\(crc)\n".utf8)
        var offset = 0
        while offset < line.count {
            let written = line.withUnsafeBytes { write(file, $0.baseAddress! + offset, line.count - offset) }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { throw .writeFailed(path, lastError()) }
            offset += written
        }
        guard fdatasync(file) == 0 else { throw .writeFailed(path, lastError()) }
    }

    private static func readAll(_ file: Int32, path: String) throws(JournalError) -> [UInt8] {
        var contents: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(file, $0.baseAddress!, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count >= 0 else { throw .cannotOpen(path, lastError()) }
            if count == 0 { return contents }
            contents += buffer[0..<count]
        }
    }

    /// Makes a new journal's directory entry durable too.
    private static func syncParentFolder(of path: String) {
        let folder = path.contains("/") ? String(path[..<path.lastIndex(of: "/")!]) : "."
        let descriptor = open(folder.isEmpty ? "/" : folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if descriptor >= 0 {
            fsync(descriptor)
            close(descriptor)
        }
    }

    static func lastError() -> String { String(cString: strerror(errno)) }
}

/// One finished chunk: its range and the tallies of its pieces between the query borders inside it.
public struct ChunkRecord: Sendable, Equatable {
    public var chunk: Query
    public var pieces: [PrimeTally]

    init(chunk: Query, pieces: [PrimeTally]) {
        self.chunk = chunk
        self.pieces = pieces
    }

    /// Parses `chunk LO HI N C:S …`.
    init?(words: [Substring]) {
        guard words.count >= 4, words[0] == "chunk", let lo = UInt128(words[1]), let hi = UInt128(words[2]), lo < hi,
              let n = Int(words[3]), n >= 1, words.count == 4 + n else { return nil }
        var pieces: [PrimeTally] = []
        for word in words[4...] {
            let parts = word.split(separator: ":")
            guard parts.count == 2, let count = UInt64(parts[0]), let sum = UInt128(parts[1]) else { return nil }
            pieces.append(PrimeTally(count: count, sum: sum))
        }
        self.init(chunk: Query(lo: lo, hi: hi), pieces: pieces)
    }

    /// The record as 128-bit words, for the message from the rank that sieved it to rank 0.
    var encoded: [UInt128] {
        [chunk.lo, chunk.hi] + pieces.flatMap { [UInt128($0.count), $0.sum] }
    }

    init?(encoded words: [UInt128]) {
        guard words.count >= 4, words.count % 2 == 0, words[0] < words[1] else { return nil }
        chunk = Query(lo: words[0], hi: words[1])
        pieces = stride(from: 2, to: words.count, by: 2).map {
            PrimeTally(count: UInt64(truncatingIfNeeded: words[$0]), sum: words[$0 + 1])
        }
    }
}

/// Why a journal could not be used; each chooses the job's exit status (see ``ExitStatus``).
public enum JournalError: Error, CustomStringConvertible, AbortStatusProviding {
    /// The path cannot be opened or created as a journal.
    case cannotOpen(String, String)
    /// The file is not a journal of this request and version, or is corrupt; it was left untouched.
    case refused(String, String)
    /// A record could not be written; the journal holds every chunk before it.
    case writeFailed(String, String)

    public var description: String {
        switch self {
        case .cannotOpen(let path, let reason): "prime-sum: cannot use '\(path)' as a checkpoint: \(reason)"
        case .refused(let path, let reason): "prime-sum: refusing checkpoint '\(path)' (left untouched): \(reason)"
        case .writeFailed(let path, let reason):
            "prime-sum: cannot write checkpoint '\(path)': \(reason); the chunks saved before are kept, run again to resume"
        }
    }

    public var abortStatus: Int32 {
        switch self {
        case .cannotOpen: ExitStatus.cannotCreate
        case .refused: ExitStatus.dataError
        case .writeFailed: ExitStatus.ioError
        }
    }
}

/// The sorted, distinct borders of a request's queries, to find the cut points inside any chunk quickly.
struct QueryBorders: Sendable {
    private let sorted: [UInt128]

    init(_ queries: [Query]) {
        sorted = Set(queries.flatMap { [$0.lo, $0.hi] }).sorted()
    }

    /// `chunk.lo`, the borders strictly inside the chunk, and `chunk.hi`: the ends of its pieces.
    func points(in chunk: Query) -> [UInt128] {
        let first = sorted.partitioningIndex { $0 > chunk.lo }
        let end = sorted.partitioningIndex { $0 >= chunk.hi }
        return [chunk.lo] + (first < end ? Array(sorted[first..<end]) : []) + [chunk.hi]
    }
}

/// CRC-32 (IEEE 802.3, as in zlib and PNG), for the journal's lines.
enum CRC32 {
    private static let table: [UInt32] = (0..<256).map { n in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    static func checksum(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
        return crc ^ 0xFFFF_FFFF
    }
}

extension Request {
    /// How the journal's header names the request: the same words for the same request, whatever syntax the
    /// numbers were written in.
    var journalDescription: String {
        switch self {
        case .below(let n): "below \(n)"
        case .range(let lo, let hi): "range \(lo) \(hi)"
        case .batch(let from, let to, let step): "batch \(from) \(to) \(step)"
        }
    }
}
