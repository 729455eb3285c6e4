#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Calls on a path name (not confined to --root: `Host` has those), each failing with a
/// `DockStoreError` that carries the operation, the path and the errno.
enum PathCalls {
    /// realpath(3): the path with every symlink and `..` resolved, or the errno.
    static func realPath(_ path: String) -> SyscallOutcome<String> {
        guard let resolved = realpath(path, nil) else { return .failure(errno) }
        defer { free(resolved) }
        return .success(String(cString: resolved))
    }

    /// fnmatch(3) as glob(3) matches a file name: a leading `.` only by a `.` (FNM_PERIOD).
    static func nameMatches(_ pattern: String, _ name: String) -> Bool {
        fnmatch(pattern, name, FNM_PERIOD) == 0
    }

    /// Whether something is at `path`, a symlink followed (access(2) F_OK).
    static func exists(_ path: String) -> Bool {
        access(path, F_OK) == 0
    }

    /// unlink(2); nothing at `path` is done already when `missingIsDone`.
    static func remove(_ path: String, operation: String = "cannot remove", missingIsDone: Bool = false) throws {
        switch Syscall.attempt({ unlink(path) }) {
        case .success: break
        case .failure(let code) where code == ENOENT && missingIsDone: break
        case .failure(let code): throw DockStoreError.system(operation, path, errno: code)
        }
    }

    /// mkdir(2) of one folder; false when something is at `path` already (EEXIST), which the
    /// caller looks at.
    @discardableResult
    static func makeFolder(_ path: String, mode: UInt32 = 0o755) throws -> Bool {
        switch Syscall.attempt({ mkdir(path, mode_t(mode)) }) {
        case .success:
            // The mode asked for, whatever the caller's umask (attack 14, Y-PERM-1).
            close(try Host.openMadeFolder(in: AT_FDCWD, path, mode: mode_t(mode), shown: path))
            return true
        case .failure(let code) where code == EEXIST: return false
        case .failure(let code): throw DockStoreError.system("cannot create the folder", path, errno: code)
        }
    }
}
