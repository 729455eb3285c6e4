#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CLinuxShim

/// openat2(2)'s `RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS` done by hand, for kernels without
/// openat2 (before 5.6: SLES 15 SP2/SP3 run 5.3) or where a seccomp filter hides it.
///
/// The walk holds a descriptor of each folder it has entered and looks up one component at a
/// time with `openat(O_PATH | O_NOFOLLOW)` below it, so no symlink is ever followed by the
/// kernel: a symlink's target is read (`readlinkat`) and walked the same way, an absolute one
/// from the root; `..` leaves the folder last entered and stops at the root; a symlink on
/// procfs (where the magic links `/proc/PID/fd/N`, `root`, `exe` live) is refused with ELOOP,
/// but for the plain ones at its top (`self`, `thread-self`), which openat2 follows too.
/// The last component is opened with `O_NOFOLLOW` below the folder's descriptor: should it
/// turn into a symlink after it was looked at, the open fails instead of following it. So the
/// result is inside the root whatever changes in the tree meanwhile, as with openat2.
extension ConfinedPath {
    /// Linux's PROC_SUPER_MAGIC (linux/magic.h).
    static let procfsMagic: Int64 = 0x9fa0

    /// Opens `path` below `rootFD` with `flags` (and `mode` for `O_CREAT`); outcomes as openat2
    /// with `RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS` gives them: `O_NOFOLLOW` (or `O_CREAT |
    /// O_EXCL`) keeps a symlink at the last component from being followed (ELOOP, EEXIST),
    /// a missing folder is ENOENT, a file where a folder is needed ENOTDIR, more than 40
    /// symlinks ELOOP.
    ///
    /// `trace`, when given, is told where a failed walk stopped (`ConfinedWalkTrace`).
    static func open(below rootFD: Int32, _ path: HostPath, _ flags: Int32, mode: mode_t,
                     trace: ConfinedWalkTrace? = nil) -> SyscallOutcome<Int32> {
        var folders: [Int32] = []
        // The names of the folders in `folders`: where the walk stands, as a path inside the root.
        var names: [[UInt8]] = []
        defer { folders.forEach { close($0) } }
        var pending: [[UInt8]] = path.components.reversed().map { Array($0.utf8) }
        var symlinks = 0
        let followLast = (flags & O_NOFOLLOW) == 0 && (flags & (O_CREAT | O_EXCL)) != (O_CREAT | O_EXCL)

        while let component = pending.popLast() {
            let current = folders.last ?? rootFD
            if component.isEmpty || component == [0x2E] { if pending.isEmpty { return reopen(current, flags, mode) }; continue }
            if component == [0x2E, 0x2E] {
                if let left = folders.popLast() { close(left); names.removeLast() }
                if pending.isEmpty { return reopen(folders.last ?? rootFD, flags, mode) }
                continue
            }
            let isLast = pending.isEmpty
            if isLast && !followLast { return open(current, component, flags | O_CLOEXEC, mode) }
            let found: Int32
            switch open(current, component, ds_o_path() | O_NOFOLLOW | O_CLOEXEC, 0) {
            case .success(let fd): found = fd
            case .failure(let code) where code == ENOENT && isLast:
                return open(current, component, flags | O_NOFOLLOW | O_CLOEXEC, mode)
            case .failure(let code): return .failure(code)
            }
            var st = stat()
            guard fstat(found, &st) == 0 else { let code = errno; close(found); return .failure(code) }
            switch st.st_mode & S_IFMT {
            case S_IFLNK:
                defer { close(found) }
                symlinks += 1
                let link = names + [component]
                guard symlinks <= maxSymlinks else { trace?.stop = .tooManyLinks(at: link); return .failure(ELOOP) }
                var type: Int64 = 0
                guard ds_fstatfs_type(found, &type) == 0 else { return .failure(ELOOP) }
                if type == procfsMagic && !isPlainProcfsLink(in: current, component) {
                    trace?.stop = .magicLink(at: link, target: readLink(found) ?? [], via: trace?.lastLink)
                    return .failure(ELOOP)
                }
                guard let target = readLink(found), !target.isEmpty else { return .failure(ENOENT) }
                if type != procfsMagic { trace?.lastLink = link }
                if target.first == 0x2F { folders.forEach { close($0) }; folders.removeAll(); names.removeAll() }
                pending += target.split(separator: 0x2F, omittingEmptySubsequences: true).reversed().map(Array.init)
            case S_IFDIR where !isLast:
                folders.append(found)
                names.append(component)
            default:
                close(found)
                if !isLast { return .failure(ENOTDIR) }
                return open(current, component, flags | O_NOFOLLOW | O_CLOEXEC, mode)
            }
        }
        return reopen(folders.last ?? rootFD, flags, mode)
    }

    /// The symlinks at the top of a procfs that are plain ones (their target is text, as
    /// openat2's RESOLVE_NO_MAGICLINKS lets them through): `self`, `thread-self`, and `mounts`
    /// and `net`, which point into `self`. Every other symlink on procfs is a magic link.
    private static func isPlainProcfsLink(in folder: Int32, _ name: [UInt8]) -> Bool {
        var st = stat()
        // PROC_ROOT_INO: the top folder of every procfs is inode 1.
        guard fstat(folder, &st) == 0, st.st_ino == 1 else { return false }
        return [Array("self".utf8), Array("thread-self".utf8), Array("mounts".utf8), Array("net".utf8)].contains(name)
    }

    /// The folder `fd` itself, opened with `flags` (a path ending in `.`, `..` or the root).
    private static func reopen(_ fd: Int32, _ flags: Int32, _ mode: mode_t) -> SyscallOutcome<Int32> {
        open(fd, [0x2E], flags | O_CLOEXEC, mode)
    }

    private static func open(_ fd: Int32, _ name: [UInt8], _ flags: Int32, _ mode: mode_t) -> SyscallOutcome<Int32> {
        var cName = name.map { CChar(bitPattern: $0) } + [0]
        return Syscall.attempt { openat(fd, &cName, flags, mode) }
    }

    /// The target of the symlink `fd` (opened with `O_PATH | O_NOFOLLOW`), as bytes.
    private static func readLink(_ fd: Int32) -> [UInt8]? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let n = readlinkat(fd, "", &buffer, buffer.count - 1)
        guard n >= 0 else { return nil }
        return buffer[0..<n].map { UInt8(bitPattern: $0) }
    }
}
