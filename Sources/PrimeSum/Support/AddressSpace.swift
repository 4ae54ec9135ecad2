#if canImport(Glibc)
import Glibc
#endif

/// Under an address-space limit (`ulimit -v`, as some clusters set), keeps glibc's malloc to one arena.
///
/// Every thread that allocates would otherwise reserve an arena of its own, 64 MiB of address space each
/// (MPI's helper threads included): under a limit of 100–200 MB those reservations take the room that the
/// tables and the worker threads' stacks need, and the job fails at a random allocation (a crash) instead of
/// answering or saying it could not start a thread. One arena costs nothing measurable here (the hot loops do
/// not allocate). Call before MPI or any thread starts. Without a limit, glibc keeps its default.
func shareOneMallocArenaUnderAddressSpaceLimit() {
    #if canImport(Glibc)
    var limit = rlimit()
    guard getrlimit(Int32(RLIMIT_AS.rawValue), &limit) == 0, limit.rlim_cur != rlim_t.max /* RLIM_INFINITY */ else { return }
    // mallopt(M_ARENA_MAX, 1): <malloc.h> is not in Swift's Glibc module, so found by name.
    typealias MallOpt = @convention(c) (Int32, Int32) -> Int32
    let arenaMax: Int32 = -8  // M_ARENA_MAX
    guard let mallopt = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return }  // RTLD_DEFAULT
    _ = unsafeBitCast(mallopt, to: MallOpt.self)(arenaMax, 1)
    #endif
}
