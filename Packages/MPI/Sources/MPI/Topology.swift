import CMPI

/// A communicator whose processes form a grid (`MPI_Cart_create`): each knows its coordinates and its
/// neighbours along each dimension, ``Communicator/nullProcess`` past a non-periodic edge — the shape of a
/// halo exchange.
///
///     let dims = try Communicator.balancedDimensions(processes: world.size, count: 2)
///     guard let grid = try world.cartesian(dimensions: dims, periodic: [false, false]) else { return }
///     let (up, down) = try grid.shift(dimension: 0, by: 1)
///     try grid.communicator.sendReceive(topRow, to: up, sendTag: 0, into: haloBelow, from: down)
public struct Cartesian: Sendable {
    /// The grid's communicator (ranks may be reordered from the parent's).
    public let communicator: Communicator
    /// The extent of each dimension.
    public let dimensions: [Int]
    /// Whether each dimension wraps around.
    public let periodic: [Bool]
    /// This process's coordinates.
    public let coordinates: [Int]

    /// The ranks this process receives from and sends to when everyone shifts data by `displacement` along
    /// `dimension` (`MPI_Cart_shift`): ``Communicator/nullProcess`` past a non-periodic edge.
    public func shift(dimension: Int, by displacement: Int) throws(MPIError) -> (source: Int, destination: Int) {
        guard dimensions.indices.contains(dimension) else {
            throw MPIError(.dimensions, function: "MPI_Cart_shift", reason: "no dimension \(dimension) in a \(dimensions.count)-dimensional grid")
        }
        var source: Int32 = 0, destination: Int32 = 0
        try check(MPI_Cart_shift(communicator.handle, Int32(dimension), Int32(displacement), &source, &destination),
                  "MPI_Cart_shift")
        return (Int(source), Int(destination))
    }

    /// The rank at `coordinates` (`MPI_Cart_rank`; periodic dimensions wrap).
    public func rank(at coordinates: [Int]) throws(MPIError) -> Int {
        var coordinates = coordinates.map { Int32($0) }
        guard coordinates.count == dimensions.count else {
            throw MPIError(.dimensions, function: "MPI_Cart_rank", reason: "\(coordinates.count) coordinates for \(dimensions.count) dimensions")
        }
        var rank: Int32 = 0
        try check(MPI_Cart_rank(communicator.handle, &coordinates, &rank), "MPI_Cart_rank")
        return Int(rank)
    }

    /// The coordinates of `rank` (`MPI_Cart_coords`).
    public func coordinates(of rank: Int) throws(MPIError) -> [Int] {
        try communicator.checkRank(rank, "grid", "MPI_Cart_coords")
        var coordinates = [Int32](repeating: 0, count: dimensions.count)
        try check(MPI_Cart_coords(communicator.handle, Int32(rank), Int32(dimensions.count), &coordinates), "MPI_Cart_coords")
        return coordinates.map(Int.init)
    }
}

extension Communicator {
    /// A balanced grid of `processes` processes in `count` dimensions (`MPI_Dims_create`): the extents, as
    /// close to each other as the factors allow, largest first. A nonzero entry of `fixed` keeps that extent.
    public static func balancedDimensions(processes: Int, count: Int, fixed: [Int] = []) throws(MPIError) -> [Int] {
        var dimensions = (0..<count).map { Int32($0 < fixed.count ? fixed[$0] : 0) }
        try check(MPI_Dims_create(Int32(processes), Int32(count), &dimensions), "MPI_Dims_create")
        return dimensions.map(Int.init)
    }

    /// The processes of this communicator arranged as a grid (`MPI_Cart_create`), a collective call; nil on
    /// the processes the grid leaves out (when it has fewer cells than the communicator has processes).
    /// `reorder` lets MPI renumber the ranks to fit the machine.
    public func cartesian(dimensions: [Int], periodic: [Bool], reorder: Bool = false) throws(MPIError) -> Cartesian? {
        guard dimensions.count == periodic.count, dimensions.allSatisfy({ $0 > 0 }) else {
            throw MPIError(.dimensions, function: "MPI_Cart_create",
                           reason: "dimensions \(dimensions) and periodicity \(periodic) do not describe a grid")
        }
        guard dimensions.reduce(1, *) <= size else {
            throw MPIError(.dimensions, function: "MPI_Cart_create", reason: "a grid of \(dimensions.reduce(1, *)) cells for \(size) processes")
        }
        var extents = dimensions.map { Int32($0) }
        var wraps = periodic.map { Int32($0 ? 1 : 0) }
        var newHandle = cmpi_comm_null()
        try check(MPI_Cart_create(handle, Int32(dimensions.count), &extents, &wraps, reorder ? 1 : 0, &newHandle), "MPI_Cart_create")
        guard newHandle != cmpi_comm_null() else { return nil }
        let grid = try Communicator(owning: unwrapped(newHandle))
        var coordinates = [Int32](repeating: 0, count: dimensions.count)
        try check(MPI_Cart_coords(grid.handle, Int32(grid.rank), Int32(dimensions.count), &coordinates), "MPI_Cart_coords")
        return Cartesian(communicator: grid, dimensions: dimensions, periodic: periodic, coordinates: coordinates.map(Int.init))
    }
}
