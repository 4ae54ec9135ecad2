import CMPI

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The thread support level of an MPI process (`MPI_THREAD_*`).
public enum ThreadLevel: Int32, Comparable, Sendable, CustomStringConvertible {
    /// Only one thread will execute (`MPI_THREAD_SINGLE`).
    case single
    /// Many threads, but only the one that initialised MPI calls it (`MPI_THREAD_FUNNELED`).
    case funneled
    /// Many threads call MPI, never two at once (`MPI_THREAD_SERIALIZED`).
    case serialized
    /// Many threads call MPI at once (`MPI_THREAD_MULTIPLE`).
    case multiple

    /// The C constant. (They import as `Int` in Open MPI and `Int32` in MPICH, hence the conversions.)
    var cValue: Int32 {
        switch self {
        case .single: Int32(MPI_THREAD_SINGLE)
        case .funneled: Int32(MPI_THREAD_FUNNELED)
        case .serialized: Int32(MPI_THREAD_SERIALIZED)
        case .multiple: Int32(MPI_THREAD_MULTIPLE)
        }
    }

    init(cValue: Int32) {
        switch cValue {
        case Int32(MPI_THREAD_MULTIPLE): self = .multiple
        case Int32(MPI_THREAD_SERIALIZED): self = .serialized
        case Int32(MPI_THREAD_FUNNELED): self = .funneled
        default: self = .single
        }
    }

    public static func < (a: ThreadLevel, b: ThreadLevel) -> Bool { a.rawValue < b.rawValue }

    public var description: String {
        switch self {
        case .single: "single"
        case .funneled: "funneled"
        case .serialized: "serialized"
        case .multiple: "multiple"
        }
    }
}

/// The MPI library, initialised: the one way into the wrapper.
///
/// Create it once per process with ``run(threadLevel:abortStatus:_:)``, which initialises MPI
/// (`MPI_Init_thread`), runs your code, and finalizes MPI (`MPI_Finalize`) exactly once if the code returns.
/// If the code throws, MPI is *not* finalized: the job is aborted with `MPI_Abort`, because a rank that
/// finalizes and exits while the others wait in a collective hangs the whole job.
public final class Environment {
    /// The thread level MPI provided, which may be lower than the one asked for.
    public let providedThreadLevel: ThreadLevel
    /// All the processes of the job (`MPI_COMM_WORLD`), returning errors instead of aborting.
    public let world: Communicator
    /// The calling process alone (`MPI_COMM_SELF`).
    public let selfCommunicator: Communicator

    private init(threadLevel: ThreadLevel) throws(MPIError) {
        var provided: Int32 = 0
        try check(MPI_Init_thread(nil, nil, threadLevel.cValue, &provided), "MPI_Init_thread")
        providedThreadLevel = ThreadLevel(cValue: provided)
        try Self.checkImplementation()
        world = Communicator(borrowing: cmpi_comm_world())
        selfCommunicator = Communicator(borrowing: cmpi_comm_self())
        try check(MPI_Comm_set_errhandler(world.handle, cmpi_errors_return()), "MPI_Comm_set_errhandler")
        try check(MPI_Comm_set_errhandler(selfCommunicator.handle, cmpi_errors_return()), "MPI_Comm_set_errhandler")
        try DerivedTypes.commit()
    }

    /// Checks that the MPI library running is the kind the wrapper was built for (its package's `SWIFT_MPI`):
    /// objects of a build folder reused across implementations fail here with a sentence, not later.
    private static func checkImplementation() throws(MPIError) {
        let running = libraryVersion
        #if MPICH
        let mismatch = running.contains("Open MPI") ? "MPICH" : nil
        #else
        let mismatch = running.contains("Open MPI") ? nil : "Open MPI"
        #endif
        if let built = mismatch {
            throw MPIError(.other, function: "MPI_Init_thread", reason: "built for \(built) but running with \(running): "
                           + "build each MPI in a folder of its own (SWIFT_MPI=mpich swift build --scratch-path .build-mpich)")
        }
    }

    /// Whether `MPI_Init` has been called in this process (`MPI_Initialized`).
    public static var isInitialized: Bool {
        var flag: Int32 = 0
        MPI_Initialized(&flag)
        return flag != 0
    }

