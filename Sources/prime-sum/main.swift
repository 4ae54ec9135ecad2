import ArgumentParser
import MPI
import PrimeSieve
import PrimeSum

#if canImport(Glibc)
import Glibc
#endif

/// prime-sum: every rank parses the same command line; rank 0's verdict is broadcast, so a bad request is
/// reported once (by rank 0), and every rank exits with the same status after a clean `MPI_Finalize`.
let arguments = Array(CommandLine.arguments.dropFirst())

let status = Environment.run(threadLevel: .funneled, abortStatus: ExitStatus.mpiFailure) { environment -> Int32 in
    let world = environment.world
    let isRoot = world.rank == 0
    let parsed = parse(arguments)

    if case .success(let command) = parsed, command.checkpoint != nil { Interruption.install() }

    var verdict: Int32 = -1  // -1: go on; otherwise the status to exit with
    var journal: Journal?
    if isRoot {
        switch parsed {
        case .success(let command):
            if let path = command.checkpoint {
                do {
                    journal = try Journal(path: path, request: try command.request())
                } catch let error as JournalError {
                    writeToStandardError("\(error)\n")
                    verdict = error.abortStatus
                }
            }
        case .failure(let exit):
            exit.print()
            verdict = exit.status
        }
    }
    try world.root(0).broadcast(&verdict)
    if verdict >= 0 { return verdict }
    guard case .success(let command) = parsed else { throw JobError.malformedBroadcast }

    var options = DistributedPrimeSum.Options(threads: command.threads, progressInterval: command.progressInterval,
                                              schedule: command.schedule, checkpointing: command.checkpoint != nil)
    if let segmentKiB = command.segmentKiB { options.sieve = SieveConfiguration(segmentBytes: segmentKiB * 1024) }
    guard let outcome = try DistributedPrimeSum.run(try command.request(), options: options, on: world,
                                                    journal: journal) else {
        return ExitStatus.success
    }
    if command.json {
        writeToStandardOutput(Output.json(outcome))
    } else {
        writeToStandardOutput(Output.humanReadable(outcome) + (command.report ? Output.report(outcome) : ""))
    }
    return ExitStatus.success
}
exit(status)

/// What to do when the command line is not a request: a message for rank 0 to print, and a status.
struct EarlyExit: Error {
    var message: String
    var toStandardError: Bool
    var status: Int32

    func print() {
        if toStandardError { writeToStandardError(message) } else { writeToStandardOutput(message) }
    }
}

/// Parses the command line without printing or exiting: help and usage errors come back as an ``EarlyExit``.
func parse(_ arguments: [String]) -> Result<PrimeSumCommand, EarlyExit> {
    if let negative = arguments.first(where: { $0.count > 1 && $0.first == "-" && $0.dropFirst().first!.isNumber }) {
        return .failure(EarlyExit(
            message: "prime-sum: '\(negative)' is negative; only numbers from 0 to 2^64 are accepted\n",
            toStandardError: true, status: ExitStatus.usage))
    }
    do {
        let command = try PrimeSumCommand.parseAsRoot(arguments)
        guard let primeSum = command as? PrimeSumCommand else {
            return .failure(EarlyExit(message: PrimeSumCommand.helpMessage() + "\n", toStandardError: false, status: 0))
        }
        _ = try primeSum.request()
        return .success(primeSum)
    } catch let error as UsageError {
        return .failure(EarlyExit(message: "prime-sum: \(error.message)\n", toStandardError: true, status: ExitStatus.usage))
    } catch {
        let code = PrimeSumCommand.exitCode(for: error).rawValue
        if code == 0 {  // --help
            return .failure(EarlyExit(message: PrimeSumCommand.fullMessage(for: error) + "\n",
                                      toStandardError: false, status: 0))
        }
        var message = PrimeSumCommand.message(for: error)
        if let first = message.split(separator: "\n").first { message = String(first) }
        if message.hasPrefix("Error: ") { message.removeFirst(7) }
        return .failure(EarlyExit(
            message: "prime-sum: \(message.trimmingCharacters(in: ".")); see 'prime-sum --help'\n",
            toStandardError: true, status: ExitStatus.usage))
    }
}

extension String {
    func trimmingCharacters(in set: Character) -> String {
        var result = self
        while result.last == set { result.removeLast() }
        return result
    }
}
