import PrimeSum
import PrimeSumCommandLine

#if canImport(Glibc)
import Glibc
#endif

/// prime-sum: every rank parses the same command line; the job lets rank 0 decide, so a bad request is
/// reported once (by rank 0) and every rank exits with the same status.
let parsed = PrimeSumCommand.parse(Array(CommandLine.arguments.dropFirst()))

let invocation: DistributedPrimeSum.Invocation
switch parsed {
case .success(let command): invocation = .compute(command.request, command.options)
case .failure(let early): invocation = .exit(early)
}

exit(DistributedPrimeSum.main(invocation) { outcome in
    guard case .success(let command) = parsed else { return }
    if let path = command.command.output {
        try StandardStreams.writeAtomically(command.render(outcome), toFile: path)
    } else {
        try StandardStreams.writeToStandardOutput(command.render(outcome))
    }
})