    /// Whether `MPI_Finalize` has been called in this process (`MPI_Finalized`).
    public static var isFinalized: Bool {
        var flag: Int32 = 0
        MPI_Finalized(&flag)
        return flag != 0
    }

    /// The world rank the launcher gave this process, read from its environment without starting MPI:
    /// Open MPI's `OMPI_COMM_WORLD_RANK`, PMIx's `PMIX_RANK`, MPICH Hydra's `PMI_RANK`, Slurm's `SLURM_PROCID`,
    /// the first set; nil when none is (a process started without a launcher is a world of one).
    ///
    /// For what a program decides before it needs MPI — `--help` or a usage error printed by rank 0 alone, and
    /// every process exiting with the same status without ever calling `MPI_Init` — at no start-up cost and
    /// with no MPI to go wrong. Once MPI runs, a communicator's `rank` is the authority.
    public static var launcherRank: Int? {
        for name in ["OMPI_COMM_WORLD_RANK", "PMIX_RANK", "PMI_RANK", "SLURM_PROCID"] {
            if let value = getenv(name), let rank = Int(String(cString: value)), rank >= 0 { return rank }
        }
        return nil
    }

    /// Seconds since an arbitrary time in the past, on a clock of resolution ``wallTickSeconds`` (`MPI_Wtime`).
    public static func wallTime() -> Double { MPI_Wtime() }

