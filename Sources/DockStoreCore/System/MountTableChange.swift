#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Whether this mount namespace's mount table changed since the watch began: the kernel
/// flags an open /proc/self/mountinfo with POLLPRI once any mount or unmount happened after
/// the open (proc_mounts' poll), however fast it came and went.
final class MountTableChange {
    private let fd: Int32

    /// nil when /proc/self/mountinfo cannot be opened: no change can then be told.
    init?() {
        fd = open("/proc/self/mountinfo", O_RDONLY | O_CLOEXEC)
        if fd < 0 { return nil }
    }

    deinit { close(fd) }

    /// True once a mount or unmount happened since `init`; false when none did, or poll failed.
    var happened: Bool {
        var request = pollfd(fd: fd, events: Int16(POLLPRI), revents: 0)
        guard poll(&request, 1, 0) == 1 else { return false }
        return request.revents & Int16(POLLPRI | POLLERR) != 0
    }
}
