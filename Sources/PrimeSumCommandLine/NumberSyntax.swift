/// The integers a user may type: `1000000`, `1_000_000`, `1e10`, `10^12`, `2**64`, `2^64-1`, `3e10+7`,
/// `(2^32+1)*3`.
///
/// Grammar: `sum := product (('+' | '-') product)*`, `product := power ('*' power)*`,
/// `power := atom (('^' | '**') power)?` (right-associative), `atom := number | '(' sum ')'`,
/// `number := digits (('e' | 'E') digits)?`, where `_` may separate digits. Anything else, or any value that
/// is not an exact integer in `[0, 2^64]`, is refused with a sentence that says why. Intermediate values are
/// exact up to 2^128; one that passes it is refused as above 2^64.
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
        var parser = Parser(Array(trimmed.utf8))
        let total: SignedMagnitude
        do {
            total = try parser.sum()
            guard parser.atEnd else { throw Parser.Failure.malformed }
        } catch {
            throw UsageError("'\(UsageError.shown(text))' is not a number; write an integer such as 1000000, 1_000_000, 1e9, 10^12 or 2^64-1")
        }
        if parser.overflowed { throw UsageError("'\(UsageError.shown(text))' is above 2^64") }
        if total.isNegative { throw UsageError("'\(UsageError.shown(text))' is negative; only numbers from 0 to 2^64 are accepted") }
        guard let value = total.uint128, value <= maximum else { throw UsageError("'\(UsageError.shown(text))' is above 2^64") }
        return value
    }

    /// A recursive-descent reader of the grammar above, over the text's bytes.
    private struct Parser {
        enum Failure: Error { case malformed }

        /// Whether some value on the way passed 2^128 (saturated): the text is then above 2^64, once it is
        /// known to be well formed.
        private(set) var overflowed = false

        private let bytes: [UInt8]
        private var position = 0
        /// Parentheses and powers open around the current position: bounded, so that no input can exhaust
        /// the stack.
        private var depth = 0
        private static let deepestNesting = 64

        init(_ bytes: [UInt8]) { self.bytes = bytes }

        var atEnd: Bool { position == bytes.count }

        private func peek(_ offset: Int = 0) -> UInt8? {
            position + offset < bytes.count ? bytes[position + offset] : nil
        }

        private mutating func take(_ byte: UInt8) -> Bool {
            guard peek() == byte else { return false }
            position += 1
            return true
        }

        mutating func sum() throws(Failure) -> SignedMagnitude {
            var total = try product()
            while let sign = peek(), sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") {
                position += 1
                let term = try product()
                total = checked(total + (sign == UInt8(ascii: "+") ? term : term * -1))
            }
            return total
        }

        private mutating func product() throws(Failure) -> SignedMagnitude {
            var total = try power()
            while peek() == UInt8(ascii: "*") && peek(1) != UInt8(ascii: "*") {
                position += 1
                total = checked(total.saturatingTimes(try power()))
            }
            return total
        }

        private mutating func power() throws(Failure) -> SignedMagnitude {
            let base = try atom()
            let isPower = take(UInt8(ascii: "^")) || (peek() == UInt8(ascii: "*") && peek(1) == UInt8(ascii: "*"))
            guard isPower else { return base }
            if peek() == UInt8(ascii: "*") { position += 2 }
            depth += 1
            guard depth <= Self.deepestNesting else { throw .malformed }
            let exponent = try power()
            depth -= 1
            guard !exponent.isNegative else { throw .malformed }
            return checked(base.saturatingPower(exponent.magnitude))
        }

        private mutating func atom() throws(Failure) -> SignedMagnitude {
            if take(UInt8(ascii: "(")) {
                depth += 1
                guard depth <= Self.deepestNesting else { throw .malformed }
                let inner = try sum()
                guard take(UInt8(ascii: ")")) else { throw .malformed }
                depth -= 1
                return inner
            }
            let mantissa = try digits()
            guard take(UInt8(ascii: "e")) || take(UInt8(ascii: "E")) else { return mantissa }
            return checked(mantissa.saturatingTimes(SignedMagnitude(10).saturatingPower(try digits().magnitude)))
        }

        /// Decimal digits with single `_` between them. Saturates far above 2^64.
        private mutating func digits() throws(Failure) -> SignedMagnitude {
            guard let first = peek(), first.isDigit else { throw .malformed }
            var value: SignedMagnitude = 0
            while let byte = peek() {
                if byte == UInt8(ascii: "_") {
                    guard peek(1)?.isDigit == true else { throw .malformed }
                } else if byte.isDigit {
                    value = value.saturatingMultiplied(by: 10) + SignedMagnitude(Int(byte - 48))
                } else {
                    break
                }
                position += 1
            }
            return checked(value)
        }

        private mutating func checked(_ value: SignedMagnitude) -> SignedMagnitude {
            if value.magnitude == .max { overflowed = true }
            return value
        }
    }
}

private extension UInt8 {
    var isDigit: Bool { self >= 48 && self <= 57 }
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

    func saturatingTimes(_ other: SignedMagnitude) -> SignedMagnitude {
        saturatingMultiplied(by: other.magnitude) * (other.isNegative ? -1 : 1)
    }

    /// `self` to the power `exponent` (0^0 = 1), saturating: at most 128 multiplications.
    func saturatingPower(_ exponent: UInt128) -> SignedMagnitude {
        var result = SignedMagnitude(magnitude: 1, isNegative: isNegative && exponent % 2 == 1)
        var remaining = exponent
        while remaining > 0 && result.magnitude != .max && result.magnitude != 0 {
            result = SignedMagnitude(magnitude: result.saturatingMultiplied(by: magnitude).magnitude, isNegative: result.isNegative)
            remaining -= 1
            if magnitude <= 1 { break }
        }
        if magnitude == 0 && exponent > 0 { return 0 }
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
