import MPI
import PrimeCombinatorial

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// One copy per node of each large combinatorial sum's tables (primes, prime sums, π and factor tables up
/// to y: 124 MiB at 2^64), in POSIX shared memory: the node's first rank builds them and writes their image,
/// the others map it read-only. Ranks of a node then share the tables in the caches as threads of one rank
/// do (with a copy each, two ranks ran 16 % slower than one rank's two threads at 2^64) and the node holds
/// them once.
///
/// Not an MPI shared window: `MPI_Finalize` unmaps those, and after a planned stop (exit 75) the workers may
/// still be finishing an abandoned piece that reads the tables. This memory is unmapped only when the last
/// table reading it is gone. Its name exists only while the node's ranks open it (a job killed in those
/// milliseconds leaves a `/dev/shm/prime-sum-tables-*` file behind). Wherever shared memory cannot be had,
/// every rank builds its own tables, as on one rank.
///
/// Every call is collective over the node's ranks, in the same order on each (the sums are made in the
/// order of the request's bounds).
final class NodeTables {
    private let world: Communicator
    /// The ranks of `world` on this node, ranked as in `world` (so world rank 0 leads its node); split when
    /// first needed, so that jobs without large sums make no communicator.
    private var node: Communicator?
    /// The images made so far, to name each uniquely.
    private var images = 0

    init(world: Communicator) {
        self.world = world
    }

    /// The sum below `bound`, with its tables in the node's shared copy where the node has several ranks.
    /// The node's first rank builds it, unless it passes the sum it already `built`.
    func sum(below bound: UInt128, piecesPerPart: Int, built: CombinatorialPrimeSum? = nil) throws(MPIError)
        -> CombinatorialPrimeSum {
        let ownTables = { built ?? CombinatorialPrimeSum(below: bound, piecesPerPart: piecesPerPart) }
        guard bound >= JobTuning.smallCombinatorialBound, world.size > 1 else { return ownTables() }
        if node == nil { node = try world.splitByNode(key: Int32(world.rank)) }
        guard let node, node.size > 1 else { return ownTables() }
        let leader = node.rank == 0 ? ownTables() : nil
        images += 1
        // What the leader made, for the others: the image's size (0: none) and the leader's process id,
        // which names it.
        var made = [leader?.tableImageSize ?? 0, Int(getpid())]
        let written = leader.flatMap { sum in
            SharedImage(creating: Self.imageName(leader: made[1], image: images), size: made[0]) { sum.writeTables(to: $0) }
        }
        if written == nil { made[0] = 0 }
        try made.withUnsafeMutableBufferPointer { (made) throws(MPIError) in try node.root(0).broadcast(made) }
        let name = Self.imageName(leader: made[1], image: images)
        let image = made[0] == 0 ? nil : written ?? SharedImage(opening: name, size: made[0])
        let everyoneMapped = try node.allreduce(Int32(image == nil ? 0 : 1), .min) == 1
        if written != nil { shm_unlink(name) }
        guard everyoneMapped, let image else { return leader ?? ownTables() }
        return CombinatorialPrimeSum(below: bound, piecesPerPart: piecesPerPart,
                                     tables: UnsafeRawBufferPointer(image.memory), keptAliveBy: image)
    }

    /// The shared-memory name of the node's `image`-th table image, made by process `leader`.
    private static func imageName(leader: Int, image: Int) -> String { "/prime-sum-tables-\(leader)-\(image)" }
}

/// A mapping of a named POSIX shared-memory object, unmapped when the last table reading it goes.
private final class SharedImage {
    let memory: UnsafeMutableRawBufferPointer

    /// Creates the object `name` of `size` bytes (its space reserved, so that a full /dev/shm fails here
    /// rather than as SIGBUS on a later store), maps it and lets `write` fill it; nil on any failure.
    init?(creating name: String, size: Int, write: (UnsafeMutableRawBufferPointer) -> Void) {
        let fd = shm_open(name, O_CREAT | O_EXCL | O_RDWR, 0o600)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        guard posix_fallocate(fd, 0, off_t(size)) == 0,
              let memory = Self.map(fd, size: size, protection: PROT_READ | PROT_WRITE) else {
            shm_unlink(name)
            return nil
        }
        self.memory = memory
        write(memory)
    }

    /// Maps the object `name`, `size` bytes, read-only; nil on any failure.
    init?(opening name: String, size: Int) {
        let fd = shm_open(name, O_RDONLY, 0)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        guard let memory = Self.map(fd, size: size, protection: PROT_READ) else { return nil }
        self.memory = memory
    }

    private static func map(_ fd: Int32, size: Int, protection: Int32) -> UnsafeMutableRawBufferPointer? {
        let address = mmap(nil, size, protection, MAP_SHARED, fd, 0)
        guard let address, address != MAP_FAILED else { return nil }
        return UnsafeMutableRawBufferPointer(start: address, count: size)
    }

    deinit { munmap(memory.baseAddress, memory.count) }
}
