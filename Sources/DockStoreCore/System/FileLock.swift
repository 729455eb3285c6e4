#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The process-wide lock (`/run/dockstore.lock` under --root, opened inside it, flock) that keeps two
/// changing runs from interleaving. It is released when the process exits, however it exits.
/// The file is never removed once made: a run that finds it open by name holds the same inode as
/// every other run (the file is looked at again after the flock, in case it was replaced).
public final class FileLock {
    private let fd: Int32
    public let path: String

    /// How the lock file is opened.
    public enum Opening: Sendable, Equatable {
        /// Created (with its folder) when missing.
        case createIfMissing
        /// Only a lock file that exists; `Unopened` when there is none, and nothing is created.
        case existing
        /// Only a lock file this call creates (O_EXCL) and locks at once; `Unopened` when one
        /// exists or another run locked the new file first.
        case new
    }

    /// What the initializer throws when `.existing` finds no lock file, or `.new` finds one.
    public struct Unopened: Error {}

    /// Takes the lock, waiting up to `timeout` seconds for another run to finish;
    /// `waiting` is called once when the lock is held by someone else and there is time to
    /// wait (never for a timeout of 0, whose refusal is the one line said).
    public init(path lockPath: HostPath, on host: Host, timeout: Double, opening: Opening = .createIfMissing,
                waiting: (String) -> Void) throws {
        path = host.real(lockPath)
        if opening != .existing { try host.makeFolders(lockPath.parent) }
        fd = try Self.acquire(lockPath, on: host, path: path, opening: opening, timeout: timeout, waiting: waiting)
    }

    /// Whether the lock file exists (looked at inside --root, creating nothing).
    public static func exists(_ lockPath: HostPath, on host: Host) throws -> Bool {
        try host.statusInRoot(lockPath) != nil
    }

    private static func acquire(_ lockPath: HostPath, on host: Host, path: String, opening: Opening,
                                timeout: Double, waiting: (String) -> Void) throws -> Int32 {
        var announced = false
        var waited = 0.0
        while true {
            let flags = O_RDWR | O_NOFOLLOW | (opening == .existing ? 0 : O_CREAT) | (opening == .new ? O_EXCL : 0)
            let fd: Int32
            switch try host.openInRoot(lockPath, flags, mode: 0o600) {
            case .success(let opened): fd = opened
            case .failure(let code) where ((code == ENOENT || code == ENOTDIR) && opening == .existing) || (code == EEXIST && opening == .new):
                throw Unopened()
            // A read-only or immutable run/ (or lock file) is a state to fix, not a failure
            // half-way: nothing has changed yet, the lock comes first.
            case .failure(let code) where code == EROFS || code == EACCES || code == EPERM:
                let folder = AtomicFile.parentFolder(of: path)
                throw DockStoreError.refused("cannot open the lock file \(path): \(Errno.text(code)) (\(folder) is read-only or immutable, or the file is); dockstore takes this lock before it changes anything: make \(folder) writable (mount -o remount,rw, or chattr -i) and run again; nothing was changed")
            // Something dockstore did not make is at the lock's name (attack 47 Q 11).
            case .failure(let code) where code == ELOOP || code == EISDIR || code == ENXIO || code == ENODEV:
                let what = code == ELOOP ? "a symbolic link" : code == EISDIR ? "a folder" : "a device or socket"
                throw DockStoreError.refused("the lock file \(path) is \(what), not a file dockstore made: dockstore takes this lock before it changes anything; look at it (ls -l \(path.shellWord)), remove it if nothing of yours needs it (rm, or rmdir for a folder) and run again; nothing was changed")
            case .failure(let code): throw DockStoreError.system("cannot open the lock file", path, errno: code)
            }
            while true {
                if flock(fd, LOCK_EX | LOCK_NB) == 0 {
                    // Held: still the file at that name? (one put in its place meanwhile is another lock)
                    var st = stat()
                    let named: FileStatus?
                    do { named = try FileStatus.of(path) } catch { close(fd); throw error }
                    guard fstat(fd, &st) == 0, let named,
                          named.device == UInt64(st.st_dev), named.inode == UInt64(st.st_ino) else {
                        close(fd)
                        if opening == .new { throw Unopened() }
                        break
                    }
                    return fd
                }
                let code = errno
                if code == EINTR { continue }
                guard code == EWOULDBLOCK else {
                    close(fd)
                    throw DockStoreError.system("cannot lock", path, errno: code)
                }
                if opening == .new {
                    close(fd)
                    throw Unopened()
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
    }

    deinit { close(fd) }
}
