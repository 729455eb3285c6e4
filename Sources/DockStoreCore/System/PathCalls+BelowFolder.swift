#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

extension PathCalls {
    /// Removes the regular file `name` in the folder reached from `base` through `folders`, each
    /// opened with O_NOFOLLOW below the one before and required to be a folder on `device` (the
    /// store's filesystem): a link or another filesystem anywhere on the way, or something other
    /// than a regular file at `name`, keeps everything and says why. Nothing there is done.
    /// Returns nil when removed or absent, else why it was kept.
    static func removeRegularFile(_ name: String, below base: String, through folders: [String], onDevice device: UInt64) throws -> String? {
        var fd = open(base, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw DockStoreError.system("cannot open the folder", base, errno: errno) }
        var path = base
        defer { close(fd) }
        for folder in folders + [""] {
            var st = stat()
            guard fstat(fd, &st) == 0 else { throw DockStoreError.system("cannot read", path, errno: errno) }
            guard UInt64(st.st_dev) == device else {
                return "\(path) is on another filesystem than the store (something is mounted there); unmount it"
            }
            if folder.isEmpty { break }
            let next = openat(fd, folder, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            let code = errno
            path += "/" + folder
            if next < 0 {
                if code == ENOENT { return nil }
                if code == ELOOP || code == ENOTDIR { return "\(path) is not the folder Docker keeps there (a link or a file); put the real folder back" }
                throw DockStoreError.system("cannot open the folder", path, errno: code)
            }
            close(fd)
            fd = next
        }
        var st = stat()
        switch Syscall.attempt({ fstatat(fd, name, &st, AT_SYMLINK_NOFOLLOW) }) {
        case .success: break
        case .failure(let code) where code == ENOENT: return nil
        case .failure(let code): throw DockStoreError.system("cannot read", path + "/" + name, errno: code)
        }
        guard (st.st_mode & S_IFMT) == S_IFREG else { return "\(path)/\(name) is not a regular file; it is left as it is" }
        switch Syscall.attempt({ unlinkat(fd, name, 0) }) {
        case .success: return nil
        case .failure(let code) where code == ENOENT: return nil
        case .failure(let code): throw DockStoreError.system("cannot remove", path + "/" + name, errno: code)
        }
    }
}
