import MPI
import PrimeCombinatorial
import PrimeSieve

/// The combinatorial method's work: every piece of the sums below the request's bounds, laid end to end
/// on a line of cost units, costliest first, so that the job's planner, queue and schedules cut it like
/// the sieve's span (a range of units holds the pieces that start in it).
///
/// Each rank has the same engines (their tables: O(y) memory, one copy per node for the large sums, see
/// ``NodeTables``). A rank's partial is the list of its pieces' partials; rank 0 gathers them all and
/// combines each sum's exactly, in any order.
struct CombinatorialWork: WorkKind {
    let request: Request
    let bounds: [UInt128]
    private(set) var sums: [CombinatorialPrimeSum]
    let piecesPerPart: Int
    /// Every piece: its sum, the piece, and where its units start on the line (ascending).
    private let slots: [Slot]
    let domain: Query
    /// Pieces and CPU seconds per component, in `Component.allCases` order, over this process's threads.
    private let spent = Locked([(pieces: Int, seconds: Double)](
        repeating: (0, 0), count: CombinatorialPrimeSum.Component.allCases.count))
    var unitName: String? { nil }
    /// A range of the line is a list of the engine's pieces, each with its own small set-up.
    var piecesHaveNoSetUp: Bool { true }

    private typealias Entry = CombinatorialPartial.Entry

    private struct Slot {
        var sum: Int
        var piece: CombinatorialPrimeSum.Piece
        var start: UInt128
    }

    /// The estimated seconds of all the pieces (the cost model's nanoseconds).
    var estimatedSeconds: Double {
        sums.reduce(0) { total, sum in total + sum.pieces.reduce(0) { $0 + sum.estimatedCost(of: $1) } } * 1e-9
    }

    /// The units on the line: enough that the cheapest piece of a large sum still has a few.
    private static let totalUnits: Double = 1e12

    /// - Parameter piecesPerPart: how finely each part of each sum is cut (the layout: the pieces, and so the
    ///   journal's records, depend on it alone, never on the ranks or threads running them).
    init(request: Request, piecesPerPart: Int) {
        self.init(request: request, piecesPerPart: piecesPerPart) { CombinatorialPrimeSum(below: $0, piecesPerPart: $1) }
    }

    /// - Parameter makeSum: builds the sum below a bound in that many pieces per part.
    init<Failure>(request: Request, piecesPerPart: Int,
                  makeSum: (_ bound: UInt128, _ piecesPerPart: Int) throws(Failure) -> CombinatorialPrimeSum) throws(Failure) {
        self.request = request
        self.piecesPerPart = piecesPerPart
        bounds = request.combinatorialBounds
        var sums: [CombinatorialPrimeSum] = []
        for bound in bounds { sums.append(try makeSum(bound, Self.piecesPerPart(of: bound, layout: piecesPerPart))) }
        self.sums = sums
        let costed = sums.enumerated().flatMap { index, sum in
            sum.pieces.map { (index, $0, Swift.max(sum.estimatedCost(of: $0), 1e-9)) }
        }.sorted { $0.2 > $1.2 }
        let totalCost = costed.reduce(0) { $0 + $1.2 }
        var start: UInt128 = 0
        slots = costed.map { sum, piece, cost in
            defer { start += UInt128(Swift.max(1, (cost / totalCost * Self.totalUnits).rounded())) }
            return Slot(sum: sum, piece: piece, start: start)
        }
        domain = Query(lo: 0, hi: start)
    }

    /// This work with the large sums' tables in the node's shared copy (collective over the node).
    func sharingTables(_ node: NodeTables) throws(MPIError) -> CombinatorialWork {
        var shared = self
        for index in sums.indices {
            let perPart = Self.piecesPerPart(of: bounds[index], layout: piecesPerPart)
            shared.sums[index] = try node.sum(below: bounds[index], piecesPerPart: perPart, built: sums[index])
        }
        return shared
    }

    /// Small sums (``JobTuning/smallCombinatorialBound``) in one piece per part.
    private static func piecesPerPart(of bound: UInt128, layout: Int) -> Int {
        bound < JobTuning.smallCombinatorialBound ? 1 : layout
    }

    /// The layout of a new job: each part of each sum in `JobTuning.combinatorialPiecesPerThread` pieces
    /// per thread of the whole job.
    static func piecesPerPart(threadsInJob: Int) -> Int {
        Swift.min(Swift.max(1, threadsInJob * JobTuning.combinatorialPiecesPerThread), largestPiecesPerPart)
    }

