#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The process-wide lock (`/run/dockstore.lock` under --root, opened inside it, flock) that keeps two
/// changing runs from interleaving. It is released when the process exits, however it exits.
public final class FileLock {
    private let fd: Int32
    public let path: String

    /// Takes the lock, waiting up to `timeout` seconds for another run to finish;
    /// `waiting` is called once when the lock is held by someone else and there is time to
    /// wait (never for a timeout of 0, whose refusal is the one line said).
    public init(path lockPath: HostPath, on host: Host, timeout: Double, waiting: (String) -> Void) throws {
        let path = host.real(lockPath)
        try host.makeFolders(lockPath.parent)
        switch try host.openInRoot(lockPath, O_RDWR | O_CREAT | O_NOFOLLOW, mode: 0o600) {
        case .success(let opened): fd = opened
        case .failure(let code): throw DockStoreError.system("cannot open the lock file", path, errno: code)
        }
        self.path = path
        var announced = false
        var waited = 0.0
        while true {
            if flock(fd, LOCK_EX | LOCK_NB) == 0 { return }
            let code = errno
            if code == EINTR { continue }
            guard code == EWOULDBLOCK else {
                close(fd)
                throw DockStoreError.system("cannot lock", path, errno: code)
            }
            if waited >= timeout {
                close(fd)
                throw DockStoreError(.busy, "another dockstore run holds \(path) and did not finish within \(Int(timeout)) s; try again when it has")
            }
            if !announced && timeout > 0 {
                waiting("waiting for another dockstore run to finish (it holds \(path))")
                announced = true
            }
            usleep(100_000)
            waited += 0.1
        }
    }

    deinit { close(fd) }
}
