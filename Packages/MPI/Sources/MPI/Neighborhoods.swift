import CMPI

/// A communicator whose processes know their neighbours, for the neighbour collectives (`MPI_Neighbor_*`):
/// each process exchanges with its own neighbours only, all at once — a halo exchange in one call.
///
/// ``Cartesian`` grids have `2 × dimensions` neighbours in the order MPI defines: along each dimension, the
/// one below (`shift(dimension:by: 1).source`), then the one above. ``NeighborGraph`` lists them explicitly.
/// Slots of ``Communicator/nullProcess`` neighbours (a grid's edge) are left as they were.
public protocol NeighborTopology: Sendable {
    /// The communicator that carries the topology.
    var communicator: Communicator { get }
    /// How many neighbours this process receives from.
    var inDegree: Int { get }
    /// How many neighbours this process sends to.
    var outDegree: Int { get }
}

extension Cartesian: NeighborTopology {
    public var inDegree: Int { 2 * dimensions.count }
    public var outDegree: Int { 2 * dimensions.count }
}

/// A communicator on which each process names the processes it receives from and sends to
/// (`MPI_Dist_graph_create_adjacent`): an irregular mesh, a ring with extra links.
public struct NeighborGraph: NeighborTopology {
    public let communicator: Communicator
    /// The ranks this process receives from, in the order of the neighbour collectives' results.
    public let sources: [Int]
    /// The ranks this process sends to, in the order of the neighbour collectives' inputs.
    public let destinations: [Int]

    public var inDegree: Int { sources.count }
    public var outDegree: Int { destinations.count }
}

extension Communicator {
    /// A graph topology in which this process receives from `sources` and sends to `destinations`
    /// (`MPI_Dist_graph_create_adjacent`, collective; each process gives its own lists, which must match
    /// across processes: if A sends to B, B receives from A). `reorder` lets MPI renumber the ranks.
    public func neighborGraph(sources: [Int], destinations: [Int], reorder: Bool = false) throws(MPIError) -> NeighborGraph {
        for rank in sources + destinations { try checkRank(rank, "neighbour", "MPI_Dist_graph_create_adjacent") }
        var from = sources.map { Int32($0) }, to = destinations.map { Int32($0) }
        var newHandle = cmpi_comm_null()
        try check(MPI_Dist_graph_create_adjacent(handle, Int32(from.count), &from, cmpi_unweighted(), Int32(to.count), &to,
                                                 cmpi_unweighted(), cmpi_info_null(), reorder ? 1 : 0, &newHandle),
                  "MPI_Dist_graph_create_adjacent")
        let graph = try Communicator(owning: unwrapped(newHandle))
        return NeighborGraph(communicator: graph, sources: sources, destinations: destinations)
    }
}

extension NeighborTopology {
    /// Sends `values` to every neighbour and returns what each neighbour sent, neighbour after neighbour
    /// (`MPI_Neighbor_allgather`; the same count on every process). Slots of null neighbours hold zero bits.
    public func neighborAllgather<T: MPIElement>(_ values: [T]) throws(MPIError) -> [T] {
        try values.withUnsafeBufferPointer { (send) throws(MPIError) in
            try zeroed(count: values.count * inDegree) { (result) throws(MPIError) in try neighborAllgather(send, into: result) }
        }
    }

    /// Sends `values` to every neighbour and receives each neighbour's into consecutive parts of `result`
    /// (`MPI_Neighbor_allgather`): no allocation. `result` holds `values.count × inDegree`.
    public func neighborAllgather<T: MPIElement>(_ values: UnsafeBufferPointer<T>,
                                                 into result: UnsafeMutableBufferPointer<T>) throws(MPIError) {
        guard result.count == values.count * inDegree else {
            throw MPIError(.count, function: "MPI_Neighbor_allgather", reason: "\(values.count) values from each of \(inDegree) neighbours into \(result.count)")
        }
        let count = try mpiCount(values.count)
        try check(MPI_Neighbor_allgather(values.baseAddress, count, T.mpiDatatype.handle, result.baseAddress, count,
                                         T.mpiDatatype.handle, communicator.handle), "MPI_Neighbor_allgather")
    }

    /// Sends the `i`-th of `outDegree` equal parts of `values` to the `i`-th neighbour and returns the part
    /// each neighbour sent here, neighbour after neighbour (`MPI_Neighbor_alltoall`). Slots of null
    /// neighbours hold zero bits.
    public func neighborAlltoall<T: MPIElement>(_ values: [T]) throws(MPIError) -> [T] {
        guard outDegree > 0 ? values.count % outDegree == 0 : values.isEmpty else {
            throw MPIError(.count, function: "MPI_Neighbor_alltoall", reason: "\(values.count) values do not split among \(outDegree) neighbours")
        }
        let share = outDegree > 0 ? values.count / outDegree : 0
        return try values.withUnsafeBufferPointer { (send) throws(MPIError) in
            try zeroed(count: share * inDegree) { (result) throws(MPIError) in try neighborAlltoall(send, into: result) }
        }
    }

    /// The buffer form of ``neighborAlltoall(_:)-([T])``: no allocation. `values` holds `share × outDegree`,
    /// `result` `share × inDegree`.
    public func neighborAlltoall<T: MPIElement>(_ values: UnsafeBufferPointer<T>,
                                                into result: UnsafeMutableBufferPointer<T>) throws(MPIError) {
        let share = outDegree > 0 ? values.count / outDegree : result.count / Swift.max(inDegree, 1)
        guard share * outDegree == values.count, share * inDegree == result.count else {
            throw MPIError(.count, function: "MPI_Neighbor_alltoall",
                           reason: "\(values.count) values for \(outDegree) neighbours and room for \(result.count) from \(inDegree) do not make equal shares")
        }
        let count = try mpiCount(share)
        try check(MPI_Neighbor_alltoall(values.baseAddress, count, T.mpiDatatype.handle, result.baseAddress, count,
                                        T.mpiDatatype.handle, communicator.handle), "MPI_Neighbor_alltoall")
    }

    /// A new array of `count` zero-bit elements, filled by `body`.
    private func zeroed<T: MPIElement>(count: Int,
                                       _ body: (UnsafeMutableBufferPointer<T>) throws(MPIError) -> Void) throws(MPIError) -> [T] {
        try [T](unsafeUninitializedCapacity: count) { (buffer, initialized) throws(MPIError) in
            if count > 0 { UnsafeMutableRawBufferPointer(buffer).initializeMemory(as: UInt8.self, repeating: 0) }
            try body(buffer)
            initialized = count
        }
    }
}
