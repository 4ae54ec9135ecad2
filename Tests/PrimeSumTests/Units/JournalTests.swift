import Foundation
@testable import PrimeSum
import PrimeSieve
import Testing

/// The journal's format, records and file handling, without MPI.
struct JournalTests {
    static let request = Request.batch(from: 0, to: 100, step: 10)
    static var kind: SieveWork { SieveWork(request: request, engine: PrimeSieve()) }

    static func lines(_ bodies: [String]) -> [UInt8] { bodies.flatMap { JournalFormat.line($0) } }

    static func parse(_ contents: [UInt8]) throws(JournalFormat.Refusal) -> (records: [ChunkRecord], validLength: Int) {
        try JournalFormat.parse(contents, description: request.journalDescription, accepts: kind.accepts)
    }

    @Test("CRC-32 is zlib's")
    func crc() {
        #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
        #expect(CRC32.checksum([UInt8]()) == 0)
    }

    @Test("records round-trip through words and journal lines")
    func recordRoundTrips() {
        let records = [
            ChunkRecord(chunk: Query(lo: 0, hi: 100), pieces: [PrimeTally(count: 25, sum: 1060)]),
            ChunkRecord(chunk: Query(lo: 5, hi: 1 << 64), pieces: [.zero, PrimeTally(count: .max, sum: .max)]),
        ]
        for record in records {
            #expect(ChunkRecord(words: record.words) == record)
            #expect(ChunkRecord(journalLine: record.journalLine.split(separator: " ")) == record)
            let body = JournalFormat.checkedBody(String(decoding: JournalFormat.line(record.journalLine).dropLast(), as: UTF8.self)[...])
            #expect(body.map(String.init) == record.journalLine)
        }
    }

    @Test("a tally is possible only with at most one prime per odd integer (and 2), its sum within count × the range")
    func possibleTallies() {
        let range = Query(lo: 10, hi: 20)
        #expect(PrimeTally(count: 4, sum: 11 + 13 + 17 + 19).isPossible(in: range))
        #expect(PrimeTally.zero.isPossible(in: range))
        #expect(!PrimeTally(count: 0, sum: 1).isPossible(in: range))
        #expect(!PrimeTally(count: 7, sum: 100).isPossible(in: range))
        #expect(!PrimeTally(count: 1, sum: 9).isPossible(in: range) && !PrimeTally(count: 1, sum: 20).isPossible(in: range))
        #expect(PrimeTally(count: 2, sum: 5).isPossible(in: Query(lo: 2, hi: 4)))
        #expect(!PrimeTally(count: .max, sum: .max).isPossible(in: Query(lo: 0, hi: 1 << 64)))
    }

    @Test("malformed records are refused", arguments: [
        "chunk 0 100 1", "chunk 0 100 0", "chunk 100 0 1 0:0", "chunk 5 5 1 0:0", "chunk 0 100 2 1:2",
        "chunk 0 100 1 1:2 3:4", "chunk 0 100 1 1:", "chunk 0 100 1 :1", "chunk 0 100 1 1:2:3", "chunk x 100 1 1:2",
        "chunk 0 100 1 -1:2", "chunk 0 100 1 18446744073709551616:2", "block 0 100 1 1:2",
    ])
    func malformedRecords(line: String) {
        #expect(ChunkRecord(journalLine: line.split(separator: " ")) == nil)
    }

    @Test("malformed record messages are refused")
    func malformedWords() {
        #expect(ChunkRecord(words: [0, 100, 1]) == nil)
        #expect(ChunkRecord(words: [100, 0, 1, 2]) == nil)
        #expect(ChunkRecord(words: [0, 100, UInt128(UInt64.max) + 1, 2]) == nil)
    }

    @Test("a whole journal parses; a torn last line is left out")
    func parseWhole() throws {
        let header = JournalFormat.header(describing: Self.request.journalDescription)
        let record = ChunkRecord(chunk: Query(lo: 0, hi: 50), pieces: (0..<5).map { _ in .zero })
        let contents = Self.lines([header, record.journalLine])
        let parsed = try Self.parse(contents)
        #expect(parsed.records == [record] && parsed.validLength == contents.count)
        let torn = try Self.parse(contents + Array("chunk 50 90 4 0:0".utf8))
        #expect(torn.records == [record] && torn.validLength == contents.count)
        #expect(try Self.parse([]).records.isEmpty)
    }

    @Test("refusals: not a journal, another version or request, corrupt, foreign or overlapping records")
    func refusals() {
        let header = JournalFormat.header(describing: Self.request.journalDescription)
        let good = ChunkRecord(chunk: Query(lo: 0, hi: 50), pieces: (0..<5).map { _ in .zero }).journalLine
        var corrupt = Self.lines([header, good])
        corrupt[corrupt.count - 5] ^= 1
        let cases: [([UInt8], String)] = [
            (Self.lines(["something else"]), "not a prime-sum checkpoint journal"),
            (Self.lines(["primesum-journal 2 batch 0 100 10"]), "journal format 2"),
            (Self.lines(["primesum-journal 1 below 100"]), "another request"),
            (corrupt, "line 2 is corrupt"),
            (Self.lines([header, "chunk 0 50 1 0:0"]), "line 2 is not a chunk record"),
            (Self.lines([header, "chunk 0 101 6 0:0 0:0 0:0 0:0 0:0 0:0"]), "line 2 is not a chunk record"),
            (Self.lines([header, good, "chunk 40 60 2 0:0 0:0"]), "overlap"),
            (Array("primesum-journal 1 batch 0 100 10 crc32=00000000\n".utf8), "line 1 is corrupt"),
        ]
        for (contents, reason) in cases {
            #expect(throws: JournalFormat.Refusal.self) { try Self.parse(contents) }
            do { _ = try Self.parse(contents) } catch { #expect(error.reason.contains(reason), "\(error.reason)") }
        }
    }

    @Test("a journal on disk: created with its header, appended to, reopened with its gaps")
    func onDisk() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("journal-\(UInt64.random(in: 0...UInt64.max))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("j").path
        let record = ChunkRecord(chunk: Query(lo: 20, hi: 50), pieces: [23, 31, 41].map { PrimeTally(count: 1, sum: $0) })
        do {
            let journal = try Journal<ChunkRecord>(path: path, description: Self.request.journalDescription, accepts: Self.kind.accepts)
            try journal.append(record)
        }
        let reopened = try Journal<ChunkRecord>(path: path, description: Self.request.journalDescription, accepts: Self.kind.accepts)
        #expect(reopened.records == [record])
        #expect(reopened.remaining(of: Query(lo: 0, hi: 90)) == [Query(lo: 0, hi: 20), Query(lo: 50, hi: 90)])
        #expect(throws: JournalError.self) {
            try Journal<ChunkRecord>(path: path, description: "below 7", accepts: { _ in true })
        }
        #expect(throws: JournalError.self) {
            try Journal<ChunkRecord>(path: folder.path, description: "below 7", accepts: { _ in true })
        }
    }
}
