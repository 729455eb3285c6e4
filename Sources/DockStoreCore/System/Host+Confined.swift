#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CLinuxShim

/// Opening host paths confined to --root: the kernel resolves them inside it.
extension Host {
    /// open(2) of a host path with openat2's `RESOLVE_IN_ROOT` below `root`: symlinks (absolute
    /// ones too) and `..` cannot lead out of the root, whatever changes in the tree meanwhile.
    /// `O_NOFOLLOW` refuses a symlink at the last component (ELOOP) as open(2) does. With
    /// root `/` a plain open. On kernels without openat2 (before 5.6: SLES 15 SP2/SP3 run 5.3)
    /// or where a seccomp filter hides it (ENOSYS), `ConfinedPath.open(below:_:_:mode:)` walks
    /// the path one component at a time below the root's descriptor, with the same outcome.
    func openInRoot(_ path: HostPath, _ flags: Int32, mode: mode_t = 0) -> SyscallOutcome<Int32> {
        if isRunningSystem { return Syscall.attempt { open(path.string, flags | O_CLOEXEC, mode) } }
        let rootFD = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard rootFD >= 0 else { return .failure(errno) }
        defer { close(rootFD) }
        let relative = path.isRoot ? "." : String(path.string.dropFirst())
        switch Syscall.attempt({ ds_open_in_root(rootFD, relative, flags | O_CLOEXEC, UInt32(mode)) }) {
        case .failure(let code) where code == ENOSYS:
            return ConfinedPath.open(below: rootFD, path, flags, mode: mode)
        case let outcome:
            return outcome
        }
    }

    /// A descriptor of the folder at `path` for the at-calls (openat, mkdirat, unlinkat, fsync),
    /// resolved inside the root; a symlink at its last component is followed inside the root.
    func openFolderInRoot(_ path: HostPath) throws -> Int32 {
        switch openInRoot(path, O_RDONLY | O_DIRECTORY) {
        case .success(let fd): return fd
        case .failure(let code): throw DockStoreError.system("cannot open the folder", real(path), errno: code)
        }
    }

    /// A descriptor of the mountpoint folder at `path`, resolved inside the root, never through a
    /// link at its last component (a link there is refused, not followed): what a mount onto it
    /// lands on is this folder, whatever is renamed or swapped in the tree afterwards.
    private func openMountpoint(_ path: HostPath) throws -> Int32 {
        switch openInRoot(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW) {
        case .success(let fd): return fd
        case .failure(let code) where code == ELOOP || code == ENOTDIR:
            throw DockStoreError.refused("\(real(path)) is no longer a folder (a link or a file took its place while dockstore was mounting the store there); nothing was mounted: put the folder back and re-run")
        case .failure(let code): throw DockStoreError.system("cannot open the mountpoint", real(path), errno: code)
        }
    }

    /// Mounts `source` on the mountpoint folder at `path` inside the root, through a descriptor of
    /// that folder (`Mounter.mount(source:onto:…)`), never through the path string.
    func mount(source: String, at path: HostPath, fstype: String, options: String) throws {
        let folder = try openMountpoint(path)
        defer { close(folder) }
        try Mounter.mount(source: source, onto: folder, shownAs: real(path), fstype: fstype, options: options)
    }

    /// Removes the file at `path` inside the root (a symlink there is removed, not followed;
    /// nothing there is fine), and flushes its folder so that the removal survives a power cut.
    func removeFile(_ path: HostPath) throws {
        let dir: Int32
        switch openInRoot(path.parent, O_RDONLY | O_DIRECTORY) {
        case .success(let fd): dir = fd
        case .failure(let code) where code == ENOENT: return
        case .failure(let code): throw DockStoreError.system("cannot open the folder", real(path.parent), errno: code)
        }
        defer { close(dir) }
        switch Syscall.attempt({ unlinkat(dir, path.lastComponent, 0) }) {
        case .success: break
        case .failure(let code) where code == ENOENT: return
        case .failure(let code): throw DockStoreError.system("cannot remove", real(path), errno: code)
        }
        try Syscall.check("cannot flush", real(path.parent)) { fsync(dir) }
    }
}