    /// Finer layouts cost more set-up than they save in balance on any cluster.
    static let largestPiecesPerPart = 1 << 16

    /// How the journal's header names the work: the request, the method and the layout (a resumed job
    /// takes the layout from there, whatever its own ranks and threads).
    var journalDescription: String { "\(request.journalDescription) combinatorial \(piecesPerPart)" }

    /// The layout a journal's header `description` names, if it is one of `request`'s combinatorial journals.
    static func piecesPerPart(inJournalDescription description: String, of request: Request) -> Int? {
        let prefix = "\(request.journalDescription) combinatorial "
        guard description.hasPrefix(prefix), let layout = Int(description.dropFirst(prefix.count)),
              (1...largestPiecesPerPart).contains(layout) else { return nil }
        return layout
    }

    /// Each engine piece, costliest first, to the rank with the least estimated cost so far: every rank
    /// gets a like mix of large and small pieces of every component, so the cost model's errors (by
    /// component, and along each) even out, and its threads take the costliest first.
    func staticRuns(ranks: Int) -> [[Query]]? {
        var load = [UInt128](repeating: 0, count: ranks)
        var runs = [[Query]](repeating: [], count: ranks)
        for index in slots.indices {
            let rank = load.indices.min { load[$0] < load[$1] }!
            let piece = Query(lo: slots[index].start, hi: end(of: index))
            runs[rank].append(piece)
            load[rank] += piece.width
        }
        return runs
    }
    /// The slots whose units start in `part`.
    private func slotIndices(in part: Query) -> Range<Int> {
        firstSlot(atOrAfter: part.lo)..<firstSlot(atOrAfter: part.hi)
    }

    private func firstSlot(atOrAfter unit: UInt128) -> Int { slots.partitioningIndex { $0.start >= unit } }

    private func end(of slot: Int) -> UInt128 { slot + 1 < slots.count ? slots[slot + 1].start : domain.hi }

    /// Equal shares of the line, each border moved on to the next piece's start, so that a range holds whole
    /// pieces (some ranges are then empty: a piece costlier than a share spans them).
    func equalCostBorders(of part: Query, parts: Int) -> [UInt128] {
        (0...parts).map { k in
            guard k > 0 && k < parts else { return k == 0 ? part.lo : part.hi }
            let border = part.lo + part.width * UInt128(k) / UInt128(parts)
            let slot = firstSlot(atOrAfter: border)
            let start = slot < slots.count ? slots[slot].start : domain.hi
            return Swift.min(Swift.max(start, part.lo), part.hi)
        }
    }

    /// A piece of the line is at least one of the engine's pieces.
    func worthwhilePieceCount(of part: Query, maximum: Int) -> Int {
        Swift.max(1, Swift.min(maximum, slotIndices(in: part).count))
    }

    func compute(_ piece: Query, progress: @escaping @Sendable (UInt64) -> Void) -> LeavesRecord {
        let partials = slotIndices(in: piece).map { index in
            let slot = slots[index]
            defer { progress(UInt64(end(of: index) - slot.start)) }
            let start = threadCPUSeconds()
            defer { record(slot.piece.component, seconds: threadCPUSeconds() - start) }
            return sums[slot.sum].compute(slot.piece)
        }
        return LeavesRecord(piece: piece, partials: partials)
    }

    private func record(_ component: CombinatorialPrimeSum.Component, seconds: Double) {
        let index = CombinatorialPrimeSum.Component.allCases.firstIndex(of: component)!
        spent.withLock {
            $0[index].pieces += 1
            $0[index].seconds += seconds
        }
    }

    func componentTotals() -> [ComponentTotal] {
        let spent = spent.withLock { $0 }
        return zip(CombinatorialPrimeSum.Component.allCases, spent).map {
            ComponentTotal(name: $0.rawValue, pieces: $1.pieces, seconds: $1.seconds)
        }
    }

    func accepts(_ record: LeavesRecord) -> Bool {
        let indices = slotIndices(in: record.piece)
        return domain.lo <= record.piece.lo && record.piece.hi <= domain.hi && indices.count == record.partials.count
            && zip(indices, record.partials).allSatisfy { sums[slots[$0].sum].accepts($1, for: slots[$0].piece) }
    }

    var emptyPartial: CombinatorialPartial { CombinatorialPartial() }

    func partial(of record: LeavesRecord) -> CombinatorialPartial {
        var partial = CombinatorialPartial()
        for (slot, p) in zip(slotIndices(in: record.piece), record.partials) { insert(Entry(slots: [slot], partial: p), into: &partial) }
        return partial
    }

