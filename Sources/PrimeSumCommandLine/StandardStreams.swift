#if canImport(Glibc)
import Glibc
#endif

/// The tool's writes to standard output (the answer): each text in as few `write` calls as the kernel allows (so
/// that the lines of different ranks do not interleave mid-line), every failure reported.
public enum StandardStreams {
    /// A write that failed: the stream is closed, full, or gone.
    public struct WriteFailed: Error, CustomStringConvertible {
        public var reason: String
        public var description: String { reason }
    }

    /// Writes all of `text` to standard output, or throws why it could not.
    public static func writeToStandardOutput(_ text: String) throws(WriteFailed) { try write(text, to: 1) }

    private static func write(_ text: String, to descriptor: Int32) throws(WriteFailed) {
        let bytes = Array(text.utf8)
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
