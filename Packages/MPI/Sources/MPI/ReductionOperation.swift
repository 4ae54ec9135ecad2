import CMPI

/// A reduction operation over values of type `T` (`MPI_Op`): a predefined one such as `MPI_SUM`, or a
/// user-defined one such as the sum of `UInt128`.
///
/// The type parameter keeps operations and element types apart at compile time: `.sum` exists for the
/// types MPI can add, and means `MPI_SUM` for built-in integers and floats but a user-defined operation
/// for `UInt128`.
public struct ReductionOperation<T: MPIElement>: @unchecked Sendable {
    @usableFromInline let handle: MPI_Op
    /// What keeps a user-defined operation alive while a copy of it exists.
    private let owner: AnyObject?

    init(_ handle: MPI_Op, owner: AnyObject? = nil) {
        self.handle = handle
        self.owner = owner
    }
}

/// The built-in numeric types MPI's predefined arithmetic operations apply to.
public protocol MPIArithmetic: MPIElement {}
extension Int8: MPIArithmetic {}
extension Int16: MPIArithmetic {}
extension Int32: MPIArithmetic {}
extension Int64: MPIArithmetic {}
extension Int: MPIArithmetic {}
extension UInt8: MPIArithmetic {}
extension UInt16: MPIArithmetic {}
extension UInt32: MPIArithmetic {}
extension UInt64: MPIArithmetic {}
extension Float: MPIArithmetic {}
extension Double: MPIArithmetic {}

extension ReductionOperation where T: MPIArithmetic {
    /// `MPI_SUM`.
    public static var sum: Self { Self(cmpi_op_sum()) }
    /// `MPI_PROD`.
    public static var product: Self { Self(cmpi_op_prod()) }
    /// `MPI_MAX`.
    public static var max: Self { Self(cmpi_op_max()) }
    /// `MPI_MIN`.
    public static var min: Self { Self(cmpi_op_min()) }
}

extension ReductionOperation where T: MPIArithmetic & FixedWidthInteger {
    /// `MPI_BAND`.
    public static var bitwiseAnd: Self { Self(cmpi_op_band()) }
    /// `MPI_BOR`.
    public static var bitwiseOr: Self { Self(cmpi_op_bor()) }
}

extension ReductionOperation where T == UInt128 {
    /// The sum of `UInt128` values, modulo 2^128: a user-defined operation (`MPI_Op_create`) over the
    /// pair-of-`MPI_UINT64_T` datatype, created when MPI is initialised.
    public static var sum: Self {
        precondition(DerivedTypes.uint128Sum != nil, "UInt128 sum used before MPI was initialised")
        return Self(DerivedTypes.uint128Sum!)
    }
}

extension ReductionOperation where T == Bool {
    /// `MPI_LAND`: true when every value is.
    public static var and: Self { Self(cmpi_op_land()) }
    /// `MPI_LOR`: true when any value is.
    public static var or: Self { Self(cmpi_op_lor()) }
}
