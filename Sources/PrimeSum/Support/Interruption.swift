import MPI
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The signals that ask a checkpointed job to stop early and resumably: SIGTERM (a scheduler or `kill`),
/// SIGINT (Ctrl-C), SIGQUIT (Ctrl-\\) and SIGUSR1 (what Slurm sends before a time limit with `--signal`, and
/// what `mpirun` forwards to the ranks).
///
/// The handler only records the signal; the thread that owns MPI looks at ``received`` between its
/// messages, so nothing but an atomic store happens inside the handler.
public enum Interruption {
    private static let signalNumber = Atomic<Int32>(0)

    /// The signals handled once ``install()`` ran.
    public static let signals: [Int32] = [SIGTERM, SIGINT, SIGUSR1, SIGQUIT]

    /// Replaces the default action (ending the process at once) of ``signals`` with recording them.
    /// They are also unblocked in the calling thread (and the threads it starts later), in case the launcher
    /// passed on a mask that blocks them.
    public static func install() {
        var set = sigset_t()
        sigemptyset(&set)
        for signalToHandle in signals {
            signal(signalToHandle) { Interruption.signalNumber.store($0, ordering: .relaxed) }
            sigaddset(&set, signalToHandle)
        }
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
    }

    /// Gives SIGQUIT its default action back (end the process): the Swift runtime's backtracer takes it over
    /// at start-up, prints a backtrace of every thread, and leaves the rank hung in the middle of the job.
    public static func letQuitEndTheProcess() {
        signal(SIGQUIT, SIG_DFL)
    }

    /// The last signal received, if any.
    public static var received: Int32? {
        let number = signalNumber.load(ordering: .relaxed)
        return number == 0 ? nil : number
    }

    /// The usual name of a handled signal.
    public static func name(of number: Int32) -> String {
        switch number {
        case SIGTERM: "SIGTERM"
        case SIGINT: "SIGINT"
        case SIGUSR1: "SIGUSR1"
        case SIGQUIT: "SIGQUIT"
        default: "signal \(number)"
        }
    }
}
