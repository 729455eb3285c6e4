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
    ///
    /// What only confinement refuses is thrown, the same both ways (`confinementRefusal`): a path
    /// that crosses a /proc magic link, one with more than 40 links on the way, one whose
    /// resolution the kernel saw leave the root. The codes the caller knows how to explain —
    /// ENOENT, ENOTDIR, ELOOP for a link at the last component, EACCES — are returned.
    func openInRoot(_ path: HostPath, _ flags: Int32, mode: mode_t = 0) throws -> SyscallOutcome<Int32> {
        if isRunningSystem { return Syscall.attempt { open(path.string, flags | O_CLOEXEC, mode) } }
        let rootFD = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard rootFD >= 0 else { return .failure(errno) }
        defer { close(rootFD) }
        let relative = path.isRoot ? "." : String(path.string.dropFirst())
        var outcome: SyscallOutcome<Int32> = .failure(EAGAIN)
        // openat2(2): EAGAIN when a rename or mount raced a `..` in RESOLVE_IN_ROOT; try again.
        for _ in 0..<16 {
            outcome = Syscall.attempt { ds_open_in_root(rootFD, relative, flags | O_CLOEXEC, UInt32(mode)) }
            guard case .failure(EAGAIN) = outcome else { break }
        }
        if case .failure(ENOSYS) = outcome {
            outcome = ConfinedPath.open(below: rootFD, path, flags, mode: mode)
        }
        if case .failure(let code) = outcome, let refusal = confinementRefusal(path, flags, code, rootFD: rootFD) {
            throw refusal
        }
        return outcome
    }

    /// Why a confined open that failed with `code` was refused, when confinement is the reason:
    /// the walk is run again with a `ConfinedWalkTrace` to find the link that stopped it. Nil for
    /// the codes the caller explains itself.
    func confinementRefusal(_ path: HostPath, _ flags: Int32, _ code: Int32, rootFD: Int32) -> DockStoreError? {
        let given = ShownBytes.text(root + path.string)
        func inRoot(_ components: [[UInt8]]) -> String {
            ShownBytes.text(Array((root + "/").utf8) + Array(components.joined(separator: [0x2F])))
        }
        switch code {
        // EACCES too: the kernel checks access to a process's magic links (ptrace rules)
        // before RESOLVE_NO_MAGICLINKS refuses them.
        case ELOOP, EACCES:
            // The same walk, looking only (O_PATH: nothing is created, truncated or opened for
            // writing), a link at the last component followed or not as the open did.
            let keepsLastLink = (flags & O_NOFOLLOW) != 0 || (flags & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL)
            let looking = ds_o_path() | (flags & O_DIRECTORY) | (keepsLastLink ? O_NOFOLLOW : 0)
            let trace = ConfinedWalkTrace()
            if case .success(let fd) = ConfinedPath.open(below: rootFD, path, looking, mode: 0, trace: trace) { close(fd) }
            switch trace.stop {
            case .magicLink(let at, let target, let via)?:
                let shown = "/" + ShownBytes.text(Array(at.joined(separator: [0x2F])))
                let through = via.map { " (reached through the link \(inRoot($0)))" } ?? ""
                let points = target.isEmpty ? "" : ", which points to \(ShownBytes.text(target)) on this machine"
                let fix = via.map { "replace the link \(inRoot($0)) with a folder or a link inside the root" } ?? "give a path that does not go through /proc"
                return .refused("\(given) crosses the /proc magic link \(shown)\(through)\(points): dockstore resolves paths only inside --root \(ShownBytes.text(root)), and a magic link leads out of it; \(fix), and re-run")
            case .tooManyLinks(let at)?:
                return .refused("\(given): more than \(ConfinedPath.maxSymlinks) symbolic links on the way, the last at \(inRoot(at)) (a link loop?); fix the links so that the path leads to a folder or file inside --root \(ShownBytes.text(root)), and re-run")
            case nil:
                return nil
            }
        case EXDEV, EAGAIN:
            return .refused("\(given): its resolution left --root \(ShownBytes.text(root)) (the tree was changed while dockstore resolved it: a `..` raced a rename or a mount); nothing was done through it; re-run when the tree is settled")
        default:
            return nil
        }
    }

    /// A descriptor of the folder at `path` for the at-calls (openat, mkdirat, unlinkat, fsync),
    /// resolved inside the root; a symlink at its last component is followed inside the root.
    func openFolderInRoot(_ path: HostPath) throws -> Int32 {
        switch try openInRoot(path, O_RDONLY | O_DIRECTORY) {
        case .success(let fd): return fd
        case .failure(let code): throw DockStoreError.system("cannot open the folder", real(path), errno: code)
        }
    }

    /// A descriptor of the mountpoint folder at `path`, resolved inside the root, never through a
    /// link at its last component (a link there is refused, not followed): what a mount onto it
    /// lands on is this folder, whatever is renamed or swapped in the tree afterwards.
    private func openMountpoint(_ path: HostPath) throws -> Int32 {
        switch try openInRoot(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW) {
        case .success(let fd): return fd
        case .failure(let code) where code == ELOOP || code == ENOTDIR:
            throw DockStoreError.refused("\(real(path)) is no longer a folder (a link or a file took its place while dockstore was mounting the store there); nothing was mounted: put the folder back and re-run")
        case .failure(let code): throw DockStoreError.system("cannot open the mountpoint", real(path), errno: code)
        }
    }

    /// Mounts `source` on the mountpoint folder at `path` inside the root, through a descriptor of
    /// that folder (`Mounter.mount(source:onto:…)`), never through the path string.
    func mount(source: String, at path: HostPath, fstype: String, options: String, explainMissingMember: Bool = true) throws {
        let folder = try openMountpoint(path)
        defer { close(folder) }
        try Mounter.mount(source: source, onto: folder, shownAs: real(path), fstype: fstype, options: options,
                          explainMissingMember: explainMissingMember)
    }

    /// Removes the file at `path` inside the root (a symlink there is removed, not followed;
    /// nothing there is fine), and flushes its folder so that the removal survives a power cut.
    /// Removes `path.dockstore.bak`, the backup dockstore's rewrites of `path` keep, when it is a
    /// regular file: with a file dockstore created and now removes, its backup goes too, so the
    /// folder provision made can go (attack 14, Y-TD-1). Anything else there stays.
    func removeBackup(of path: HostPath) throws {
        let backup = path.parent.appending(path.lastComponent + ".dockstore.bak")
        guard try FileStatus.of(real(backup))?.kind == .regular else { return }
        try removeFile(backup)
    }

    func removeFile(_ path: HostPath) throws {
        guard let dir = try openParentInRoot(path) else { return }
        defer { close(dir) }
        switch Syscall.attempt({ unlinkat(dir, path.lastComponent, 0) }) {
        case .success: break
        case .failure(let code) where code == ENOENT: return
        case .failure(let code): throw DockStoreError.system("cannot remove", real(path), errno: code)
        }
        try Syscall.check("cannot flush", real(path.parent)) { fsync(dir) }
    }

    /// A descriptor of the folder holding `path`, opened inside the root; nil when that folder
    /// does not exist (nothing to remove there).
    func openParentInRoot(_ path: HostPath) throws -> Int32? {
        switch try openInRoot(path.parent, O_RDONLY | O_DIRECTORY) {
        case .success(let fd): return fd
        case .failure(let code) where code == ENOENT: return nil
        case .failure(let code): throw DockStoreError.system("cannot open the folder", real(path.parent), errno: code)
        }
    }
}
