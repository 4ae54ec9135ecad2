import CMPI

/// An MPI datatype handle (`MPI_Datatype`), predefined or derived.
public struct Datatype: @unchecked Sendable {
    @usableFromInline let handle: MPI_Datatype

    @usableFromInline init(_ handle: MPI_Datatype) { self.handle = handle }

    /// Wraps a datatype handle obtained from C, which its creator keeps alive (and frees) for as long as
    /// this value is used.
    public init(rawHandle: MPI_Datatype) { self.handle = rawHandle }

    /// The C handle (`MPI_Datatype`), for MPI calls the wrapper lacks.
    public var rawHandle: MPI_Datatype { handle }
}

/// A Swift type whose values MPI can move: it names the MPI datatype that describes its memory layout.
///
/// Conforming types must be bitwise-copyable with the layout the datatype describes; every collective of the
/// wrapper is generic over this protocol, so moving `[T]` costs what the C call on `T`'s buffer costs.
public protocol MPIElement: BitwiseCopyable {
    /// The MPI datatype of one value.
    static var mpiDatatype: Datatype { get }
}

extension Int8: MPIElement { @inlinable public static var mpiDatatype: Datatype { Datatype(cmpi_int8()) } }
extension Int16: MPIElement { @inlinable public static var mpiDatatype: Datatype { Datatype(cmpi_int16()) } }
extension Int32: MPIElement { @inlinable public static var mpiDatatype: Datatype { Datatype(cmpi_int32()) } }
extension Int64: MPIElement { @inlinable public static var mpiDatatype: Datatype { Datatype(cmpi_int64()) } }
extension UInt8: MPIElement { @inlinable public static var mpiDatatype: Datatype { Datatype(cmpi_uint8()) } }
extension UInt16: MPIElement { @inlinable public static var mpiDatatype: Datatype { Datatype(cmpi_uint16()) } }
extension UInt32: MPIElement { @inlinable public static var mpiDatatype: Datatype { Datatype(cmpi_uint32()) } }
extension UInt64: MPIElement { @inlinable public static var mpiDatatype: Datatype { Datatype(cmpi_uint64()) } }
extension Float: MPIElement { @inlinable public static var mpiDatatype: Datatype { Datatype(cmpi_float()) } }
extension Double: MPIElement { @inlinable public static var mpiDatatype: Datatype { Datatype(cmpi_double()) } }
/// `MPI_C_BOOL`: Swift's `Bool` has C `_Bool`'s one-byte layout.
extension Bool: MPIElement { @inlinable public static var mpiDatatype: Datatype { Datatype(cmpi_c_bool()) } }
extension Int: MPIElement {
    @inlinable public static var mpiDatatype: Datatype { MemoryLayout<Int>.size == 8 ? Int64.mpiDatatype : Int32.mpiDatatype }
}

/// `UInt128` travels as a contiguous pair of `MPI_UINT64_T` (MPI has no 128-bit integer type), low word
/// first on little-endian machines. Its sum is a user-defined operation: see ``ReductionOperation/sum``.
extension UInt128: MPIElement {
    public static var mpiDatatype: Datatype {
        precondition(DerivedTypes.uint128 != nil, "UInt128 used before MPI was initialised")
        return Datatype(DerivedTypes.uint128!)
    }
}

/// The derived datatypes and user-defined operations the wrapper creates at `MPI_Init` and frees before
/// `MPI_Finalize`. Written only by the thread that initialises MPI, before any other use.
enum DerivedTypes {
    nonisolated(unsafe) static var uint128: MPI_Datatype? = nil
    nonisolated(unsafe) static var uint128Sum: MPI_Op? = nil
    /// The struct datatypes made with ``Datatype/structure(of:_:)``, one per Swift type, freed before
    /// `MPI_Finalize` like the rest.
    nonisolated(unsafe) static var structures: [ObjectIdentifier: MPI_Datatype] = [:]

    static func commit() throws(MPIError) {
        var type = cmpi_datatype_null()
        try check(MPI_Type_contiguous(2, cmpi_uint64(), &type), "MPI_Type_contiguous")
        try check(MPI_Type_commit(&type), "MPI_Type_commit")
        uint128 = unwrapped(type)

        var op = cmpi_op_null()
        // A literal closure: a stored `MPI_User_function` does not convert under both MPIs.
        try check(MPI_Op_create({ input, inout_, length, _ in
            guard let input, let inout_, let length else { return }
            let count = Int(length.pointee)
            let a = input.assumingMemoryBound(to: UInt128.self)
            let b = inout_.assumingMemoryBound(to: UInt128.self)
            for i in 0..<count { b[i] = a[i] &+ b[i] }
        }, 1, &op), "MPI_Op_create")
        uint128Sum = unwrapped(op)
    }

    static func free() {
        for structure in structures.values { freeDatatype(structure) }
        structures = [:]
        if let sum = uint128Sum {
            freeOperation(sum)
            uint128Sum = nil
        }
        if let pair = uint128 {
            freeDatatype(pair)
            uint128 = nil
        }
    }
}
