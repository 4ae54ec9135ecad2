import Foundation
import PrimeSum
import Testing
import TestSupport

/// Ideas written in more than one place are held to their one source.
struct ProjectConsistencyTests {
    static func text(_ relativePath: String) throws -> String {
        try String(contentsOf: BoundedCommand.projectFolder.appendingPathComponent(relativePath), encoding: .utf8)
    }

    @Test("run.sh's header and the README's table list every exit status of ExitStatus, with its meaning")
    func exitStatuses() throws {
        let header = try Self.text("run.sh").split(separator: "\n").prefix { !$0.hasPrefix("set -euo") }
            .map { $0.dropFirst(2) }.joined(separator: " ")
        let readmeRows = try Self.text("README.md").split(separator: "\n").filter { $0.hasPrefix("| ") }
        for (status, meaning) in ExitStatus.meanings {
            #expect(header.contains("\(status) \(meaning)"), "run.sh's header lacks '\(status) \(meaning)'")
            #expect(readmeRows.contains { $0.hasPrefix("| \(status) |") }, "the README's table lacks status \(status)")
        }
    }

    @Test("the generated crossing-off loops match their generator")
    func generatedLoops() throws {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("loops-\(getpid()).swift")
        defer { try? FileManager.default.removeItem(at: output) }
        let script = BoundedCommand.projectFolder.appendingPathComponent("Scripts/generate-crossing-loops.py").path
        let result = try BoundedCommand.run("/usr/bin/env", ["python3", script, output.path], timeLimit: 60)
        #expect(result.status == 0, "\(result.standardError)")
        let regenerated = try String(contentsOf: output, encoding: .utf8)
        #expect(regenerated == (try Self.text("Sources/PrimeSieve/CrossingLoops.generated.swift")),
                "run python3 Scripts/generate-crossing-loops.py and commit the result")
    }

    @Test("the mpirun flags come from Scripts/mpirun-flags.sh alone")
    func mpirunFlagsHaveOneSource() throws {
        #expect(BoundedCommand.baseMPIRunFlags.starts(with: ["--quiet", "--bind-to", "none"]))
        for file in ["run.sh", "Sources/prime-sum-bench/Benchmark.swift", "Tests/TestSupport/BoundedCommand.swift"] {
            let text = try Self.text(file)
            #expect(!text.contains("--bind-to\", \"none") && !text.contains("mpirun --quiet"), "\(file) spells out mpirun flags of its own")
        }
    }
}
