import MPI
import PrimeSieve

#if canImport(Glibc)
import Glibc
#endif

/// What `prime-sum --version` reports: this release, the commit of the checkout the binary was built in
/// (when it still runs from there, as on a cluster's shared folder), the MPI library and the sieve's vector
/// kernels on this CPU.
public enum BuildInfo {
    /// The release: the one source of the version number (README and tags follow it).
    public static let version = "0.14.0"

    /// The lines of `--version`.
    public static var description: String {
        """
        prime-sum \(version) (commit \(commit ?? "unknown"))
        MPI: \(Environment.libraryVersion)
        sieve kernels on this CPU: \(VectorKernels.fastestAvailable == .avx512 ? "AVX-512" : "portable (no AVX-512 VPOPCNTDQ)")
        """
    }

    /// The commit checked out where the running executable lies (`…/.build/release/prime-sum` in a clone),
    /// read from `.git`; nil elsewhere.
    static var commit: String? {
        guard var folder = executablePath.map({ String($0[..<($0.lastIndex(of: "/") ?? $0.startIndex)]) }) else { return nil }
        while !folder.isEmpty {
            if let head = contents(of: folder + "/.git/HEAD") { return resolve(head, in: folder + "/.git") }
            folder = String(folder[..<(folder.lastIndex(of: "/") ?? folder.startIndex)])
        }
        return nil
    }

    /// HEAD's commit: itself when detached, else its branch's (a loose ref or a line of `packed-refs`).
    private static func resolve(_ head: String, in git: String) -> String? {
        let head = head.trimmingWhitespace
        guard head.hasPrefix("ref: ") else { return head.isEmpty ? nil : String(head.prefix(12)) }
        let ref = String(head.dropFirst(5))
        if let loose = contents(of: git + "/" + ref)?.trimmingWhitespace, !loose.isEmpty { return String(loose.prefix(12)) }
        let packed = contents(of: git + "/packed-refs")?.split(separator: "\n").first { $0.hasSuffix(" " + ref) }
        return packed.map { String($0.prefix(12)) }
    }

    private static var executablePath: String? {
        var buffer = [CChar](repeating: 0, count: 4096)
        let length = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        return length > 0 ? String(decoding: buffer.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self) : nil
    }

    private static func contents(of path: String) -> String? {
        guard let file = fopen(path, "r") else { return nil }
        defer { fclose(file) }
        var text = ""
        var buffer = [CChar](repeating: 0, count: 4096)
        while fgets(&buffer, Int32(buffer.count), file) != nil {
            text += String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
        return text
    }
}

private extension String {
    var trimmingWhitespace: String {
        String(drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed())
    }
}
