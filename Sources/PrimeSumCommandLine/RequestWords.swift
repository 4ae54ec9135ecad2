import PrimeSum

extension Request {
    /// Checks a request made of the tool's words: one number (`N`), two (`A B`), or a batch `FROM:TO:STEP`.
    public init(numbers: [String], batch: String?) throws(UsageError) {
        switch (numbers.count, batch) {
        case (0, let batch?):
            let parts = batch.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count == 3 else {
                throw UsageError("--batch takes FROM:TO:STEP, for example 1e6:2e6:5e4, not '\(UsageError.shown(batch))'")
            }
            let from = try NumberSyntax.parse(String(parts[0]))
            let to = try NumberSyntax.parse(String(parts[1]))
            let step = try NumberSyntax.parse(String(parts[2]))
            guard step > 0 else { throw UsageError("the batch step must be positive, not '\(UsageError.shown(parts[2]))'") }
            guard from < to else { throw UsageError("the batch \(UsageError.shown(batch)) is empty: FROM must be below TO") }
            let count = (to - from + step - 1) / step
            guard count <= Request.maximumBatchCount else {
                throw UsageError("the batch \(UsageError.shown(batch)) has \(count) bounds; at most \(Request.maximumBatchCount) are allowed")
            }
            self = .batch(from: from, to: to, step: step)
        case (1, nil):
            self = .below(try NumberSyntax.parse(numbers[0]))
        case (2, nil):
            let lo = try NumberSyntax.parse(numbers[0])
            let hi = try NumberSyntax.parse(numbers[1])
            guard lo <= hi else { throw UsageError("the range [\(UsageError.shown(numbers[0])), \(UsageError.shown(numbers[1]))) is reversed: B must not be below A") }
            self = .range(lo, hi)
        case (0, nil):
            throw UsageError("no request given: pass N, or A B, or --batch FROM:TO:STEP")
        case (_, .some):
            throw UsageError("--batch cannot be combined with N or A B")
        default:
            throw UsageError("too many numbers: pass N, or A B, or --batch FROM:TO:STEP")
        }
    }
}
