#if canImport(Glibc)
import Glibc
#endif

/// The journal's file: opened without following links and locked for the job's life (`flock`), read whole,
/// appended to line by line with one `write` and an `fdatasync` each. Before each append it checks that the
/// path still names this file at the length it left it: a journal deleted, replaced or truncated mid-run is
/// reported rather than written to in vain.
final class JournalFile {
    let path: String
    private let descriptor: Int32
    /// The file's length as this job left it.
    private var length: off_t = 0

    /// Opens (or creates) the regular file at `path` for reading and appending.
    init(path: String) throws(JournalError) {
        self.path = path
        var info = stat()
        if lstat(path, &info) == 0 {
            switch info.st_mode & S_IFMT {
            case S_IFLNK: throw .cannotOpen(path, "it is a symbolic link; give the path of the file itself")
            case S_IFDIR: throw .cannotOpen(path, "it is a directory")
            case S_IFREG: break
            default: throw .cannotOpen(path, "it is not a regular file")
            }
        }
        descriptor = open(path, O_RDWR | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw .cannotOpen(path, Self.lastError()) }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let busy = errno == EWOULDBLOCK
            let reason = busy ? "another prime-sum job is using it (it is locked)" : Self.lastError()
            _ = Glibc.close(descriptor)
            throw .cannotOpen(path, reason)
        }
    }

    deinit { _ = Glibc.close(descriptor) }

    func readAll() throws(JournalError) -> [UInt8] {
        var contents: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress!, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count >= 0 else { throw .cannotOpen(path, Self.lastError()) }
            if count == 0 {
                length = off_t(contents.count)
                return contents
            }
            contents += buffer[0..<count]
        }
    }

    /// Appends `line` and flushes it to disk; on failure cuts the file back to where it was.
    func append(_ line: [UInt8]) throws(JournalError) {
        try checkUnchanged()
        let before = length
        do throws(StandardStreams.WriteFailed) {
            try StandardStreams.write(line, to: descriptor)
        } catch {
            try failAppend(cuttingBackTo: before, because: error.reason)
        }
        guard fdatasync(descriptor) == 0 else { try failAppend(cuttingBackTo: before, because: Self.lastError()) }
        length += off_t(line.count)
    }

    /// Throws if the path no longer names this file, or the file's length is not what this job left.
    private func checkUnchanged() throws(JournalError) {
        var opened = stat(), named = stat()
        guard fstat(descriptor, &opened) == 0 else { throw .writeFailed(path, Self.lastError()) }
        let samePath = stat(path, &named) == 0 && named.st_dev == opened.st_dev && named.st_ino == opened.st_ino
        guard samePath && opened.st_size == length else {
            throw .changedDuringRun(path, samePath ? "truncated or written to by something else" : "deleted or replaced")
        }
    }

    private func failAppend(cuttingBackTo length: off_t, because reason: String) throws(JournalError) -> Never {
        if length >= 0 { _ = ftruncate(descriptor, length) }
        throw .writeFailed(path, reason)
    }

    /// Cuts the file to `newLength` bytes (a torn last line).
    func truncate(to newLength: Int) throws(JournalError) {
        guard ftruncate(descriptor, off_t(newLength)) == 0 else { throw .writeFailed(path, Self.lastError()) }
        length = off_t(newLength)
    }

    /// Makes a new file's directory entry durable too.
    func syncParentFolder() {
        let folder = path.contains("/") ? String(path[..<path.lastIndex(of: "/")!]) : "."
        let folderDescriptor = open(folder.isEmpty ? "/" : folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if folderDescriptor >= 0 {
            fsync(folderDescriptor)
            _ = Glibc.close(folderDescriptor)
        }
    }

    /// The request description in the header of the journal at `path`, if its first line is a whole, intact
    /// header of this format version: read (without the lock) before the job builds its work.
    static func savedDescription(at path: String) -> String? {
        let descriptor = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { _ = Glibc.close(descriptor) }
        var buffer = [UInt8](repeating: 0, count: 1 << 12)
        let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress!, $0.count) }
        guard count > 0, let newline = buffer[..<count].firstIndex(of: UInt8(ascii: "\n")) else { return nil }
        return JournalFormat.description(inHeader: String(decoding: buffer[..<newline], as: UTF8.self))
    }

    static func lastError() -> String { String(cString: strerror(errno)) }
}
