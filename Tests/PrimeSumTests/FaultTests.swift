import Foundation
import Testing
import TestSupport

/// Faults end the whole job promptly, with a non-zero status and a reason, and leave nothing running.
@Suite(.serialized) struct FaultTests {
    @Test("a rank killed with SIGKILL mid-run ends the job within 5 seconds, nothing left running")
    func rankKilled() throws {
        let marker = "--segment-kib=256"  // an unusual argument, to find this job's ranks
        let job = try BoundedCommand.startMPIRun(ranks: 3, "prime-sum", ["--quiet", marker, "--method", "sieve", "1e12"], timeLimit: 120)
        var ranks: [Int32] = []
        #expect(BoundedCommand.poll(for: 30) {
            ranks = BoundedCommand.processes(matching: "^\(BoundedCommand.product("prime-sum")) --quiet \(marker)")
            return ranks.count == 3
        }, "the 3 ranks did not start")
        usleep(1_000_000)
        let killed = Date()
        kill(ranks[1], SIGKILL)
        let result = try job.wait()
        let seconds = Date().timeIntervalSince(killed)
        #expect(result.status != 0)
        #expect(seconds <= 5, "the job took \(seconds) s to end")
        #expect(result.standardOutput.isEmpty)
        #expect(BoundedCommand.poll(for: 5) { BoundedCommand.processes(matching: marker).isEmpty }, "ranks left behind")
    }

    static let badCheckpointPaths: [(name: String, says: String)] = [
        ("a directory", "is a directory"),
        ("a symbolic link", "symbolic link"),
        ("in a missing folder", "No such file or directory"),
    ]

    @Test("an unusable checkpoint path: one sentence, status 73, nothing computed or changed",
          arguments: badCheckpointPaths)
    func badCheckpointPath(case bad: (name: String, says: String)) throws {
        let folder = try CheckpointTests.scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let target = folder.appendingPathComponent("precious")
        try "keep me\n".write(to: target, atomically: false, encoding: .utf8)
        let path: String
        switch bad.name {
        case "a directory": path = folder.path
        case "a symbolic link":
            path = folder.appendingPathComponent("link").path
            try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: target.path)
        default: path = folder.appendingPathComponent("missing/journal").path
        }
        let result = try BoundedCommand.mpirun(ranks: 2, "prime-sum", ["--method", "sieve", "--checkpoint", path, "1e9"], timeLimit: 60)
        #expect(result.status == 73, "\(bad.name): \(result.standardError)")
        #expect(result.errorLines.count == 1, "\(result.standardError)")
        #expect(result.standardError.contains(bad.says))
        #expect(result.standardOutput.isEmpty)
        #expect(try String(contentsOf: target, encoding: .utf8) == "keep me\n")
    }

    /// Mounts a tmpfs of `kibibytes` at a new folder; nil (and a loud note) when this is not root.
    static func smallFilesystem(kibibytes: Int, readOnly: Bool = false) throws -> URL? {
        guard BoundedCommand.isRoot else {
            print("SKIPPED: mounting a tmpfs needs root")
            return nil
        }
        let folder = try CheckpointTests.scratchFolder()
        let mount = try BoundedCommand.run("/bin/mount", ["-t", "tmpfs", "-o", "size=\(kibibytes)k\(readOnly ? ",ro" : "")",
                                                          "primesum-test", folder.path], timeLimit: 10)
        #expect(mount.status == 0, "\(mount.standardError)")
        return folder
    }

    static func unmount(_ folder: URL) {
        _ = try? BoundedCommand.run("/bin/umount", [folder.path], timeLimit: 10)
        try? FileManager.default.removeItem(at: folder)
    }

    @Test("a read-only filesystem: status 73", .enabled(if: BoundedCommand.isRoot, "mounting a tmpfs needs root"))
    func readOnlyCheckpoint() throws {
        guard let folder = try Self.smallFilesystem(kibibytes: 64, readOnly: true) else { return }
        defer { Self.unmount(folder) }
        let result = try BoundedCommand.mpirun(ranks: 2, "prime-sum", ["--method", "sieve", "--checkpoint", folder.appendingPathComponent("j").path, "1e9"],
                                               timeLimit: 60)
        #expect(result.status == 73, "\(result.standardError)")
        #expect(result.errorLines.count == 1)
        #expect(result.standardError.contains("Read-only file system"))
    }

    @Test("a disk that fills up mid-run: status 74, and the journal kept resumes to the exact answer",
          .enabled(if: BoundedCommand.isRoot, "mounting a tmpfs needs root"))
    func fullDisk() throws {
        guard let folder = try Self.smallFilesystem(kibibytes: 8) else { return }
        defer { Self.unmount(folder) }
        let request = ["--batch", "1e9:2e9:1e6"]  // 1000 bounds: records of many pieces fill 8 KiB quickly
        let journal = folder.appendingPathComponent("journal").path
        let full = try BoundedCommand.mpirun(ranks: 2, "prime-sum", ["--quiet", "--method", "sieve", "--checkpoint", journal] + request, timeLimit: 120)
        #expect(full.status == 74, "\(full.standardError)")
        #expect(full.standardError.contains("No space left on device"))
        #expect(full.standardOutput.isEmpty)

        // Every line kept is whole; on a roomier disk the same journal finishes the job.
        let kept = try Data(contentsOf: URL(fileURLWithPath: journal))
        #expect(kept.last == UInt8(ascii: "\n"))
        let roomy = try CheckpointTests.scratchFolder()
        defer { try? FileManager.default.removeItem(at: roomy) }
        let moved = roomy.appendingPathComponent("journal").path
        try kept.write(to: URL(fileURLWithPath: moved))
        let resumed = try BoundedCommand.mpirun(ranks: 2, "prime-sum", ["--quiet", "--method", "sieve", "--checkpoint", moved] + request, timeLimit: 120)
        let plain = try BoundedCommand.mpirun(ranks: 2, "prime-sum", ["--quiet"] + request, timeLimit: 120)
        #expect(resumed.status == 0, "\(resumed.standardError)")
        #expect(plain.status == 0)
        #expect(resumed.standardOutput == plain.standardOutput)
        #expect(resumed.standardOutput.split(separator: "\n").count == 1000)
    }
}
