/// A request the user got wrong: the message is one sentence, printed once by rank 0; exit status 64.
public struct UsageError: Error, Equatable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

extension UsageError {
    /// The longest piece of the user's text a message repeats.
    static let longestShown = 80

    /// `text` as a message shows it: control characters escaped (so a message stays one line), and cut after
    /// ``longestShown`` characters (so a huge argument is not echoed whole).
    public static func shown(_ text: some StringProtocol) -> String {
        var out = ""
        for (index, character) in text.enumerated() {
            if index == longestShown { return out + "…" }
            let scalar = character.unicodeScalars.first!.value
            out += scalar < 0x20 || scalar == 0x7F ? "\\u{\(String(scalar, radix: 16))}" : String(character)
        }
        return out
    }
}
