#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CLinuxShim

/// Which filesystem a running dockerd keeps its data on, found the way that dockerd finds its
/// data root and seen through its own eyes: the folder is `--data-root` (or the old `-g` /
/// `--graph`), else `"data-root"` (or the old `"graph"`) of its config file (`--config-file`,
/// by default /etc/docker/daemon.json), else /var/lib/docker (moby cmd/dockerd and
/// daemon/config); every path is opened below /proc/PID/root, confined to it as openat2's
/// `RESOLVE_IN_ROOT` does, so the process's own mount namespace and chroot decide what it
/// names — a bind mount visible only there, a container's /var/lib/docker. What is compared is
/// the btrfs filesystem UUID read on that descriptor, never a path string.
enum DockerdDataRoot {
    static let defaultDataRoot = DockerdArguments.defaultDataRoot
    /// BTRFS_SUPER_MAGIC (linux/magic.h).
    static let btrfsMagic: Int64 = 0x9123683E

    /// Where one dockerd keeps its data.
    enum Filesystem: Equatable {
        /// On the btrfs with this UUID (lowercase with dashes).
        case btrfs(String)
        /// On a filesystem that is not btrfs (its magic number).
        case other(Int64)
    }

    /// The data root as the process's arguments and config file give it (a path in its view);
    /// throws why when that cannot be told for certain.
    static func path(pid: Int32, words: [String], rootFD: Int32) throws(DockStoreError) -> String {
        let arguments = Array(words.dropFirst())
        if let flag = DockerdArguments.dataRootFlag(arguments) { return try DockerdArguments.absolute(flag, "its --data-root") }
        let (config, given) = try DockerdArguments.configFile(arguments)
        let bytes: [UInt8]
        switch openBelow(rootFD, config, O_RDONLY | O_NONBLOCK) {
        case .success(let fd):
            do {
                bytes = try FileContents.readAll(fd, path: config, size: 0, limit: 1 << 20)
                close(fd)
            } catch {
                close(fd)
                throw DockStoreError.failed("cannot read its config file \(config): \((error as? DockStoreError)?.message ?? "\(error)")")
            }
        // dockerd starts without its default config file; a missing one it was given stops it.
        case .failure(let code) where code == ENOENT && !given:
            return defaultDataRoot
        case .failure(let code):
            throw DockStoreError.failed("cannot open its config file \(config): \(Errno.text(code))")
        }
        let top: [String: GoJSON.Value]
        do {
            guard case .object(let object) = try GoJSON.parse(bytes) else {
                throw DockStoreError.failed("its config file \(config) is not a JSON object")
            }
            top = object.effective
        } catch let error as DockStoreError {
            throw error
        } catch {
            throw DockStoreError.failed("its config file \(config) is not JSON dockerd reads")
        }
        return try DockerdArguments.dataRoot(inConfig: top, config: config)?.path ?? defaultDataRoot
    }

    /// The filesystem of `dataRoot` as the process sees it, read on a descriptor opened below
    /// its root.
    static func filesystem(_ dataRoot: String, rootFD: Int32) throws(DockStoreError) -> Filesystem {
        let fd: Int32
        switch openBelow(rootFD, dataRoot, O_RDONLY | O_DIRECTORY) {
        case .success(let opened): fd = opened
        case .failure(let code): throw DockStoreError.failed("cannot open its data root \(dataRoot): \(Errno.text(code))")
        }
        defer { close(fd) }
        var type: Int64 = 0
        guard ds_fstatfs_type(fd, &type) == 0 else {
            throw DockStoreError.failed("cannot read the filesystem of its data root \(dataRoot): \(Errno.text(errno))")
        }
        guard type == btrfsMagic else { return .other(type) }
        var info = ds_btrfs_fs_info()
        switch Syscall.attempt({ ds_btrfs_fs_info(fd, &info) }) {
        case .success: return .btrfs(formatUUID(info.fsid))
        case .failure(let code): throw DockStoreError.failed("cannot read the btrfs UUID of its data root \(dataRoot): \(Errno.text(code))")
        }
    }

    /// Opens `path` (absolute, in the process's view) below the process's root descriptor,
    /// confined to it: openat2's `RESOLVE_IN_ROOT`, or `ConfinedPath`'s walk where the kernel
    /// has no openat2.
    static func openBelow(_ rootFD: Int32, _ path: String, _ flags: Int32) -> SyscallOutcome<Int32> {
        let components = path.split(separator: "/")
        let relative = components.isEmpty ? "." : components.joined(separator: "/")
        var outcome: SyscallOutcome<Int32> = .failure(EAGAIN)
        for _ in 0..<16 {
            outcome = Syscall.attempt { ds_open_in_root(rootFD, relative, flags | O_CLOEXEC, 0) }
            guard case .failure(EAGAIN) = outcome else { break }
        }
        guard case .failure(ENOSYS) = outcome else { return outcome }
        guard let hostPath = try? HostPath(path, what: "dockerd's path") else { return .failure(EINVAL) }
        return ConfinedPath.open(below: rootFD, hostPath, flags, mode: 0)
    }
}
