import Testing
import TestSupport

/// Every bad input gets one sentence on stderr, printed once by rank 0, exit status 64, no trace, no hang,
/// and nothing on stdout.
@Suite(.serialized) struct BadInputTests {
    static let badRequests: [[String]] = [
        ["abc"], ["12abc"], ["0x10"], [""], ["-5"], ["10", "-3"], ["1.5e3"], ["2.5"], ["1e-3"],
        ["2^64+1"], ["18446744073709551617"], ["1e20"], ["10^1000"], ["20", "10"], ["--batch", "1:10:0"],
        ["--batch", "1:10:-1"], ["--batch", "10:10:1"], ["--batch", "10:1:1"], ["--batch", "1:10"],
        ["--batch", "1:1e7:1"], ["--bogus"], ["5", "--bogus"], ["1", "2", "3"], [], ["--threads", "0", "5"],
        ["--threads", "100000", "5"], ["5", "--batch", "1:2:1"], ["1__000"], ["_1"],
    ]

    @Test("at 2 ranks: one sentence from rank 0, status 64, empty stdout", arguments: badRequests)
    func badRequestAtTwoRanks(arguments: [String]) throws {
        let result = try BoundedCommand.mpirun(ranks: 2, "prime-sum", arguments, timeLimit: 60)
        #expect(result.status == 64, "\(arguments): status \(result.status), stderr \(result.standardError)")
        #expect(result.standardOutput.isEmpty, "\(arguments): stdout \(result.standardOutput)")
        #expect(result.errorLines.count == 1, "\(arguments): stderr \(result.standardError)")
        #expect(result.standardError.hasPrefix("prime-sum: "))
        #expect(!result.standardError.contains("Backtrace") && !result.standardError.contains("MPI_ABORT"))
        #expect(result.seconds < 30)
    }

    static let badLaunches: [(arguments: [String], says: String)] = [
        (["--hostfile", "/nonexistent/hosts"], "hostfile"),
        (["-n", "0"], "at least 1"),
        (["-n", "two"], "positive integer"),
        (["--frobnicate"], "unknown option"),
        (["--time-limit", "-1"], "time limit"),
    ]

    @Test("run.sh refuses a bad launch with one sentence and status 64", arguments: badLaunches)
    func badLaunch(launch: (arguments: [String], says: String)) throws {
        let result = try BoundedCommand.runScript(["--no-build"] + launch.arguments, timeLimit: 60)
        #expect(result.status == 64, "\(launch.arguments): \(result.standardError)")
        #expect(result.errorLines.count == 1, "\(launch.arguments): \(result.standardError)")
        #expect(result.standardError.contains(launch.says))
        #expect(result.standardOutput.isEmpty)
    }

    @Test("run.sh passes a bad request through to prime-sum's status 64, once")
    func badRequestThroughRunScript() throws {
        let result = try BoundedCommand.runScript(["--no-build", "-n", "2", "--", "1 2; echo injected"], timeLimit: 60)
        #expect(result.status == 64)
        #expect(result.errorLines.count == 1)
        #expect(result.standardError.contains("'1 2; echo injected' is not a number"))
        #expect(!result.standardOutput.contains("injected"))
    }

    @Test("help is printed once, to stdout, with status 0")
    func help() throws {
        let result = try BoundedCommand.mpirun(ranks: 2, "prime-sum", ["--help"], timeLimit: 60)
        #expect(result.status == 0)
        #expect(result.standardOutput.components(separatedBy: "USAGE:").count == 2)
    }
}
