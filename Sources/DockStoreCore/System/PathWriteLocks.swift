import CLinuxShim
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// chattr's immutable and append-only attributes of a path (a link not followed), read with
/// statx(2) without opening it.
enum PathWriteLocks {
    /// nil when nothing is at `path`; fails with the errno kept in the error's `code` (EACCES
    /// for a user who may not look inside a folder on the way).
    static func read(_ path: String) throws -> (immutable: Bool, appendOnly: Bool)? {
        var immutable: Int32 = 0
        var appendOnly: Int32 = 0
        switch Syscall.attempt({ ds_statx_write_locks(path, &immutable, &appendOnly) }) {
        case .success: return (immutable != 0, appendOnly != 0)
        case .failure(let code) where code == ENOENT: return nil
        case .failure(let code): throw DockStoreError.system("cannot read the attributes (chattr's i and a) of", path, errno: code)
        }
    }
}
