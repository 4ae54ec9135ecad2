import Foundation
import Testing
import TestSupport

/// `--checkpoint FILE`: interrupted or killed jobs resume where they stopped with the exact answer, and bad
/// journals are refused without being touched.
@Suite(.serialized) struct CheckpointTests {
    static let request = ["3e10"]
    static let answer = "sum of primes below 30000000000: \(KnownAnswers.below3e10Sum) (1300005926 primes)\n"

    /// A fresh path in a folder of its own, removed by the caller's `defer`.
    static func scratchFolder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("primesum-checkpoint-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    static func lines(of path: String) -> [Substring] {
        ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").split(separator: "\n")
    }

    /// Waits until the journal at `path` holds at least `records` chunk records.
    static func waitForRecords(_ records: Int, in path: String, running: RunningCommand) -> Bool {
        BoundedCommand.poll(for: 120) { lines(of: path).count >= records + 1 || !running.isRunning }
            && running.isRunning
    }

    /// Checks the journal's chunks are disjoint and cover `[0, hi)` exactly.
    static func expectCovers(_ path: String, upTo hi: UInt128) {
        let chunks = lines(of: path).dropFirst().map { line -> (UInt128, UInt128) in
            let words = line.split(separator: " ")
            return (UInt128(words[1])!, UInt128(words[2])!)
        }.sorted { $0.0 < $1.0 }
        var cursor: UInt128 = 0
        for (lo, hi) in chunks {
            #expect(lo == cursor, "gap or overlap at \(cursor): next chunk starts at \(lo)")
            cursor = hi
        }
        #expect(cursor == hi)
    }

    @Test("SIGKILL of mpirun mid-run, then a resume at other rank and thread counts gives the exact answer")
    func resumeAfterKill() throws {
        let folder = try Self.scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let journal = folder.appendingPathComponent("journal").path

        let first = try BoundedCommand.startMPIRun(ranks: 2, "prime-sum", ["--quiet", "--method", "sieve", "--checkpoint", journal] + Self.request)
        #expect(Self.waitForRecords(3, in: journal, running: first), "no chunk was saved while the job ran")
        first.signal(SIGKILL)  // mpirun itself, as if its machine died
        let killed = try first.wait()
        #expect(killed.status != 0)
        #expect(BoundedCommand.poll(for: 10) { BoundedCommand.processes(matching: journal).isEmpty }, "ranks left behind")
        let saved = Self.lines(of: journal).count - 1
        #expect(saved >= 3)

        let resumed = try BoundedCommand.mpirun(ranks: 3, "prime-sum", ["--quiet", "--method", "sieve", "--threads", "2", "--checkpoint", journal] + Self.request,
                                                timeLimit: 300)
        #expect(resumed.status == 0, "\(resumed.standardError)")
        #expect(resumed.standardOutput == Self.answer)
        let total = Self.lines(of: journal).count - 1
        #expect(total > saved, "the resumed run saved nothing")
        Self.expectCovers(journal, upTo: 30_000_000_000)

        // A finished journal: nothing is computed again, nothing appended.
        let again = try BoundedCommand.mpirun(ranks: 1, "prime-sum", ["--quiet", "--method", "sieve", "--checkpoint", journal] + Self.request, timeLimit: 60)
        #expect(again.standardOutput == Self.answer)
        #expect(Self.lines(of: journal).count - 1 == total)
        #expect(again.seconds < 10)
    }

    @Test("SIGTERM to run.sh stops the job with status 75 and a resume hint, cleanly (no MPI_ABORT); 2 ranks × 2 threads finish it")
    func resumeAfterTerminate() throws {
        let folder = try Self.scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let journal = folder.appendingPathComponent("journal").path

        let first = try BoundedCommand.startScript(["--no-build", "-n", "3", "--", "--quiet", "--method", "sieve", "--checkpoint", journal] + Self.request,
                                                   timeLimit: 300)
        #expect(Self.waitForRecords(2, in: journal, running: first))
        let signalled = Date()
        first.signal(SIGTERM)
        let stopped = try first.wait()
        #expect(stopped.status == 75, "\(stopped.standardError)")
        #expect(Date().timeIntervalSince(signalled) < 10)
        #expect(stopped.standardError.contains("run the same command again to resume"))
        // A planned stop: every rank agrees and finalizes, so Open MPI prints no abort banner.
        #expect(!stopped.standardError.contains("MPI_ABORT"), "\(stopped.standardError)")
        #expect(stopped.standardOutput.isEmpty)
        #expect(BoundedCommand.poll(for: 10) { BoundedCommand.processes(matching: journal).isEmpty }, "ranks left behind")

        let resumed = try BoundedCommand.runScript(["--no-build", "-n", "2", "--", "--quiet", "--method", "sieve", "--threads", "2", "--checkpoint", journal]
                                                   + Self.request, timeLimit: 300)
        #expect(resumed.status == 0, "\(resumed.standardError)")
        #expect(resumed.standardOutput == Self.answer)
        Self.expectCovers(journal, upTo: 30_000_000_000)
    }

