import Foundation
import Testing
import TestSupport

/// The library's DocC catalog (Packages/MPI/Sources/MPI/MPI.docc): it builds with every link resolved, and
/// every Swift excerpt in it is part of a program the build compiles.
@Suite struct DocumentationTests {
    static let catalog = BoundedCommand.projectFolder.appendingPathComponent("Packages/MPI/Sources/MPI/MPI.docc")
    static let toolchain = URL(fileURLWithPath: "/opt/swift/usr/bin")

    /// `docc` and `swift-symbolgraph-extract`, from the toolchain that runs the tests.
    static func tool(_ name: String) -> String? {
        let beside = URL(fileURLWithPath: ProcessInfo.processInfo.environment["_"] ?? "").deletingLastPathComponent()
        let candidates = [beside, toolchain] + (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map {
            URL(fileURLWithPath: String($0))
        }
        return candidates.map { $0.appendingPathComponent(name).path }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    static var toolsFound: Bool { tool("docc") != nil && tool("swift-symbolgraph-extract") != nil }

    @Test("the DocC catalog builds from the built module's symbol graph with every link resolved (warnings are errors)",
          .enabled(if: toolsFound, "docc or swift-symbolgraph-extract is not in this toolchain: the catalog is not built"))
    func catalogBuilds() throws {
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("mpi-docc-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: work) }
        let symbols = work.appendingPathComponent("symbols").path, output = work.appendingPathComponent("MPI.doccarchive").path
        try FileManager.default.createDirectory(atPath: symbols, withIntermediateDirectories: true)
        let headers = try BoundedCommand.run("/usr/bin/pkg-config", ["--cflags-only-I", BoundedCommand.isMPICH ? "mpich" : "ompi"])
        let includes = headers.standardOutput.split(whereSeparator: \.isWhitespace).map(String.init)
        let modulemap = BoundedCommand.projectFolder.appendingPathComponent("Packages/MPI/Sources/CMPI/module.modulemap").path
        let extracted = try BoundedCommand.run(Self.tool("swift-symbolgraph-extract")!, [
            "-module-name", "MPI", "-I", BoundedCommand.productsFolder.appendingPathComponent("Modules").path,
            "-target", "x86_64-unknown-linux-gnu", "-output-dir", symbols, "-minimum-access-level", "public",
            "-Xcc", "-fmodule-map-file=\(modulemap)",
        ] + includes, timeLimit: 120)
        #expect(extracted.status == 0, "\(extracted.standardError)")
        let converted = try BoundedCommand.run(Self.tool("docc")!, [
            "convert", Self.catalog.path, "--additional-symbol-graph-dir", symbols, "--output-path", output,
            "--fallback-display-name", "MPI", "--fallback-bundle-identifier", "org.primesum.MPI", "--warnings-as-errors",
        ], timeLimit: 300)
        #expect(converted.status == 0, "\(converted.standardOutput.suffix(3000)) \(converted.standardError.suffix(3000))")
        for page in ["window", "file", "communicator", "gettingstarted", "errormodel", "nonblockingownership",
                     "workingwithdatatypes", "onesidedandfiles", "choosingthempi"] {
            #expect(FileManager.default.fileExists(atPath: "\(output)/data/documentation/mpi/\(page).json"), "no page \(page)")
        }
    }

    @Test("every Swift excerpt in the catalog's articles is a run of lines of the compiled file it names")
    func excerptsAreCompiled() throws {
        let articles = try FileManager.default.contentsOfDirectory(atPath: Self.catalog.path).filter { $0.hasSuffix(".md") }
        var excerpts = 0
        for article in articles {
            let text = try String(contentsOf: Self.catalog.appendingPathComponent(article), encoding: .utf8)
            for block in Self.swiftBlocks(in: text) {
                let first = block.first ?? ""
                if first.hasPrefix("// Package.swift") {
                    // The dependency lines; the dependent-package test builds a package of that shape.
                    #expect(block.contains { $0.contains(".product(name: \"MPI\", package: \"MPI\")") }, "\(article)")
                    continue
                }
                guard first.hasPrefix("// From ") else {
                    Issue.record("\(article): a Swift block that names no source file (\"// From PATH\"): \(block)")
                    continue
                }
                let path = String(first.dropFirst("// From ".count))
                #expect(path.hasPrefix("Examples/") || path.hasPrefix("Tests/MPIChecks/"), "\(article): \(path) is not compiled by the build")
                let source = try String(contentsOf: BoundedCommand.projectFolder.appendingPathComponent(path), encoding: .utf8)
                let lines = source.split(separator: "\n", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
                let wanted = block.dropFirst().map { $0.trimmingCharacters(in: .whitespaces) }
                let found = lines.indices.contains { start in
                    start + wanted.count <= lines.count && Array(lines[start..<start + wanted.count]) == wanted
                }
                #expect(found, "\(article): this excerpt is not in \(path):\n\(wanted.joined(separator: "\n"))")
                excerpts += 1
            }
        }
        #expect(excerpts >= 8, "only \(excerpts) excerpts found")
    }

    /// The lines of each fenced ```swift block.
    static func swiftBlocks(in text: String) -> [[String]] {
        var blocks: [[String]] = [], current: [String]? = nil
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if current == nil, line.trimmingCharacters(in: .whitespaces) == "```swift" {
                current = []
            } else if current != nil, line.trimmingCharacters(in: .whitespaces) == "```" {
                blocks.append(current!)
                current = nil
            } else if current != nil {
                current!.append(line)
            }
        }
        return blocks
    }
}
