import CMPI

// MARK: Structs

/// One field of a fixed-layout struct, for ``Datatype/structure(of:_:)``.
public struct StructField<S>: @unchecked Sendable {
    let offset: Int
    let datatype: Datatype

    /// The stored property at `keyPath`, whose type MPI can move.
    public static func field<F: MPIElement>(_ keyPath: KeyPath<S, F>) -> StructField<S> {
        guard let offset = MemoryLayout<S>.offset(of: keyPath) else {
            preconditionFailure("\(keyPath) is not a stored property laid out inside \(S.self)")
        }
        return StructField(offset: offset, datatype: F.mpiDatatype)
    }
}

extension Datatype {
    /// The datatype of a struct of MPI element fields (`MPI_Type_create_struct`, resized to the struct's
    /// stride with `MPI_Type_create_resized` so arrays of it line up, then `MPI_Type_commit`).
    ///
    /// Make it once, after MPI is initialised, and keep it (a `static let` of the conforming type does both):
    ///
    ///     struct Particle: MPIElement {
    ///         var position: Double
    ///         var id: Int32
    ///         static let datatype = Datatype.structure(of: Particle.self, [.field(\.position), .field(\.id)])
    ///         static var mpiDatatype: Datatype { datatype }
    ///     }
    ///
    /// The library makes one datatype per Swift type and returns it on every later call (the fields of the
    /// first call count), so a computed `mpiDatatype` that calls this each time costs a lookup, not a new
    /// committed MPI type. The type lives until ``Environment/run(threadLevel:abortStatus:_:)`` finalizes
    /// MPI, which frees it. Fields left out (padding, or data that need not travel) are not sent.
    public static func structure<S: BitwiseCopyable>(of type: S.Type, _ fields: [StructField<S>]) -> Datatype {
        precondition(Environment.isInitialized && !Environment.isFinalized, "\(S.self)'s datatype made outside MPI")
        if let made = DerivedTypes.structures[ObjectIdentifier(S.self)] { return Datatype(made) }
        var lengths = [Int32](repeating: 1, count: fields.count)
        var displacements = fields.map { MPI_Aint($0.offset) }
        var types = [cmpi_datatype_null()]
        types = fields.map { $0.datatype.handle }
        var packed = cmpi_datatype_null()
        var resized = cmpi_datatype_null()
        let created = MPI_Type_create_struct(Int32(fields.count), &lengths, &displacements, &types, &packed)
        precondition(created == MPI_SUCCESS, "MPI_Type_create_struct failed for \(S.self)")
        let fitted = MPI_Type_create_resized(unwrapped(packed), 0, MPI_Aint(MemoryLayout<S>.stride), &resized)
        precondition(fitted == MPI_SUCCESS, "MPI_Type_create_resized failed for \(S.self)")
        MPI_Type_free(&packed)
        precondition(MPI_Type_commit(&resized) == MPI_SUCCESS, "MPI_Type_commit failed for \(S.self)")
        DerivedTypes.structures[ObjectIdentifier(S.self)] = unwrapped(resized)
        return Datatype(unwrapped(resized))
    }
}

// MARK: User-defined reductions

extension ReductionOperation {
    /// A reduction with a Swift function (`MPI_Op_create`): `combine(a, b)` must be associative, and also
    /// commutative unless `commutative` is false (MPI then combines in rank order). The operation is freed
    /// (`MPI_Op_free`) when the last copy of it goes away.
    ///
    /// `MPI_User_function` has no context pointer, so each live custom operation takes one of 16 slots, each
    /// a C function of its own that calls its Swift closure.
    public static func custom(commutative: Bool = true,
                              _ combine: @escaping (T, T) -> T) throws(MPIError) -> ReductionOperation<T> {
        let operation = try UserOperation(commutative: commutative) { input, inout_, count in
            let a = input.assumingMemoryBound(to: T.self), b = inout_.assumingMemoryBound(to: T.self)
            for i in 0..<count { b[i] = combine(a[i], b[i]) }
        }
        return ReductionOperation(operation.handle, owner: operation)
    }
}

/// A user-defined `MPI_Op` and the slot its C function reads its Swift closure from.
final class UserOperation: @unchecked Sendable {
    let handle: MPI_Op
    private let slot: Int

