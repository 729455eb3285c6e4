import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// posix_spawn attributes for a child that starts as from a shell: every signal at its default
/// action and none blocked. The test process's own dispositions and mask (the test runner's,
/// Foundation's) are not the child's to inherit: a SIGTERM a test sends must end it.
func withDefaultSignals<R>(_ body: (inout posix_spawnattr_t) throws -> R) rethrows -> R {
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    var all = sigset_t()
    sigfillset(&all)
    sigdelset(&all, SIGKILL)
    sigdelset(&all, SIGSTOP)
    posix_spawnattr_setsigdefault(&attributes, &all)
    var none = sigset_t()
    sigemptyset(&none)
    posix_spawnattr_setsigmask(&attributes, &none)
    posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
    return try body(&attributes)
}
