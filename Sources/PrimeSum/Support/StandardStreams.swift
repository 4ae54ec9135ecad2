#if canImport(Glibc)
import Glibc
#endif

/// Writes to standard output (the answer, help): each text in as few `write` calls as the kernel allows (so
/// that the lines of different ranks do not interleave mid-line), every failure reported.
public enum StandardStreams {
    /// A write that failed: the stream is closed, full, or gone.
    public struct WriteFailed: Error, CustomStringConvertible {
        public var reason: String
        public var description: String { reason }
    }

    /// Writes all of `text` to standard output, or throws why it could not.
    public static func writeToStandardOutput(_ text: String) throws(WriteFailed) { try write(text, to: 1) }

    /// Writes `text` to the file at `path` atomically: to a temporary file beside it, flushed to disk, then
    /// renamed over `path`, so that `path` holds either all of the answer or what it held before — never half.
    public static func writeAtomically(_ text: String, toFile path: String) throws(WriteFailed) {
        let temporary = path + ".partial-\(getpid())"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw WriteFailed(reason: "cannot create '\(temporary)': \(String(cString: strerror(errno)))") }
        do throws(WriteFailed) {
            try write(text, to: descriptor)
            guard fsync(descriptor) == 0 else { throw WriteFailed(reason: "cannot flush '\(temporary)': \(String(cString: strerror(errno)))") }
        } catch {
            close(descriptor)
            unlink(temporary)
            throw error
        }
        close(descriptor)
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw WriteFailed(reason: "cannot replace '\(path)': \(reason)")
        }
    }

    private static func write(_ text: String, to descriptor: Int32) throws(WriteFailed) {
        try write(Array(text.utf8), to: descriptor)
    }

    /// Writes all of `bytes` to `descriptor`, as many `write` calls as it takes (an interrupted one is
    /// repeated), or throws why it could not.
    static func write(_ bytes: [UInt8], to descriptor: Int32) throws(WriteFailed) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress! + offset, bytes.count - offset) }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else {
                throw WriteFailed(reason: written < 0 ? String(cString: strerror(errno)) : "nothing was written")
            }
            offset += written
        }
    }
}
