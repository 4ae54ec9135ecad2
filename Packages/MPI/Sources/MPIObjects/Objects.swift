import MPI
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

// Any `Codable` value as a message — mpi4py's lowercase API for dynamic data (dictionaries, nested
// structures, strings of any length) — in a module of its own, so that the typed, allocation-free paths of
// `MPI` never touch Foundation. Values travel as JSON bytes (`MPI_UINT8_T`): portable and readable, at the
// cost of encoding; a buffer of `MPIElement`s is the fast path. Receives take a message whole, whatever its
// length, through a matched probe. Errors are `MPIError`s from MPI and `EncodingError`/`DecodingError`s
// from the coder.

extension Communicator {
    /// Sends `value`, encoded (`MPI_Send` of its JSON bytes).
    public func send<Value: Encodable>(object value: Value, to destination: Int, tag: Int32) throws {
        try send(try JSONEncoder().encode(value).bytes, to: destination, tag: tag)
    }

    /// Receives a value sent with ``send(object:to:tag:)`` from `source` (nil: any) with `tag` (nil: any),
    /// whatever its length (`MPI_Mprobe`, then `MPI_Mrecv`); returns it with its sender and tag.
    public func receiveObject<Value: Decodable>(_ type: Value.Type, from source: Int? = nil,
                                                tag: Int32? = nil) throws -> (value: Value, source: Int, tag: Int32) {
        let message = try matchedProbe(from: source, tag: tag).receive(as: UInt8.self)
        return (try JSONDecoder().decode(Value.self, from: Data(message.values)), message.source, message.tag)
    }

    /// Every process's `value`, in rank order, on every process (`MPI_Allgatherv` of the encodings).
    public func allgather<Value: Codable>(object value: Value) throws -> [Value] {
        try allgatherv(try JSONEncoder().encode(value).bytes).map { try JSONDecoder().decode(Value.self, from: Data($0)) }
    }
}

extension Root {
    /// The root's `value` on every process (`MPI_Bcast` of the encoding's length, then of its bytes): the
    /// root passes its value, every other process nil.
    public func broadcast<Value: Codable>(object value: Value?) throws -> Value {
        var bytes = try value.map { try JSONEncoder().encode($0).bytes } ?? []
        try broadcast(&bytes)
        return try JSONDecoder().decode(Value.self, from: Data(bytes))
    }

    /// Every process's `value` at the root, in rank order (`MPI_Gatherv` of the encodings); nil elsewhere.
    public func gather<Value: Codable>(object value: Value) throws -> [Value]? {
        try gatherv(try JSONEncoder().encode(value).bytes)?.map { try JSONDecoder().decode(Value.self, from: Data($0)) }
    }
}

extension Data {
    /// The bytes as an array, the element type MPI sends.
    var bytes: [UInt8] { [UInt8](self) }
}
