import Foundation
import Testing
import TestSupport

/// The programs of Examples/ run under a real mpirun and print what they promise.
@Suite(.serialized) struct ExamplesTests {
    static func run(_ name: String, ranks: Int = 4, _ arguments: [String] = []) throws -> String {
        let result = try BoundedCommand.mpirun(ranks: ranks, name, arguments, timeLimit: 60)
        #expect(result.status == 0, "\(name): \(result.standardError)")
        #expect(result.standardError.isEmpty, "\(name): \(result.standardError)")
        return result.standardOutput
    }

    @Test("hello: one greeting per rank, in rank order")
    func hello() throws {
        let lines = try Self.run("example-hello").split(separator: "\n")
        #expect(lines.count == 4)
        for (rank, line) in lines.enumerated() { #expect(line.hasPrefix("hello from rank \(rank) of 4 on ")) }
    }

    @Test("ring: the token collects every rank once; sendReceive shifts ranks by one", arguments: [1, 2, 5])
    func ring(ranks: Int) throws {
        let output = try Self.run("example-ring", ranks: ranks)
        let lap = ranks * (ranks - 1) / 2
        #expect(output.contains("token after one lap of \(ranks) ranks: \(lap) (expected \(lap))"))
        let shifted = (0..<ranks).map { ($0 + ranks - 1) % ranks }
        #expect(output.contains("each rank received its left neighbour's rank: \(shifted)"))
    }

    @Test("pi: within 1e-12 with 10 million intervals")
    func pi() throws {
        let output = try Self.run("example-pi")
        let error = output.split(separator: " ").last.flatMap { Double($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        #expect(output.hasPrefix("pi ≈ 3.14159265358"))
        #expect((error ?? 1) < 1e-12, "\(output)")
    }

    @Test("scatter-gather: the gathered total equals the closed form")
    func scatterGather() throws {
        let output = try Self.run("example-scatter-gather")
        #expect(output == "sum of squares of 1...4000 from 4 ranks: 21341334000 (expected 21341334000)\n")
    }

    @Test("jacobi: the heat on the plate is the serial computation's at 1-4 ranks (PROC_NULL edges, Cartesian grid)",
          arguments: [1, 2, 3, 4])
    func jacobi(ranks: Int) throws {
        let output = try Self.run("example-jacobi", ranks: ranks)
        let heat = output.split(separator: " ").last.flatMap { Double($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        let expected = Self.serialJacobi(size: 48, sweeps: 500)
        #expect(abs((heat ?? 0) - expected) < 1e-9, "\(output) against \(expected)")
    }

    /// The oracle: the same plate on one array, written independently of the example.
    static func serialJacobi(size: Int, sweeps: Int) -> Double {
        let n = size + 2
        var plate = [Double](repeating: 0, count: n * n)
        for column in 0..<n { plate[column] = 1 }  // the top edge, corners included
        var next = plate
        for _ in 0..<sweeps {
            for row in 1...size {
                for column in 1...size {
                    next[row * n + column] = (plate[row * n + column - 1] + plate[row * n + column + 1]
                                              + plate[(row - 1) * n + column] + plate[(row + 1) * n + column]) / 4
                }
            }
            swap(&plate, &next)
        }
        return (1...size).reduce(0.0) { sum, row in sum + (1...size).reduce(0.0) { $0 + plate[row * n + $1] } }
    }

    @Test("task-farm: matched probes receive every worker's answer exactly; the divisor sum is the closed form's",
          arguments: [1, 2, 4])
    func taskFarm(ranks: Int) throws {
        let output = try Self.run("example-task-farm", ranks: ranks)
        // Σ_{k ≤ 2000} σ(k) = Σ_d d·⌊2000/d⌋: each d divides ⌊2000/d⌋ of the numbers.
        let expected = (1...2000).reduce(0) { $0 + $1 * (2000 / $1) }
        #expect(output == "sum of the divisors of 1...2000 from \(ranks - 1) workers: \(expected)\n")
    }

    @Test("overlap: iallreduce of one block while the next is computed gives (n(n+1)/2)² at 1-4 ranks", arguments: [1, 2, 3, 4])
    func overlap(ranks: Int) throws {
        let output = try Self.run("example-overlap", ranks: ranks)
        let n: UInt64 = 60_000, triangle = n * (n + 1) / 2
        #expect(output.hasPrefix("sum of k³ for k in 1...60000 on \(ranks) ranks: \(triangle * triangle) "), "\(output)")
    }

    @Test("parallel-write: the file holds every square in order, whatever the number of ranks", arguments: [1, 3, 4])
    func parallelWrite(ranks: Int) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("parallel-write-\(ProcessInfo.processInfo.processIdentifier)-\(ranks)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("squares.bin").path
        // A longer file left from an earlier run must not keep its tail.
        try Data(repeating: 0xFF, count: 900_000).write(to: URL(fileURLWithPath: path))
        let output = try Self.run("example-parallel-write", ranks: ranks, [path])
        #expect(output == "wrote 100000 squares to \(path) from \(ranks) ranks; read back: correct\n")
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let values = data.withUnsafeBytes { Array($0.bindMemory(to: UInt64.self)) }.map(UInt64.init(littleEndian:))
        #expect(values.count == 100_000)
        #expect(values.enumerated().allSatisfy { $0.element == UInt64($0.offset * $0.offset) })
    }
}
