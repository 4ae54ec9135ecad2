import Foundation
import Testing
import TestSupport

/// The MPI wrapper, exercised by the `mpi-checks` program under a real `mpirun`.
@Suite(.serialized) struct WrapperUnderMPIRunTests {
    @Test("every collective over Int32, Int64, UInt64, Double and UInt128, point to point, structs, custom reductions, grids and PROC_NULL, every request kind, nonblocking collectives, raised errors, one-sided windows, MPI-IO, in-place, known-count and neighbour collectives",
          arguments: [1, 2, 3, 4])
    func collectives(ranks: Int) throws {
        // Open MPI 4.1's default one-sided layer (osc/rdma over ob1) cannot create a window over one process's
        // own memory when the job has one process (open-mpi/ompi#10726): its pt2pt layer can.
        let oneSided = ranks == 1 && !BoundedCommand.isMPICH ? ["OMPI_MCA_osc": "pt2pt,sm"] : [:]
        let result = try BoundedCommand.mpirun(ranks: ranks, "mpi-checks", ["collectives"], timeLimit: 60, environment: oneSided)
        #expect(result.status == 0, "\(result.standardError)")
        for type in ["Int32", "Int64", "UInt64", "Double", "UInt128"] {
            #expect(result.standardOutput.contains("ok collectives \(type) on \(ranks) ranks"))
        }
        #expect(result.standardOutput.contains("ok point to point on \(ranks) ranks"))
        #expect(result.standardOutput.contains("ok structs and custom operations on \(ranks) ranks"))
        #expect(result.standardOutput.contains("ok windows, files, in-place, known counts and neighbours on \(ranks) ranks"))
        #expect(result.standardOutput.contains("ok new families on \(ranks) ranks"))
        #expect(result.standardOutput.contains("ok all checks passed on \(ranks) ranks"))
        if ranks > 1 { #expect(result.standardOutput.contains("exceeds 2^64: true")) }
    }

    @Test("counts past 2^31 - 1 elements: a broadcast, a send, an isend/ireceive, allgatherv, gather, gatherv, scatterv and alltoallv of 2^31 + 7 bytes")
    func largeCounts() throws {
        let result = try BoundedCommand.mpirun(ranks: 2, "mpi-checks", ["large-counts"], timeLimit: 300)
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput.contains("ok large counts: 2147483655 elements"))
    }

    @Test("a call MPI refuses throws an MPIError with its class and message")
    func failingCallThrows() throws {
        let result = try BoundedCommand.mpirun(ranks: 2, "mpi-checks", ["failing-call"], timeLimit: 60)
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput.contains("ok threw MPI_ERR_TAG: MPI_Send failed: "))
    }

    @Test("an unhandled error aborts the whole job with its status, promptly")
    func unhandledErrorAborts() throws {
        let result = try BoundedCommand.mpirun(ranks: 3, "mpi-checks", ["unhandled-error"], timeLimit: 60)
        #expect(result.status == 4)
        #expect(result.standardError.contains("MPI_Send failed"))
        #expect(result.seconds < 30)
    }

    @Test("a package of a user's, depending on the library by path, builds offline without swift-argument-parser and runs")
    func dependentPackage() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("mpi-user-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("Sources/Halo"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let library = BoundedCommand.projectFolder.appendingPathComponent("Packages/MPI").path
        try """
            // swift-tools-version: 6.0
            import PackageDescription
            let package = Package(name: "Halo",
                dependencies: [.package(path: "\(library)")],
                targets: [.executableTarget(name: "Halo", dependencies: [.product(name: "MPI", package: "MPI")])])
            """.write(to: folder.appendingPathComponent("Package.swift"), atomically: true, encoding: .utf8)
        try """
            import MPI
            Environment.run { environment in
                let world = environment.world
                guard let ring = try world.cartesian(dimensions: [world.size], periodic: [true]) else { return }
                let (left, right) = try ring.shift(dimension: 0, by: 1)
                var mine = [Int32(ring.communicator.rank)], theirs = [Int32(-1)]
                let group = RequestGroup(capacity: 2)
                try mine.withUnsafeMutableBufferPointer { send in
                    try theirs.withUnsafeMutableBufferPointer { receive in
                        try group.ireceive(into: receive, from: left, tag: 0, on: ring.communicator)
                        try group.isend(UnsafeBufferPointer(send), to: right, tag: 0, on: ring.communicator)
                        try group.waitAll()
                    }
                }
                let all = try ring.communicator.allgather(theirs[0])
                if ring.communicator.rank == 0 { print("left neighbours: \\(all)") }
            }
            """.write(to: folder.appendingPathComponent("Sources/Halo/main.swift"), atomically: true, encoding: .utf8)
        var environment = ["SWIFT_MPI": BoundedCommand.isMPICH ? "mpich" : "openmpi"]
        environment["PRIMESUM_MPI"] = environment["SWIFT_MPI"]
        let built = try BoundedCommand.run("/usr/bin/env", ["swift", "build", "-c", "release", "--package-path", folder.path,
                                                            "--disable-automatic-resolution", "--skip-update"],
                                           timeLimit: 600, environment: environment)
        #expect(built.status == 0, "\(built.standardOutput.suffix(2000)) \(built.standardError.suffix(2000))")
        let resolved = (try? String(contentsOf: folder.appendingPathComponent("Package.resolved"), encoding: .utf8)) ?? ""
        #expect(!resolved.contains("argument-parser"), "\(resolved)")
        let checkouts = folder.appendingPathComponent(".build/checkouts").path
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: checkouts)) ?? []).isEmpty, "packages were fetched")
        let program = folder.appendingPathComponent(".build/release/Halo").path
        let run = try BoundedCommand.run(BoundedCommand.launcher, BoundedCommand.mpirunFlags(ranks: 3) + [program], timeLimit: 60)
        #expect(run.status == 0 && run.standardOutput == "left neighbours: [2, 0, 1]\n", "\(run.standardOutput) \(run.standardError)")
    }
}
