/// A request the user got wrong: the message is one sentence, printed once by rank 0; exit status 64.
public struct UsageError: Error, Equatable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
