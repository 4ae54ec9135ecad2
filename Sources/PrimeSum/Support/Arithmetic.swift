extension UInt64 {
    /// About `sqrt(self)`, from a `Double`: enough to weigh a piece's set-up cost, not for exact work.
    func squareRootForPlanning() -> UInt64 { UInt64(Double(self).squareRoot()) }
}

extension UInt128 {
    /// `self` clamped into `UInt64`: the engine's sieving primes stay below 2^32 even for `hi = 2^64`.
    var clampedToUInt64: UInt64 { UInt64(Swift.min(self, UInt128(UInt64.max))) }
}

extension Array {
    /// The first index whose element satisfies `predicate`, for a predicate false then true along the array.
    func partitioningIndex(where predicate: (Element) -> Bool) -> Int {
        var low = 0, high = count
        while low < high {
            let middle = (low + high) / 2
            if predicate(self[middle]) { high = middle } else { low = middle + 1 }
        }
        return low
    }
}

extension Double {
    /// The value with `digits` decimals, for tables and progress lines (no Foundation: it costs every rank
    /// tens of milliseconds of start-up).
    public func formatted(decimals digits: Int) -> String {
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let scaled = Int((self * scale).rounded())
        let whole = scaled / Int(scale), fraction = abs(scaled % Int(scale))
        let fractionText = String(fraction)
        let sign = scaled < 0 && whole == 0 ? "-" : ""
        return "\(sign)\(whole)." + String(repeating: "0", count: digits - fractionText.count) + fractionText
    }
}
