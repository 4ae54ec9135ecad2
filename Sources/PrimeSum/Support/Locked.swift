#if canImport(Glibc)
import Glibc
#endif

/// A value shared between threads behind a pthread mutex.
///
/// Not `Synchronization.Mutex`: on Linux it locks inside the uninstrumented Swift runtime with raw futex calls,
/// which ThreadSanitizer cannot see, so every `--sanitize=thread` run reported races that are not there and
/// would have hidden real ones. pthread mutexes are what ThreadSanitizer understands.
final class Locked<Value>: @unchecked Sendable {
    private var value: Value
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>

    init(_ value: Value) {
        self.value = value
        mutex = .allocate(capacity: 1)
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    /// Runs `body` with the value, holding the lock.
    func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body(&value)
    }
}
