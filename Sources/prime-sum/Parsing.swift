import ArgumentParser
import PrimeSum
import PrimeSumCommandLine

/// A command line that parsed into a request.
struct ParsedCommand {
    var command: PrimeSumCommand
    /// The request, built once from the command's words.
    var request: Request

    var options: DistributedPrimeSum.Options { command.options }
    func render(_ outcome: JobOutcome) -> String { command.render(outcome) }
}

extension PrimeSumCommand {
    /// Parses the command line without printing or exiting: help and usage errors come back as an
    /// ``EarlyExit`` for rank 0 to print.
    static func parse(_ arguments: [String]) -> Result<ParsedCommand, EarlyExit> {
        if let negative = negativeNumber(in: arguments) {
            return .failure(usageError("'\(UsageError.shown(negative))' is negative; only numbers from 0 to 2^64 are accepted"))
        }
        do {
            guard let command = try parseAsRoot(arguments) as? PrimeSumCommand else {
                return .failure(EarlyExit(message: helpMessage() + "\n", toStandardError: false, status: 0))
            }
            if command.version { return .failure(EarlyExit(message: BuildInfo.description + "\n", toStandardError: false, status: 0)) }
            return .success(ParsedCommand(command: command, request: try Request(numbers: command.numbers, batch: command.batch)))
        } catch let error as UsageError {
            return .failure(usageError(error.message))
        } catch {
            return .failure(earlyExit(for: error))
        }
    }

    /// The first word that is a negative number where N, A or B goes (ArgumentParser would take it for an
    /// option); an option's value, such as `--threads -1`, is the option's to judge.
    private static func negativeNumber(in arguments: [String]) -> String? {
        var previous: String?
        for (index, word) in arguments.enumerated() {
            defer { previous = word }
            if word == "--" { return arguments[(index + 1)...].first(where: looksNegative) }
            if looksNegative(word) && !(previous.map(optionsWithValues.contains) ?? false) { return word }
        }
        return nil
    }

    private static func looksNegative(_ word: String) -> Bool {
        word.count > 1 && word.first == "-" && word.dropFirst().first!.isNumber
    }

    /// The options that take a value (the word after them is that value, whatever it looks like).
    private static let optionsWithValues: Set<String> = ["--batch", "--threads", "-t", "--segment-kib", "--schedule", "--method",
                                                         "--progress", "--checkpoint", "--silence-limit", "--print", "--output"]

    /// ArgumentParser's own verdicts: `--help`, or its first line of complaint as one sentence.
    private static func earlyExit(for error: any Error) -> EarlyExit {
        if exitCode(for: error).rawValue == 0 {  // --help
            return EarlyExit(message: fullMessage(for: error) + "\n", toStandardError: false, status: 0)
        }
        var message = String(message(for: error).split(separator: "\n").first ?? "")
        if message.hasPrefix("Error: ") { message.removeFirst(7) }
        while message.last == "." { message.removeLast() }
        if message.count > 160 { message = String(message.prefix(160)) + "…" }
        return usageError("\(message); see 'prime-sum --help'")
    }

    private static func usageError(_ sentence: String) -> EarlyExit {
        EarlyExit(message: "prime-sum: \(sentence)\n", toStandardError: true, status: ExitStatus.usage)
    }
}