    init(commutative: Bool, _ body: @escaping (UnsafeRawPointer, UnsafeMutableRawPointer, Int) -> Void) throws(MPIError) {
        guard let slot = UserOperations.bodies.firstIndex(where: { $0 == nil }) else {
            throw MPIError(code: MPI_ERR_OP, function: "MPI_Op_create (more than \(UserOperations.bodies.count) custom operations alive)")
        }
        UserOperations.bodies[slot] = body
        do {
            handle = try UserOperations.create(slot: slot, commutative: commutative)
        } catch {
            UserOperations.bodies[slot] = nil
            throw error
        }
        self.slot = slot
    }

    deinit {
        if Environment.isInitialized && !Environment.isFinalized {
            freeOperation(handle)
        }
        UserOperations.bodies[slot] = nil
    }
}

/// The slots of the live custom operations. Touched only by the thread that calls MPI.
enum UserOperations {
    nonisolated(unsafe) static var bodies: [((UnsafeRawPointer, UnsafeMutableRawPointer, Int) -> Void)?] =
        Array(repeating: nil, count: 16)

    static func apply(_ slot: Int, _ input: UnsafeMutableRawPointer?, _ inout_: UnsafeMutableRawPointer?,
                      _ length: UnsafeMutablePointer<Int32>?) {
        guard let input, let inout_, let length, let body = bodies[slot] else { return }
        body(UnsafeRawPointer(input), inout_, Int(length.pointee))
    }

    /// Creates the operation whose C function is slot `slot`'s. (Literal closures: a stored
    /// `MPI_User_function` value does not convert under both MPIs.)
    static func create(slot: Int, commutative: Bool) throws(MPIError) -> MPI_Op {
        var op = cmpi_op_null()
        let commute: Int32 = commutative ? 1 : 0
        let code: Int32
        switch slot {
        case 0: code = MPI_Op_create({ input, inout_, length, _ in UserOperations.apply(0, input, inout_, length) }, commute, &op)
        case 1: code = MPI_Op_create({ input, inout_, length, _ in UserOperations.apply(1, input, inout_, length) }, commute, &op)
        case 2: code = MPI_Op_create({ input, inout_, length, _ in UserOperations.apply(2, input, inout_, length) }, commute, &op)
        case 3: code = MPI_Op_create({ input, inout_, length, _ in UserOperations.apply(3, input, inout_, length) }, commute, &op)
        case 4: code = MPI_Op_create({ input, inout_, length, _ in UserOperations.apply(4, input, inout_, length) }, commute, &op)
        case 5: code = MPI_Op_create({ input, inout_, length, _ in UserOperations.apply(5, input, inout_, length) }, commute, &op)
        case 6: code = MPI_Op_create({ input, inout_, length, _ in UserOperations.apply(6, input, inout_, length) }, commute, &op)
        case 7: code = MPI_Op_create({ input, inout_, length, _ in UserOperations.apply(7, input, inout_, length) }, commute, &op)
        case 8: code = MPI_Op_create({ input, inout_, length, _ in UserOperations.apply(8, input, inout_, length) }, commute, &op)
        case 9: code = MPI_Op_create({ input, inout_, length, _ in UserOperations.apply(9, input, inout_, length) }, commute, &op)
        case 10: code = MPI_Op_create({ input, inout_, length, _ in UserOperations.apply(10, input, inout_, length) }, commute, &op)
        case 11: code = MPI_Op_create({ input, inout_, length, _ in UserOperations.apply(11, input, inout_, length) }, commute, &op)
        case 12: code = MPI_Op_create({ input, inout_, length, _ in UserOperations.apply(12, input, inout_, length) }, commute, &op)
        case 13: code = MPI_Op_create({ input, inout_, length, _ in UserOperations.apply(13, input, inout_, length) }, commute, &op)
        case 14: code = MPI_Op_create({ input, inout_, length, _ in UserOperations.apply(14, input, inout_, length) }, commute, &op)
        case 15: code = MPI_Op_create({ input, inout_, length, _ in UserOperations.apply(15, input, inout_, length) }, commute, &op)
        default: preconditionFailure("no slot \(slot)")
        }
        try check(code, "MPI_Op_create")
        return unwrapped(op)
    }
}
