import CMPI

/// Counts past `Int32.max` elements, which MPI 3.1 (Open MPI 4.1) cannot pass: the buffer (or each rank's
/// share of it, in gather, scatter, allgather and alltoall) travels as one element of a derived datatype that
/// covers all of it (`MPI_Type_contiguous` blocks of 2^30 elements plus a remainder, joined by
/// `MPI_Type_create_struct`; its extent is the share's, so shares line up), made for the call and freed after
/// it. Reductions go slice by slice instead: a predefined operation cannot apply to a derived datatype.
@usableFromInline
enum LargeCount {
    /// Elements per block of the derived type.
    @usableFromInline static let blockElements = 1 << 30
    /// Elements per call when a reduction is cut into slices.
    @usableFromInline static let sliceElements = Int(Int32.max)

    /// Calls `body` with the count and datatype that describe `count` elements of `T`: `(count, T's type)`
    /// when it fits in an `Int32`, else `(1, a derived type)`. The derived type is freed when `body` returns,
    /// which MPI allows even while a nonblocking operation started in `body` still uses it.
    @inlinable
    static func with<T: MPIElement, R>(_ count: Int, of type: T.Type,
                                       _ body: (Int32, MPI_Datatype) throws(MPIError) -> R) throws(MPIError) -> R {
        if let small = Int32(exactly: count) {
            return try body(small, T.mpiDatatype.handle)
        }
        var large = cmpi_datatype_null()
        large = try derivedType(count, of: T.self)
        defer { MPI_Type_free(&large) }
        return try body(1, unwrapped(large))
    }

    /// Starts a nonblocking reduction of `count` elements of `T` with `operation`: `start` gets the count,
    /// datatype and operation to pass, `T`'s own when `count` fits in an `Int32`, else those of a
    /// ``LargeReduction``, which the returned request keeps alive.
    static func reducing<T: MPIElement, R: Request>(_ count: Int, of type: T.Type, _ operation: MPI_Op,
                                                    _ start: (Int32, MPI_Datatype, MPI_Op) throws(MPIError) -> R) throws(MPIError) -> R {
        if let small = Int32(exactly: count) { return try start(small, T.mpiDatatype.handle, operation) }
        let large = try LargeReduction(count, of: T.self, operation)
        let request = try start(1, large.datatype, large.operation)
        request.keptAlive = large
        return request
    }

    @usableFromInline
    static func derivedType<T: MPIElement>(_ count: Int, of type: T.Type) throws(MPIError) -> MPI_Datatype {
        let element = T.mpiDatatype.handle
        var block = cmpi_datatype_null()
        try check(MPI_Type_contiguous(Int32(blockElements), element, &block), "MPI_Type_contiguous")
        defer { MPI_Type_free(&block) }
        let blocks = count / blockElements, remainder = count % blockElements
        var lengths: [Int32] = [Int32(blocks), Int32(remainder)]
        var displacements: [MPI_Aint] = [0, MPI_Aint(blocks * blockElements * MemoryLayout<T>.stride)]
        var types = [block, cmpi_datatype_null()]
        types[1] = element
        var combined = cmpi_datatype_null()
        try check(MPI_Type_create_struct(2, &lengths, &displacements, &types, &combined), "MPI_Type_create_struct")
        try check(MPI_Type_commit(&combined), "MPI_Type_commit")
        return unwrapped(combined)
    }
}

/// A nonblocking reduction past `Int32.max` elements, which cannot go slice by slice as a blocking one does
/// (one request must stand for the whole): the buffer travels as one element of the derived type, and the
/// operation is a user-defined one over that type whose function applies the element operation with
/// `MPI_Reduce_local`, `Int32.max` elements at a time. The function finds the element type, count and
/// operation through an attribute of the derived type; the request keeps this object, and with it the
/// type, until it is dropped.
@usableFromInline
final class LargeReduction {
    let datatype: MPI_Datatype
    let elementType: MPI_Datatype
    let elementCount: Int
    let elementStride: Int
    let elementOperation: MPI_Op
    /// The user-defined operation over `datatype`: commutative when the element operation is.
    let operation: MPI_Op

    init<T: MPIElement>(_ count: Int, of type: T.Type, _ elementOperation: MPI_Op) throws(MPIError) {
        datatype = try LargeCount.derivedType(count, of: T.self)
        elementType = T.mpiDatatype.handle
        elementCount = count
        elementStride = MemoryLayout<T>.stride
        self.elementOperation = elementOperation
        var commutative: Int32 = 1
        try check(MPI_Op_commutative(elementOperation, &commutative), "MPI_Op_commutative")
        operation = try Self.operation(commutative: commutative != 0)
        try check(MPI_Type_set_attr(datatype, try Self.key(), Unmanaged.passUnretained(self).toOpaque()), "MPI_Type_set_attr")
    }

