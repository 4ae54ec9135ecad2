/// Fixed-size, size-aligned blocks of 8-byte entries, allocated in slabs and reused through a free list (linked
/// through the blocks' own first words); all freed together when the pool goes away. The bucket sieve and the
/// medium-prime sieve keep their lists in them.
///
/// A list is a chain of blocks, newest first, known by its cursor alone: a block's first word links to
/// the end of the list's previous block (full, or ``noBlock``), and entries fill the rest. Blocks are
/// aligned to their size, so a cursor that reaches a block's end is aligned, and "is the block full?" is
/// a test of the cursor's low bits: adding an entry loads and stores one pointer. Lists grow and shrink
/// block by block, so memory is the entries alive plus one partial block per list — no array growth and
/// no heap fragmentation (thousands of growing arrays tripled the bucket sieve's peak memory).
///
/// The block size is a generic value, `blockBytes` (a power of two from 16 to ``largestBlockBytes``), fixed
/// at compile time so that "is this block full?" is a test against a constant, and so that making the pool's
/// class metadata needs no run-time conformance lookup (which would page in every loaded library's
/// conformance records, a megabyte).
final class BlockPool<let blockBytes: Int> {
    typealias Entry = UInt64

    static var largestBlockBytes: Int { 8192 }
    static var blockEntries: Int { blockBytes / MemoryLayout<Entry>.stride }
    static var blocksPerSlab: Int { Tuning.blockPoolBlocksPerSlab }

    /// The cursor of a list without blocks: aligned to every block size, so "full", and never dereferenced.
    static var noBlock: UnsafeMutablePointer<Entry> { UnsafeMutablePointer(bitPattern: largestBlockBytes)! }

    private var slabs: [UnsafeMutableRawPointer] = []
    /// The first free block, whose first word holds the next one's address (0 for none). A pointer, not an
    /// array: giving back a block is two plain stores, where appending to an array property of a class kept
    /// a run-time exclusivity check (`swift_beginAccess`, ~1 % of the sieve's time at 10^15) in the loops.
    private var freeBlocks: UnsafeMutablePointer<Entry>?
    /// The newest slab's blocks not handed out yet, `[nextUnused, slabEnd)`: taken in order, so that a slab's
    /// pages are touched only as its blocks are used.
    private var nextUnused = noBlock, slabEnd = noBlock

    init() {
        precondition(blockBytes.nonzeroBitCount == 1 && (16...Self.largestBlockBytes).contains(blockBytes))
    }

    @inline(__always)
    static func isFull(_ cursor: UnsafeMutablePointer<Entry>) -> Bool {
        UInt(bitPattern: cursor) & UInt(blockBytes - 1) == 0
    }

    /// Appends `entry` to the list whose cursor is `cursor`.
    @inline(__always)
    func append(_ entry: Entry, to cursor: inout UnsafeMutablePointer<Entry>) {
        var free = cursor
        if Self.isFull(free) { free = takeBlock(after: free) }
        free.pointee = entry
        cursor = free + 1
    }

    /// The block whose entries end at `end` (a list's cursor, or a link): its first entry and the end of the
    /// block before it; nil for ``noBlock``.
    @inline(__always)
    static func block(endingAt end: UnsafeMutablePointer<Entry>)
        -> (first: UnsafeMutablePointer<Entry>, previousEnd: UnsafeMutablePointer<Entry>)? {
        if end == noBlock { return nil }
        // A full block's end is the next block's start: step back one entry before rounding down.
        let start = UnsafeMutablePointer<Entry>(bitPattern: UInt(bitPattern: end - 1) & ~UInt(blockBytes - 1))!
        return (start + 1, UnsafeMutablePointer(bitPattern: UInt(start.pointee))!)
    }

    /// A fresh block linked after the list whose cursor is `end`; returns its first free entry.
    @inline(never)
    func takeBlock(after end: UnsafeMutablePointer<Entry>) -> UnsafeMutablePointer<Entry> {
        let block: UnsafeMutablePointer<Entry>
        if let free = freeBlocks {
            block = free
            freeBlocks = UnsafeMutablePointer(bitPattern: UInt(free.pointee))
        } else {
            if nextUnused == slabEnd { newSlab() }
            block = nextUnused
            nextUnused += Self.blockEntries
        }
        block.pointee = UInt64(UInt(bitPattern: end))
        return block + 1
    }

    /// Gives back the block whose first entry is `first`.
    @inline(__always)
    func returnBlock(_ first: UnsafeMutablePointer<Entry>) {
        let block = first - 1
        block.pointee = UInt64(UInt(bitPattern: freeBlocks))
        freeBlocks = block
    }

    private func newSlab() {
        let slab = UnsafeMutableRawPointer.allocate(byteCount: Self.blocksPerSlab * blockBytes, alignment: blockBytes)
        slabs.append(slab)
        nextUnused = slab.bindMemory(to: Entry.self, capacity: Self.blocksPerSlab * Self.blockEntries)
        slabEnd = nextUnused + Self.blocksPerSlab * Self.blockEntries
    }

    deinit { for slab in slabs { slab.deallocate() } }
}
