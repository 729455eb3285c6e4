#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A flag one thread sets and another reads.
final class Flag: @unchecked Sendable {
    private var raised = false
    private let lock = NSLockLite()
    var value: Bool { lock.locked { raised } }
    func set() { lock.locked { raised = true } }
}

/// A pthread mutex, without Foundation.
final class NSLockLite: @unchecked Sendable {
    private var mutex = pthread_mutex_t()
    init() { pthread_mutex_init(&mutex, nil) }
    deinit { pthread_mutex_destroy(&mutex) }
    func locked<T>(_ body: () -> T) -> T {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        return body()
    }
}