    deinit {
        if !Environment.isFinalized { freeDatatype(datatype) }
    }

    /// The operation's function: `length` items of the derived type, each `elementCount` elements.
    static func apply(_ input: UnsafeMutableRawPointer?, _ inout_: UnsafeMutableRawPointer?,
                      _ length: UnsafeMutablePointer<Int32>?, _ datatype: UnsafeMutableRawPointer?) {
        guard let input, let inout_, let length, let datatype, let key = State.key else { return }
        var found: UnsafeMutableRawPointer? = nil
        var flag: Int32 = 0
        MPI_Type_get_attr(unwrapped(datatype.load(as: DatatypeHandle.self)), key, &found, &flag)
        guard flag != 0, let found else { return }
        let reduction = Unmanaged<LargeReduction>.fromOpaque(found).takeUnretainedValue()
        let itemBytes = reduction.elementCount * reduction.elementStride
        for item in 0..<Int(length.pointee) {
            for start in stride(from: 0, to: reduction.elementCount, by: LargeCount.sliceElements) {
                let count = Swift.min(LargeCount.sliceElements, reduction.elementCount - start)
                let offset = item * itemBytes + start * reduction.elementStride
                MPI_Reduce_local(input + offset, inout_ + offset, Int32(count), reduction.elementType, reduction.elementOperation)
            }
        }
    }

    /// The attribute key and the two operations, made on first use and kept until MPI is finalized.
    /// Touched only by the thread that calls MPI.
    enum State {
        nonisolated(unsafe) static var key: Int32?
        nonisolated(unsafe) static var operations: [Bool: MPI_Op] = [:]
    }

    static func key() throws(MPIError) -> Int32 {
        if let key = State.key { return key }
        var key: Int32 = 0
        try check(cmpi_type_create_keyval(&key), "MPI_Type_create_keyval")
        State.key = key
        return key
    }

    static func operation(commutative: Bool) throws(MPIError) -> MPI_Op {
        if let operation = State.operations[commutative] { return operation }
        var operation = cmpi_op_null()
        try check(MPI_Op_create({ input, inout_, length, datatype in
            LargeReduction.apply(input, inout_, length, UnsafeMutableRawPointer(datatype))
        }, commutative ? 1 : 0, &operation), "MPI_Op_create")
        State.operations[commutative] = unwrapped(operation)
        return unwrapped(operation)
    }
}

/// The v-variants past `Int32.max` elements (a count, or a total that displacements cannot reach), which MPI
/// 3.1's `int` counts and displacements cannot say: every part travels point to point instead, as one
/// element of a derived type, on a duplicate of the communicator (a tag space of its own). Every process
/// takes this path alike: each decides from counts that every process knows.
extension Communicator {
    /// Sends each `(peer, part)` of `sends` and receives each of `receives` (receives posted first); a part
    /// for this process itself is copied. Collective: every process calls it.
    func exchangeParts<T: MPIElement>(sending sends: [(Int, UnsafeBufferPointer<T>)],
                                      receiving receives: [(Int, UnsafeMutableBufferPointer<T>)]) throws(MPIError) {
        let separate = try duplicate()
        var requests: [BufferRequest] = []
        for (peer, part) in receives where peer != rank { requests.append(try separate.ireceive(into: part, from: peer, tag: 0)) }
        for (peer, part) in sends where peer != rank { requests.append(try separate.isend(part, to: peer, tag: 0)) }
        if let own = sends.first(where: { $0.0 == rank })?.1, let room = receives.first(where: { $0.0 == rank })?.1 {
            guard own.count == room.count else {
                throw MPIError(.count, function: "MPI_Sendrecv", reason: "\(own.count) values for this process into room for \(room.count)")
            }
            _ = room.initialize(fromContentsOf: own)
        }
        try Request.waitAll(requests)
    }

    /// Whether `counts` (one part per rank, consecutive) need the point-to-point path.
    static func exceedsMPICounts(_ counts: [Int]) -> Bool {
        counts.reduce(0, +) > Int(Int32.max)
    }

    /// `buffer` cut into consecutive parts of `counts` elements.
    static func partition<T>(_ buffer: UnsafeMutableBufferPointer<T>, counts: [Int]) -> [UnsafeMutableBufferPointer<T>] {
        var parts: [UnsafeMutableBufferPointer<T>] = []
        var offset = 0
        for count in counts {
            parts.append(UnsafeMutableBufferPointer(rebasing: buffer[offset..<offset + count]))
            offset += count
        }
        return parts
    }
}
