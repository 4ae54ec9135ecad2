// libFuzzer entry point for PrimeSum's number parser, built by Tests/Fuzz/fuzz-number-syntax.sh together with
// Sources/PrimeSumCommandLine/NumberSyntax.swift (swiftc -sanitize=fuzzer,address).
//
// Properties checked on every input: parsing never crashes or traps (overflow, out-of-range indexing), and a
// number it accepts is at most 2^64 and reads back to itself from its decimal form.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzNumberSyntax(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    guard let value = try? NumberSyntax.parse(text) else { return 0 }
    precondition(value <= UInt128(1) << 64, "accepted \(value) from '\(text)', past 2^64")
    precondition((try? NumberSyntax.parse(String(value))) == value, "'\(text)' → \(value) does not read back")
    return 0
}