    func combine(_ partial: inout CombinatorialPartial, with other: CombinatorialPartial) {
        for entry in other.entries { insert(entry, into: &partial) }
    }

    /// Adds `entry` to `partial`, merged with an entry of the same sum where the engine can: plain partials
    /// into one, the hard leaves' into one per run of adjacent pieces (their partials are the job's largest
    /// data: megabytes per piece near 2^64, so a process keeps one per run, not one per piece).
    private func insert(_ entry: Entry, into partial: inout CombinatorialPartial) {
        var entry = entry
        var index = 0
        while index < partial.entries.count {
            if let merged = merge(partial.entries[index], entry) {
                entry = merged
                partial.entries.swapAt(index, partial.entries.count - 1)
                partial.entries.removeLast()
                index = 0  // the merged entry may now reach another
            } else {
                index += 1
            }
        }
        partial.entries.append(entry)
    }

    /// `a` and `b` as one entry, when they are of one sum and the engine merges them (hard leaves: only
    /// adjacent runs, lower first).
    private func merge(_ a: Entry, _ b: Entry) -> Entry? {
        let sum = slots[a.slots[0]].sum
        guard slots[b.slots[0]].sum == sum else { return nil }
        let (lower, upper): (Entry, Entry)
        if let ra = hardRange(of: a), let rb = hardRange(of: b) {
            if ra.upperBound == rb.lowerBound { (lower, upper) = (a, b) } else if rb.upperBound == ra.lowerBound { (lower, upper) = (b, a) } else { return nil }
        } else {
            (lower, upper) = (a, b)
        }
        guard let merged = sums[sum].merging(lower.partial, upper.partial) else { return nil }
        return Entry(slots: lower.slots + upper.slots, partial: merged)
    }

    /// The stretch of [0, z] the hard-leaves pieces of `entry` cover together (adjacent by construction),
    /// or nil for an entry of another component.
    private func hardRange(of entry: Entry) -> Range<UInt64>? {
        var lo = UInt64.max, hi: UInt64 = 0
        for slot in entry.slots {
            guard case .hardLeaves(let range) = slots[slot].piece else { return nil }
            lo = Swift.min(lo, range.lowerBound)
            hi = Swift.max(hi, range.upperBound)
        }
        return lo..<hi
    }

    /// The piece an entry stands for, for the engine's shape check: its one piece, the union of its
    /// hard-leaves pieces, or nil when its slots cannot belong together (sums, components, gaps differ).
    private func coveredPiece(of entry: Entry) -> CombinatorialPrimeSum.Piece? {
        guard let first = entry.slots.first, entry.slots.allSatisfy({ $0 < slots.count && slots[$0].sum == slots[first].sum }) else { return nil }
        if entry.slots.count == 1 { return slots[first].piece }
        if let range = hardRange(of: entry) {
            let total = entry.slots.reduce(UInt64(0)) { total, slot in
                guard case .hardLeaves(let r) = slots[slot].piece else { return total }
                return total + (r.upperBound - r.lowerBound)
            }
            return total == range.upperBound - range.lowerBound ? .hardLeaves(range) : nil
        }
        let plain = entry.slots.allSatisfy { slot in
            switch slots[slot].piece { case .ordinaryLeaves, .easyLeaves: true; default: false }
        }
        return plain ? slots[first].piece : nil
    }

    /// Every rank's entries gathered at rank 0 (as words: slot count, slots, length, the partial's words).
    /// Rank 0's own stay as they are, and each rank's words are dropped once read: the hard leaves' partials
    /// are the job's largest data at its end, so no more copies than needed.
    func reduce(_ partial: CombinatorialPartial, at root: Root) throws -> CombinatorialPartial? {
        var words: [UInt128] = []
        if !root.isCallerRoot {
            words.reserveCapacity(partial.entries.reduce(0) { $0 + 2 + $1.slots.count + $1.partial.wordCount })
            for entry in partial.entries {
                let body = entry.partial.words
                words.append(UInt128(entry.slots.count))
                words.append(contentsOf: entry.slots.map { UInt128($0) })
                words.append(UInt128(body.count))
                words.append(contentsOf: body)
            }
        }
        guard var gathered = try root.gatherv(words) else { return nil }
        var result = partial
        for rank in gathered.indices {
            let words = gathered[rank]
            gathered[rank] = []
            var i = 0
            while i < words.count {
                guard let entry = parseEntry(words, at: &i) else { throw JobError.malformedMessage("a rank's combinatorial partials") }
                insert(entry, into: &result)
            }
        }
        return result
    }

