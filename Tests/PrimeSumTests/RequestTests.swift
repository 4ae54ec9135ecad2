import PrimeSieve
import PrimeSum
import PrimeSumCommandLine
import Testing

/// The request syntax and the work plan, without MPI.
struct RequestTests {
    static let twoTo64: UInt128 = 1 << 64
    static let plainSpellings: [(String, UInt128)] = [
        ("0", 0), ("1000000", 1_000_000), ("1_000_000", 1_000_000), ("1e10", 10_000_000_000),
        ("10^12", 1_000_000_000_000), ("2^64", twoTo64), ("2^64-1", twoTo64 - 1), ("3e10+7", 30_000_000_007),
        ("18446744073709551616", twoTo64), (" 42 ", 42), ("1E3", 1000), ("2^64-2^63", twoTo64 / 2), ("0e5", 0), ("0^0", 1),
    ]
    static let expressionSpellings: [(String, UInt128)] = [
        ("2**64", twoTo64), ("2**64-1", twoTo64 - 1), ("(2^32+1)*3", 12_884_901_891), ("2^2^3", 256), ("2*3^2", 18),
        ("((7))", 7), ("10-2*3", 4), ("(2^64+2^64)-2^64", twoTo64), ("2^(3+1)", 16), ("3e2*2", 600),
    ]
    static let acceptedSpellings = plainSpellings + expressionSpellings

    @Test("numbers in every accepted spelling", arguments: acceptedSpellings)
    func accepted(text: String, value: UInt128) throws {
        #expect(try NumberSyntax.parse(text) == value)
    }

    static let refusedSpellings: [String] = ["", "abc", "-1", "1.5e3", "1e", "e5", "^2", "2^", "1__0", "_1", "1_",
                                         "2^64+1", "1e20", "10^1000", "1+", "1e-3", "0x10", "1,000", "5-10",
                                         "(1", "1)", "()", "2***3", "*2", "2*", "(-1)", "2^(0-1)", "2^64*2", "(2^64+1)",
                                         String(repeating: "(", count: 100_000) + "1" + String(repeating: ")", count: 100_000),
                                         Array(repeating: "2", count: 100_000).joined(separator: "^")]

    @Test("numbers refused", arguments: refusedSpellings)
    func refused(text: String) {
        #expect(throws: UsageError.self) { try NumberSyntax.parse(text) }
    }

    @Test("a batch follows Python range semantics")
    func batchBounds() throws {
        let request = try Request(numbers: [], batch: "1e6:2e6:5e4")
        #expect(request.queries.map(\.hi) == stride(from: 1_000_000, to: 2_000_000, by: 50_000).map { UInt128($0) })
        #expect(try Request(numbers: [], batch: "5:6:100").queries.map(\.hi) == [5])
        #expect(try Request(numbers: [], batch: "0:10:3").queries.map(\.hi) == [0, 3, 6, 9])
        #expect(try Request(numbers: [], batch: "1:10:3").span == Query(lo: 0, hi: 7))
    }

    @Test("equal-cost borders are ascending and tile the range", arguments: [
        (UInt128(0), UInt128(1_000_000_000)), (UInt128(5), UInt128(9)), (UInt128(1) << 64 - 1000, UInt128(1) << 64),
        (UInt128(0), UInt128(1) << 64), (UInt128(77), UInt128(77)),
    ])
    func equalCostBorders(lo: UInt128, hi: UInt128) {
        for parts in [1, 2, 3, 7, 64] {
            let borders = PrimeSieve().equalCostBorders(from: lo, to: hi, parts: parts)
            #expect(borders.count == parts + 1)
            #expect(borders.first == lo && borders.last == hi)
            #expect(zip(borders, borders.dropFirst()).allSatisfy { $0 <= $1 })
        }
    }

    @Test("higher ranges cost more per integer, so equal-cost parts shrink upwards")
    func costGrowsWithOffset() {
        let borders = PrimeSieve().equalCostBorders(from: 0, to: 1 << 40, parts: 4)
        let widths = zip(borders, borders.dropFirst()).map { $1 - $0 }
        #expect(widths[0] > widths[3])
    }
}
