import CLinuxShim
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The chattr attributes that make even root's changes fail with "Operation not
/// permitted": immutable (+i: no write, rename or delete) and append-only (+a). Read so a
/// refusal can say why and what to do instead of a bare EPERM.
public enum InodeRestriction: String, Sendable {
    case immutable = "immutable (chattr +i)"
    case appendOnly = "append-only (chattr +a)"

    /// The restriction on `path` (never following a symlink), or nil when it has none, does
    /// not exist, or lives on a filesystem without these attributes (tmpfs before 6.0,
    /// procfs): there nothing can be restricted by them.
    public static func of(_ path: String) throws -> InodeRestriction? {
        let fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)
        if fd < 0 {
            let code = errno
            if code == ENOENT || code == ELOOP { return nil }
            // Not `.system`: for EPERM it asks `explain`, which asks this again, without end.
            throw DockStoreError(.failed, "cannot open \(path): \(Errno.text(code))", code: code)
        }
        defer { close(fd) }
        return try of(descriptor: fd, path: path)
    }

    /// The restriction on the open file `fd` (`path` names it in an error).
    static func of(descriptor fd: Int32, path: String) throws -> InodeRestriction? {
        var immutable: Int32 = 0, appendOnly: Int32 = 0
        switch Syscall.attempt({ ds_inode_restrictions(fd, &immutable, &appendOnly) }) {
        case .success: break
        case .failure(let code) where code == ENOTTY || code == EOPNOTSUPP || code == EINVAL: return nil
        case .failure(let code): throw DockStoreError(.failed, "cannot read the attributes of \(path): \(Errno.text(code))", code: code)
        }
        if immutable != 0 { return .immutable }
        return appendOnly != 0 ? .appendOnly : nil
    }

    /// Why changing `path` fails for root: the restriction on it or on its folder, said as
    /// "<path> is immutable (chattr +i): remove it with chattr -i <path>"; nil when neither
    /// has one (or they cannot be read: the caller's own message stands then).
    public static func explain(_ path: String) -> String? {
        let folder = AtomicFile.parentFolder(of: path)
        for candidate in [path, folder] {
            // Only an explanation added to an error already thrown; unreadable adds none.
            guard let restriction = (try? of(candidate)) ?? nil else { continue }
            let flag = restriction == .immutable ? "-i" : "-a"
            return "\(candidate) is \(restriction.rawValue): remove that with chattr \(flag) \(candidate) if the change is wanted, and re-run"
        }
        return nil
    }
}