    /// The entry at `words[i...]` (moving `i` past it), or nil when it is not one this work could have made.
    private func parseEntry(_ words: [UInt128], at i: inout Int) -> Entry? {
        guard let slotCount = Int(exactly: words[i]), slotCount >= 1, i + 1 + slotCount < words.count else { return nil }
        var entrySlots: [Int] = []
        for word in words[(i + 1)...(i + slotCount)] {
            guard let slot = Int(exactly: word), slot < slots.count else { return nil }
            entrySlots.append(slot)
        }
        let at = i + 1 + slotCount
        guard let length = Int(exactly: words[at]), at + 1 + length <= words.count,
              let p = CombinatorialPrimeSum.PiecePartial(words: words[(at + 1)..<(at + 1 + length)]) else { return nil }
        let entry = Entry(slots: entrySlots, partial: p)
        guard let piece = coveredPiece(of: entry), sums[slots[entrySlots[0]].sum].accepts(p, for: piece) else { return nil }
        i = at + 1 + length
        return entry
    }

    /// The queries' tallies once `partial` covers every piece exactly once (at rank 0 after the reduce);
    /// zeros before.
    func tallies(of partial: CombinatorialPartial) -> QueryTallies {
        let queries = request.queries
        let covered = partial.entries.flatMap(\.slots)
        guard covered.count == slots.count, Set(covered).count == slots.count else { return .zero(queryCount: queries.count) }
        var bySum = [[CombinatorialPrimeSum.PiecePartial]](repeating: [], count: sums.count)
        for entry in partial.entries { bySum[slots[entry.slots[0]].sum].append(entry.partial) }
        var below: [UInt128: PrimeTally] = [0: .zero]
        for (index, sum) in sums.enumerated() { below[sum.bound] = sum.total(of: bySum[index]) }
        let perQuery = queries.map { q -> PrimeTally in
            guard q.lo < q.hi, let high = below[q.hi], let low = below[q.lo] else { return .zero }
            return PrimeTally(count: high.count - low.count, sum: high.sum - low.sum)
        }
        return QueryTallies(perQuery: perQuery, total: .zero)
    }
}

/// Some of the combinatorial work's pieces, as merged entries.
struct CombinatorialPartial: Sendable {
    /// One partial result standing for some pieces (slots): one piece, or several of one sum merged (plain
    /// ones, or a run of adjacent hard-leaves pieces).
    struct Entry: Sendable {
        var slots: [Int]
        var partial: CombinatorialPrimeSum.PiecePartial
    }

    var entries: [Entry] = []
}

/// A finished run of the combinatorial line: its range of units and its pieces' partials.
struct LeavesRecord: PieceRecord {
    var piece: Query
    var partials: [CombinatorialPrimeSum.PiecePartial]

    var words: [UInt128] {
        [piece.lo, piece.hi, UInt128(partials.count)] + partials.flatMap { [UInt128($0.words.count)] + $0.words }
    }

    init(piece: Query, partials: [CombinatorialPrimeSum.PiecePartial]) {
        self.piece = piece
        self.partials = partials
    }

    init?(words: [UInt128]) {
        guard words.count >= 3, words[0] <= words[1], let n = Int(exactly: words[2]) else { return nil }
        var partials: [CombinatorialPrimeSum.PiecePartial] = []
        var i = 3
        for _ in 0..<n {
            guard i < words.count, let length = Int(exactly: words[i]), i + 1 + length <= words.count,
                  let p = CombinatorialPrimeSum.PiecePartial(words: Array(words[(i + 1)..<(i + 1 + length)]))
            else { return nil }
            partials.append(p)
            i += 1 + length
        }
        guard i == words.count else { return nil }
        self.init(piece: Query(lo: words[0], hi: words[1]), partials: partials)
    }

    /// `leaves` and the record's words in decimal.
    var journalLine: String { (["leaves"] + words.map { "\($0)" }).joined(separator: " ") }

    init?(journalLine words: [Substring]) {
        guard words.first == "leaves" else { return nil }
        let values = words.dropFirst().compactMap { UInt128($0) }
        guard values.count == words.count - 1 else { return nil }
        self.init(words: values)
    }

    static func == (a: LeavesRecord, b: LeavesRecord) -> Bool { a.words == b.words }
}
