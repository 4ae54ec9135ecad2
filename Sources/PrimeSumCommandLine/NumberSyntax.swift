/// The integers a user may type: `1000000`, `1_000_000`, `1e10`, `10^12`, `2^64`, `2^64-1`, `3e10+7`.
///
/// Grammar: a sum of terms, `term (('+' | '-') term)*`, where a term is `digits`, `digits 'e' digits` or
/// `digits '^' digits`, and `_` may separate digits. Anything else, or any value that is not an exact integer
/// in `[0, 2^64]`, is refused with a sentence that says why.
public enum NumberSyntax {
    /// The largest value accepted: 2^64, meaning "to the top of the 64-bit range".
    public static let maximum: UInt128 = 1 << 64

    /// Parses `text` as an integer in `[0, 2^64]`.
    public static func parse(_ text: String) throws(UsageError) -> UInt128 {
        let trimmed = text.trimmingWhitespace()
        guard !trimmed.isEmpty else { throw UsageError("an empty string is not a number") }
        if trimmed.first == "-", trimmed.dropFirst().first?.isASCIIDigit == true {
            throw UsageError("'\(UsageError.shown(text))' is negative; only numbers from 0 to 2^64 are accepted")
        }
        if trimmed.contains(".") || trimmed.contains(",") {
            throw UsageError("'\(UsageError.shown(text))' is not an integer; write whole numbers such as 1500 or 15e2")
        }
        var total: SignedMagnitude = 0
        var sign: SignedMagnitude = 1
        var termStart = trimmed.startIndex
        var index = trimmed.startIndex
        func addTerm(_ term: Substring) throws(UsageError) {
            guard let value = parseTerm(term) else {
                throw UsageError("'\(UsageError.shown(text))' is not a number; write an integer such as 1000000, 1_000_000, 1e9, 10^12 or 2^64-1")
            }
            guard value.magnitude != .max else { throw UsageError("'\(UsageError.shown(text))' is above 2^64") }
            total = total + value * sign
        }
        while index < trimmed.endIndex {
            let c = trimmed[index]
            if (c == "+" || c == "-") && index != termStart {
                let previous = trimmed[trimmed.index(before: index)]
                if previous != "e" && previous != "E" && previous != "^" {
                    try addTerm(trimmed[termStart..<index])
                    sign = c == "+" ? 1 : -1
                    termStart = trimmed.index(after: index)
                }
            }
            index = trimmed.index(after: index)
        }
        try addTerm(trimmed[termStart..<trimmed.endIndex])
        if total.isNegative { throw UsageError("'\(UsageError.shown(text))' is negative; only numbers from 0 to 2^64 are accepted") }
        guard let value = total.uint128, value <= maximum else { throw UsageError("'\(UsageError.shown(text))' is above 2^64") }
        return value
    }

    /// One term: digits, or digits 'e' digits, or digits '^' digits; nil if malformed. Saturates far above 2^64.
    private static func parseTerm(_ term: Substring) -> SignedMagnitude? {
        if let e = term.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            guard let mantissa = digits(term[..<e]), let exponent = digits(term[term.index(after: e)...]) else { return nil }
            return mantissa.saturatingMultiplied(byPowerOf: 10, exponent: exponent)
        }
        if let caret = term.firstIndex(of: "^") {
            guard let base = digits(term[..<caret]), let exponent = digits(term[term.index(after: caret)...]) else { return nil }
            return SignedMagnitude(1).saturatingMultiplied(byPowerOf: base, exponent: exponent)
        }
        return digits(term)
    }

    /// Decimal digits with `_` between them; nil if empty or malformed. Saturates far above 2^64.
    private static func digits(_ text: Substring) -> SignedMagnitude? {
        guard let first = text.first, let last = text.last, first.isASCIIDigit, last.isASCIIDigit else { return nil }
        var value: SignedMagnitude = 0
        var previousWasUnderscore = false
        for c in text {
            if c == "_" {
                if previousWasUnderscore { return nil }
                previousWasUnderscore = true
                continue
            }
            guard c.isASCIIDigit else { return nil }
            previousWasUnderscore = false
            value = value.saturatingMultiplied(by: 10) + SignedMagnitude(Int(c.asciiValue! - 48))
        }
        return value
    }
}

/// A sign and a 128-bit magnitude: wide enough to evaluate `2^64 + 2^64 - 2^64` exactly; a term whose
/// magnitude saturates at `UInt128.max` (`10^1000`) is refused as above 2^64 instead of overflowing.
struct SignedMagnitude: ExpressibleByIntegerLiteral {
    var magnitude: UInt128  // saturates at UInt128.max
    var isNegative: Bool

    init(integerLiteral value: Int) { self.init(value) }
    init(_ value: Int) {
        magnitude = UInt128(value.magnitude)
        isNegative = value < 0
    }
    init(magnitude: UInt128, isNegative: Bool) {
        self.magnitude = magnitude
        self.isNegative = isNegative && magnitude != 0
    }

    var uint128: UInt128? { isNegative ? nil : magnitude }

    static func + (a: SignedMagnitude, b: SignedMagnitude) -> SignedMagnitude {
        if a.isNegative == b.isNegative {
            let (sum, overflow) = a.magnitude.addingReportingOverflow(b.magnitude)
            return SignedMagnitude(magnitude: overflow ? .max : sum, isNegative: a.isNegative)
        }
        return a.magnitude >= b.magnitude
            ? SignedMagnitude(magnitude: a.magnitude - b.magnitude, isNegative: a.isNegative)
            : SignedMagnitude(magnitude: b.magnitude - a.magnitude, isNegative: b.isNegative)
    }

    static func * (a: SignedMagnitude, sign: SignedMagnitude) -> SignedMagnitude {
        SignedMagnitude(magnitude: a.magnitude, isNegative: a.isNegative != sign.isNegative)
    }

    func saturatingMultiplied(by factor: UInt128) -> SignedMagnitude {
        let (product, overflow) = magnitude.multipliedReportingOverflow(by: factor)
        return SignedMagnitude(magnitude: overflow ? .max : product, isNegative: isNegative)
    }

    func saturatingMultiplied(byPowerOf base: SignedMagnitude, exponent: SignedMagnitude) -> SignedMagnitude {
        var result = self
        var remaining = exponent.magnitude
        while remaining > 0 && result.magnitude != .max && result.magnitude != 0 {
            result = result.saturatingMultiplied(by: base.magnitude)
            remaining -= 1
            if base.magnitude <= 1 { break }
        }
        return result
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}

extension String {
    func trimmingWhitespace() -> Substring {
        let start = firstIndex { !$0.isWhitespace } ?? endIndex
        let end = lastIndex { !$0.isWhitespace }.map { index(after: $0) } ?? endIndex
        return start < end ? self[start..<end] : ""
    }
}
