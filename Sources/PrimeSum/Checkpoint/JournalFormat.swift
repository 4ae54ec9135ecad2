/// The journal's text format: one line per entry, each ending in the CRC-32 of the rest.
///
///     primesum-journal 1 below 10000000000 crc32=1c291ca3
///     chunk 0 2500000000 1 121443371:152652286977450256 crc32=5b1a0cf2
///
/// The header names the format version and the request; each further line is one finished piece's record
/// (``PieceRecord/journalLine``).
enum JournalFormat {
    static let version = 1

    /// The header line's body for a request described as `description` (``Request/journalDescription``).
    static func header(describing description: String) -> String {
        "primesum-journal \(version) \(description)"
    }

    /// The request description of a header `line` of this version with its checksum intact.
    static func description(inHeader line: String) -> String? {
        guard let body = checkedBody(line[...]) else { return nil }
        let words = body.split(separator: " ")
        guard words.count > 2, words[0] == "primesum-journal", words[1] == "\(version)" else { return nil }
        return words.dropFirst(2).joined(separator: " ")
    }

    /// `body` as a whole line: its checksum appended, then a line break.
    static func line(_ body: String) -> [UInt8] {
        let crc = String(CRC32.checksum(body.utf8), radix: 16)
        return Array("\(body) crc32=\(String(repeating: "0", count: 8 - crc.count))\(crc)\n".utf8)
    }

    /// The line without its checksum, if the checksum matches.
    static func checkedBody(_ line: Substring) -> Substring? {
        guard let space = line.lastIndex(of: " ") else { return nil }
        let body = line[..<space], tail = line[line.index(after: space)...]
        guard tail.hasPrefix("crc32="), tail.count == 14, let crc = UInt32(tail.dropFirst(6), radix: 16),
              crc == CRC32.checksum(body.utf8) else { return nil }
        return body
    }

    /// The records of a journal's `contents`, and the length of its whole lines: a last record without its
    /// line break (a torn write) is left out. Throws the reason a journal is refused: not a journal (a file
    /// with content but no whole header line included: it may be anyone's), another version or request, a
    /// corrupt line, a record `accepts` rejects, or records that overlap.
    static func parse<Record: PieceRecord>(_ contents: [UInt8], description: String,
                                           accepts: (Record) -> Bool) throws(Refusal) -> (records: [Record], validLength: Int) {
        var records: [Record] = []
        var start = 0, lineNumber = 0
        while start < contents.count, let newline = contents[start...].firstIndex(of: UInt8(ascii: "\n")) {
            lineNumber += 1
            let line = String(decoding: contents[start..<newline], as: UTF8.self)
            if lineNumber == 1 && !line.hasPrefix("primesum-journal ") {
                throw Refusal("it is not a prime-sum checkpoint journal (its first line is foreign or corrupt)")
            }
            guard let body = checkedBody(line[...]) else {
                throw Refusal("line \(lineNumber) is corrupt (its checksum does not match)")
            }
            let words = body.split(separator: " ")
            if lineNumber == 1 {
                try checkHeader(words, description: description)
            } else {
                guard let record = Record(journalLine: words), accepts(record) else {
                    throw Refusal("line \(lineNumber) is not a chunk record of this request")
                }
                records.append(record)
            }
            start = newline + 1
        }
        if lineNumber == 0 && !contents.isEmpty {
            throw Refusal("it is not a prime-sum checkpoint journal (it has no whole header line)")
        }
        try checkNoOverlap(records.map(\.piece))
        return (records, start)
    }

    private static func checkHeader(_ words: [Substring], description: String) throws(Refusal) {
        guard words.count >= 2, words[0] == "primesum-journal" else {
            throw Refusal("it is not a prime-sum checkpoint journal")
        }
        guard words[1] == "\(version)" else {
            throw Refusal("it was written in journal format \(words[1]); this prime-sum reads format \(version)")
        }
        let theirs = words.dropFirst(2).joined(separator: " ")
        guard theirs == description else {
            throw Refusal("it belongs to another request (\(theirs)); give another file, or the same request")
        }
    }

    /// Pieces are dealt once, so saved pieces never overlap.
    private static func checkNoOverlap(_ pieces: [Query]) throws(Refusal) {
        let sorted = pieces.sorted { $0.lo < $1.lo }
        if let overlap = zip(sorted, sorted.dropFirst()).first(where: { $0.hi > $1.lo }) {
            throw Refusal("its chunks [\(overlap.0.lo), \(overlap.0.hi)) and [\(overlap.1.lo), \(overlap.1.hi)) overlap")
        }
    }

    /// Why a journal is refused, in words that follow "refusing checkpoint 'FILE': ".
    struct Refusal: Error, Equatable {
        var reason: String
        init(_ reason: String) { self.reason = reason }
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
