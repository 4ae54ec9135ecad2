/// A read-only array of one of the engine's tables, in memory it allocated itself or inside a
/// ``CombinatorialPrimeSum/TableImage`` that other processes of the node read too.
///
/// Indexing is bounds-checked as an `Array`'s is; the hot loops take ``withUnsafeBufferPointer(_:)``.
/// The elements are never written after the table is built, so a copy may be read from any thread.
struct TableArray<Element: BitwiseCopyable>: @unchecked Sendable {
    private let base: UnsafePointer<Element>
    let count: Int
    /// What keeps `base` valid: the allocation, or whatever holds the image.
    private let owner: AnyObject

    /// A table of `count` elements in memory of its own, filled by `initialize` (which must set every
    /// element).
    init(count: Int, initializingWith initialize: (UnsafeMutableBufferPointer<Element>) -> Void) {
        let allocation = Allocation(bytes: Swift.max(1, count) * MemoryLayout<Element>.stride,
                                    alignment: MemoryLayout<Element>.alignment)
        let elements = allocation.pointer.bindMemory(to: Element.self, capacity: Swift.max(1, count))
        initialize(UnsafeMutableBufferPointer(start: elements, count: count))
        self.init(base: UnsafePointer(elements), count: count, owner: allocation)
    }

    /// A view of `count` elements at `base`, valid while `owner` lives.
    init(base: UnsafePointer<Element>, count: Int, owner: AnyObject) {
        self.base = base
        self.count = count
        self.owner = owner
    }

    @inline(__always)
    subscript(_ index: Int) -> Element {
        precondition(UInt(bitPattern: index) < UInt(bitPattern: count), "index out of range")
        return base[index]
    }

    @inline(__always)
    func withUnsafeBufferPointer<Result>(_ body: (UnsafeBufferPointer<Element>) throws -> Result) rethrows -> Result {
        try body(UnsafeBufferPointer(start: base, count: count))
    }

    /// The elements' bytes, to copy into an image.
    var bytes: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: base, count: count * MemoryLayout<Element>.stride)
    }
}

/// Memory of one table, freed with the last table that reads it.
private final class Allocation {
    let pointer: UnsafeMutableRawPointer

    init(bytes: Int, alignment: Int) {
        pointer = .allocate(byteCount: bytes, alignment: alignment)
    }

    deinit { pointer.deallocate() }
}

/// Lays tables out in one block of bytes (an image), in the order the matching ``TableImageReader`` reads
/// them: each table as its count, then its elements from the next multiple of 64 bytes from the start. With no memory it only
/// measures, so that one function (`write(to:)`) fixes both the layout and the size.
struct TableImageWriter {
    private let memory: UnsafeMutableRawBufferPointer?
    private(set) var size = 0

    /// A writer into `memory`, or one that measures when `memory` is nil.
    init(into memory: UnsafeMutableRawBufferPointer?) {
        self.memory = memory
    }

    mutating func word(_ value: UInt64) {
        if let memory { memory.storeBytes(of: value, toByteOffset: size, as: UInt64.self) }
        size += 8
    }

    mutating func table<Element>(_ table: TableArray<Element>) {
        word(UInt64(table.count))
        size = Self.aligned(size)
        if let memory {
            UnsafeMutableRawBufferPointer(rebasing: memory[size..<size + table.bytes.count]).copyMemory(from: table.bytes)
        }
        size += table.bytes.count
    }

    /// The alignment an image's start needs: every element's (MPI's shared windows promise no more).
    static let alignment = 16

    /// `offset` rounded up to a cache line's 64 bytes (from the image's start).
    static func aligned(_ offset: Int) -> Int { (offset + 63) & ~63 }
}

/// Reads what a ``TableImageWriter`` laid out, the tables as views into the image (no copy).
struct TableImageReader {
    private let memory: UnsafeRawBufferPointer
    private let owner: AnyObject
    private var offset = 0

    /// - Parameters:
    ///   - memory: an image's bytes, starting on a boundary of ``TableImageWriter/alignment``.
    ///   - owner: what keeps `memory` valid; every table read holds it.
    init(_ memory: UnsafeRawBufferPointer, keptAliveBy owner: AnyObject) {
        precondition(Int(bitPattern: memory.baseAddress) % TableImageWriter.alignment == 0,
                     "a table image must start on a \(TableImageWriter.alignment)-byte boundary")
        self.memory = memory
        self.owner = owner
    }

    mutating func word() -> UInt64 {
        precondition(offset + 8 <= memory.count, "a table image ends early")
        defer { offset += 8 }
        return memory.load(fromByteOffset: offset, as: UInt64.self)
    }

    mutating func table<Element>() -> TableArray<Element> {
        let count = Int(word())
        offset = TableImageWriter.aligned(offset)
        let bytes = count * MemoryLayout<Element>.stride
        precondition(count >= 0 && bytes <= memory.count - offset, "a table image ends early")
        let base = (memory.baseAddress! + offset).bindMemory(to: Element.self, capacity: count)
        offset += bytes
        return TableArray(base: base, count: count, owner: owner)
    }
}
