import CMPI

/// An ordered set of processes (`MPI_Group`), to build communicators of some of them without a collective
/// call of all (`MPI_Comm_create_group`) and to translate ranks between communicators. Freed when the last
/// reference goes.
public final class Group: @unchecked Sendable {
    @usableFromInline let handle: MPI_Group

    init(owning handle: MPI_Group) { self.handle = handle }

    deinit {
        if handle != cmpi_group_empty() && !Environment.isFinalized { freeGroup(handle) }
    }

    /// The C handle (`MPI_Group`), for calls the wrapper lacks.
    public var rawHandle: MPI_Group { handle }

    /// The number of processes in the group (`MPI_Group_size`).
    public var size: Int {
        var size: Int32 = 0
        MPI_Group_size(handle, &size)
        return Int(size)
    }

    /// The calling process's rank in the group, nil if it is not in it (`MPI_Group_rank`).
    public var rank: Int? {
        var rank: Int32 = 0
        MPI_Group_rank(handle, &rank)
        return rank == MPI_UNDEFINED ? nil : Int(rank)
    }

    /// The group of the processes at `ranks`, in that order (`MPI_Group_incl`).
    public func including(_ ranks: [Int]) throws(MPIError) -> Group {
        var chosen = ranks.map { Int32($0) }
        var out = cmpi_group_null()
        try check(MPI_Group_incl(handle, Int32(chosen.count), &chosen, &out), "MPI_Group_incl")
        return Group(owning: unwrapped(out))
    }

    /// The group without the processes at `ranks` (`MPI_Group_excl`).
    public func excluding(_ ranks: [Int]) throws(MPIError) -> Group {
        var left = ranks.map { Int32($0) }
        var out = cmpi_group_null()
        try check(MPI_Group_excl(handle, Int32(left.count), &left, &out), "MPI_Group_excl")
        return Group(owning: unwrapped(out))
    }

    /// This group's processes, then `other`'s that are not in it (`MPI_Group_union`).
    public func union(_ other: Group) throws(MPIError) -> Group {
        var out = cmpi_group_null()
        try check(MPI_Group_union(handle, other.handle, &out), "MPI_Group_union")
        return Group(owning: unwrapped(out))
    }

    /// The ranks in `other` of this group's processes at `ranks`: nil where a process is not in `other`
    /// (`MPI_Group_translate_ranks`).
    public func translate(_ ranks: [Int], to other: Group) throws(MPIError) -> [Int?] {
        var from = ranks.map { Int32($0) }
        var to = [Int32](repeating: 0, count: ranks.count)
        try check(MPI_Group_translate_ranks(handle, Int32(ranks.count), &from, other.handle, &to), "MPI_Group_translate_ranks")
        return to.map { $0 == MPI_UNDEFINED ? nil : Int($0) }
    }
}

extension Communicator {
    /// The group of this communicator's processes (`MPI_Comm_group`).
    public func group() throws(MPIError) -> Group {
        var out = cmpi_group_null()
        try check(MPI_Comm_group(handle, &out), "MPI_Comm_group")
        return Group(owning: unwrapped(out))
    }

    /// A communicator of the processes of `group`, made by those processes alone (`MPI_Comm_create_group`:
    /// the others need not take part). Call it on every process of `group` with the same `tag`.
    public func creatingCommunicator(of group: Group, tag: Int32 = 0) throws(MPIError) -> Communicator {
        var newHandle = cmpi_comm_null()
        try check(MPI_Comm_create_group(handle, group.handle, tag, &newHandle), "MPI_Comm_create_group")
        return try Communicator(owning: unwrapped(newHandle))
    }

    /// The processes that share memory with this one — those of its node — as a communicator, ranked by `key`
    /// then by rank here (`MPI_Comm_split_type(MPI_COMM_TYPE_SHARED)`): one per node, for node-local work.
    public func splitByNode(key: Int32 = 0) throws(MPIError) -> Communicator {
        var newHandle = cmpi_comm_null()
        try check(MPI_Comm_split_type(handle, cmpi_comm_type_shared(), key, cmpi_info_null(), &newHandle), "MPI_Comm_split_type")
        return try Communicator(owning: unwrapped(newHandle))
    }
}
