import Testing
import TestSupport

/// The MPI wrapper, exercised by the `mpi-checks` program under a real `mpirun`.
@Suite(.serialized) struct WrapperUnderMPIRunTests {
    @Test("every collective over Int32, Int64, UInt64, Double and UInt128, point to point, structs, custom reductions",
          arguments: [1, 2, 3, 4])
    func collectives(ranks: Int) throws {
        let result = try BoundedCommand.mpirun(ranks: ranks, "mpi-checks", ["collectives"], timeLimit: 60)
        #expect(result.status == 0, "\(result.standardError)")
        for type in ["Int32", "Int64", "UInt64", "Double", "UInt128"] {
            #expect(result.standardOutput.contains("ok collectives \(type) on \(ranks) ranks"))
        }
        #expect(result.standardOutput.contains("ok point to point on \(ranks) ranks"))
        #expect(result.standardOutput.contains("ok structs and custom operations on \(ranks) ranks"))
        #expect(result.standardOutput.contains("ok all checks passed on \(ranks) ranks"))
        if ranks > 1 { #expect(result.standardOutput.contains("exceeds 2^64: true")) }
    }

    @Test("counts past 2^31 - 1 elements: a broadcast, a send and a gather of 2^31 + 7 bytes per rank")
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
}