    /// A small finished journal to spoil: the batch makes records of several pieces.
    static func finishedJournal(in folder: URL) throws -> (path: String, output: String) {
        let path = folder.appendingPathComponent("journal").path
        let result = try BoundedCommand.mpirun(ranks: 3, "prime-sum", ["--quiet", "--method", "sieve", "--checkpoint", path, "--batch", "1e8:3e8:2e7"],
                                               timeLimit: 120)
        #expect(result.status == 0)
        #expect(lines(of: path).count >= 4, "want several records to work with")
        return (path, result.standardOutput)
    }

    static func runOn(_ path: String, _ request: [String] = ["--batch", "1e8:3e8:2e7"]) throws -> CommandResult {
        try BoundedCommand.mpirun(ranks: 2, "prime-sum", ["--quiet", "--method", "sieve", "--checkpoint", path] + request, timeLimit: 120)
    }

    /// Replaces the journal's line `index` with `body` plus its correct checksum.
    static func rewriteLine(_ index: Int, of path: String, as body: String) throws {
        var all = lines(of: path).map(String.init)
        all[index] = body + " crc32=" + String(format: "%08x", crc32(Array(body.utf8)))
        try (all.joined(separator: "\n") + "\n").write(toFile: path, atomically: false, encoding: .utf8)
    }

    /// CRC-32 written again here, independently of the program's, from the definition (reflected 0x04C11DB7).
    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = (crc >> 1) ^ (crc & 1 == 1 ? 0xEDB8_8320 : 0) }
        }
        return ~crc
    }

    static func expectRefused(_ result: CommandResult, saying text: String, file path: String, unchanged before: Data) {
        #expect(result.status == 65, "\(result.standardError)")
        #expect(result.errorLines.count == 1, "\(result.standardError)")
        #expect(result.standardError.contains(text), "\(result.standardError)")
        #expect(result.standardOutput.isEmpty)
        #expect(FileManager.default.contents(atPath: path) == before, "a refused journal was modified")
    }

    @Test("a journal corrupt in its middle, of another request, or of another version is refused untouched")
    func refusedJournals() throws {
        let folder = try Self.scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let (path, _) = try Self.finishedJournal(in: folder)
        let pristine = FileManager.default.contents(atPath: path)!

        // A digit changed in a middle record, checksum left as it was.
        var text = String(decoding: pristine, as: UTF8.self).split(separator: "\n").map(String.init)
        let digit = text[2].firstIndex { $0.isNumber && $0 != "0" }!
        text[2].replaceSubrange(digit...digit, with: "0")
        try (text.joined(separator: "\n") + "\n").write(toFile: path, atomically: false, encoding: .utf8)
        let corrupt = FileManager.default.contents(atPath: path)!
        Self.expectRefused(try Self.runOn(path), saying: "line 3 is corrupt", file: path, unchanged: corrupt)

        // Another request.
        try pristine.write(to: URL(fileURLWithPath: path))
        Self.expectRefused(try Self.runOn(path, ["--batch", "1e8:3e8:1e7"]), saying: "another request", file: path,
                           unchanged: pristine)

        // Another format version, with a valid checksum.
        try Self.rewriteLine(0, of: path, as: "primesum-journal 2 batch 100000000 300000000 20000000")
        let otherVersion = FileManager.default.contents(atPath: path)!
        Self.expectRefused(try Self.runOn(path), saying: "format 2", file: path, unchanged: otherVersion)

        // A well-formed record of a chunk outside the request.
        try pristine.write(to: URL(fileURLWithPath: path))
        try Self.rewriteLine(1, of: path, as: "chunk 300000000 300000010 1 0:0")
        let outside = FileManager.default.contents(atPath: path)!
        Self.expectRefused(try Self.runOn(path), saying: "line 2 is not a chunk record", file: path, unchanged: outside)

        // Not a journal at all.
        try "these are my notes\nkeep them\n".write(toFile: path, atomically: false, encoding: .utf8)
        let notes = FileManager.default.contents(atPath: path)!
        Self.expectRefused(try Self.runOn(path), saying: "corrupt", file: path, unchanged: notes)
    }

    @Test("a torn last record is dropped and computed again")
    func tornLastRecord() throws {
        let folder = try Self.scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let (path, output) = try Self.finishedJournal(in: folder)
        let pristine = FileManager.default.contents(atPath: path)!
        let records = Self.lines(of: path).count - 1

        try pristine.dropLast(9).write(to: URL(fileURLWithPath: path))  // the last line lost its end
        let result = try Self.runOn(path)
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput == output)
        let after = FileManager.default.contents(atPath: path)!
        #expect(after.last == UInt8(ascii: "\n"))
        #expect(Self.lines(of: path).count - 1 == records, "the torn chunk should be recomputed and saved once")
        Self.expectCovers(path, upTo: 280_000_000)
    }
}