    /// The MPI library's own description of itself (`MPI_Get_library_version`; callable before `MPI_Init`),
    /// such as "Open MPI v4.1.4, package: Debian OpenMPI, …", cut to its first line.
    public static var libraryVersion: String {
        var buffer = [CChar](repeating: 0, count: Int(MPI_MAX_LIBRARY_VERSION_STRING) + 1)
        var length: Int32 = 0
        guard MPI_Get_library_version(&buffer, &length) == MPI_SUCCESS else { return "unknown" }
        let text = String(decoding: buffer.prefix(Int(length)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return String(text.split(whereSeparator: \.isNewline).first ?? "unknown")
    }

    /// The resolution of ``wallTime()`` in seconds (`MPI_Wtick`).
    public static var wallTickSeconds: Double { MPI_Wtick() }

    // Predefined attributes of the run (cached on `MPI_COMM_WORLD`). User-keyed attributes are reachable
    // through a communicator's `rawHandle`; Swift state is better kept in Swift.

    /// The largest tag this MPI accepts (`MPI_TAG_UB`: at least 32767, often far more).
    public static var tagUpperBound: Int { Int(worldAttribute(Int32(MPI_TAG_UB)) ?? 32767) }

    /// Whether ``wallTime()`` is synchronised across all processes (`MPI_WTIME_IS_GLOBAL`).
    public static var wallTimeIsGlobal: Bool { (worldAttribute(Int32(MPI_WTIME_IS_GLOBAL)) ?? 0) != 0 }

    /// How many processes the launcher could run in all (`MPI_UNIVERSE_SIZE`), when it says.
    public static var universeSize: Int? { worldAttribute(Int32(MPI_UNIVERSE_SIZE)).map(Int.init) }

    /// The integer value of a predefined attribute (`MPI_Comm_get_attr`), nil when this MPI does not set it.
    static func worldAttribute(_ key: Int32) -> Int32? {
        var value: UnsafeMutableRawPointer? = nil
        var flag: Int32 = 0
        guard MPI_Comm_get_attr(cmpi_comm_world(), key, &value, &flag) == MPI_SUCCESS, flag != 0, let value else { return nil }
        return value.load(as: Int32.self)
    }

    /// Runs `body` between `MPI_Init_thread` and `MPI_Finalize`.
    ///
    /// - If `body` returns, every rank meets the others in a barrier (so that no rank tears its transports down
    ///   while a peer still reads its last messages), then `MPI_Finalize`, and `run` returns `body`'s result.
    /// - If `body` throws, the error's description goes to standard error (prefixed with the rank) and the
    ///   whole job ends with `MPI_Abort(MPI_COMM_WORLD, abortStatus)`, which `mpirun` reports as its exit status.
    ///   An error that conforms to ``AbortStatusProviding`` chooses its own status.
    /// - Parameters:
    ///   - threadLevel: the thread support to ask for; ``Environment/providedThreadLevel`` tells what MPI gave.
    ///   - abortStatus: the exit status of the job when `body` throws an error that names none.
    ///   - body: the program, given the environment (``Environment/world`` and the thread level).
    public static func run<Result>(
        threadLevel: ThreadLevel = .funneled,
        abortStatus: Int32 = defaultAbortStatus,
        _ body: (Environment) throws -> Result
    ) -> Result {
        let environment: Environment
        if isInitialized {
            let reason = isFinalized ? "MPI was finalized; it cannot be initialised again in this process"
                : "Environment.run is already running: MPI is initialised once per process, so run cannot be nested"
            abortJob(MPIError(.other, function: "MPI_Init_thread", reason: reason), status: abortStatus)
        }
        do {
            environment = try Environment(threadLevel: threadLevel)
        } catch {
            abortJob(error, status: abortStatus)
        }
        do {
            let result = try body(environment)
            // Every process's last messages are delivered before any tears its transports down: without this
            // barrier Open MPI 4.1 can crash in MPI_Finalize or at exit when a rank finalizes while a peer still
            // reads its last collective (seen: 1 usage-error run in ~1,000 segfaulted; open-mpi/ompi#10313).
            try check(MPI_Barrier(environment.world.handle), "MPI_Barrier")
            DerivedTypes.free()
            let code = MPI_Finalize()
            if code != MPI_SUCCESS { abortJob(MPIError(code: code, function: "MPI_Finalize"), status: abortStatus) }
            return result
        } catch {
            abortJob(error, status: abortStatus)
        }
    }

    /// The exit status of a job ended by an unhandled error that names none: 76 (`EX_PROTOCOL`).
    public static let defaultAbortStatus: Int32 = 76

    /// Writes `error` to standard error and ends every process of the job (`MPI_Abort` on `MPI_COMM_WORLD`).
    public static func abortJob(_ error: any Error, status: Int32) -> Never {
        let status = (error as? any AbortStatusProviding)?.abortStatus ?? status
        var rank: Int32 = -1
        if isInitialized && !isFinalized { MPI_Comm_rank(cmpi_comm_world(), &rank) }
        let prefix = rank >= 0 ? "rank \(rank): " : ""
        writeToStandardError("\(prefix)\(error)\n")
        abort(status: status)
    }

    /// Ends every process of the job with exit status `status` (`MPI_Abort` on `MPI_COMM_WORLD`), or, before
    /// `MPI_Init` or after `MPI_Finalize`, ends this process alone.
    ///
    /// Before aborting it pauses for 0.3 s: the launcher forwards what the ranks wrote to
    /// standard error through its own pipes, and MPICH's Hydra tears those down on `MPI_Abort` without
    /// draining them — in about 1 run in 20 the job ended with every line of its stderr lost, the reason for
    /// the abort included. The pause lets the launcher forward the message first; a dying job can afford it.
    public static func abort(status: Int32) -> Never {
        if isInitialized && !isFinalized {
            var pause = timespec(tv_sec: 0, tv_nsec: abortForwardingPause), remaining = timespec()
            while nanosleep(&pause, &remaining) != 0 && errno == EINTR { pause = remaining }
            MPI_Abort(cmpi_comm_world(), status)
        }
        exit(status)
    }

    /// How long ``abort(status:)`` waits, in nanoseconds, for the launcher to forward standard error before
    /// `MPI_Abort` (0.3 s: no loss in 200 aborts under MPICH; see ``abort(status:)``).
    static let abortForwardingPause = 300_000_000
}

/// An error that chooses the exit status of the job it aborts.
public protocol AbortStatusProviding: Error {
    /// The exit status `MPI_Abort` should give the job.
    var abortStatus: Int32 { get }
}

/// Writes `text` to standard error in one `write`: under some launchers (MPICH's) a Swift `print` is several
/// writes, and the lines of different ranks interleave mid-line.
public func writeToStandardError(_ text: String) { writeAll(text, to: 2) }

/// Writes `text` to standard output in one `write` (see ``writeToStandardError(_:)``).
public func writeToStandardOutput(_ text: String) { writeAll(text, to: 1) }

private func writeAll(_ text: String, to fileDescriptor: Int32) {
    var text = text
    text.withUTF8 { bytes in
        var offset = 0
        while offset < bytes.count {
            let written = write(fileDescriptor, bytes.baseAddress! + offset, bytes.count - offset)
            if written <= 0 { return }
            offset += written
        }
    }
}
