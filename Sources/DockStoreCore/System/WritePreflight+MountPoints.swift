#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A file that is a mount point (a bind mount over it, read-only or not) cannot be replaced by
/// rename(2) nor removed by unlink(2): both fail with EBUSY. Found only when the write came,
/// that left provision with its image made and mounted but no fstab line, backend with
/// daemon.json's driver gone but none in DOCKER_OPTS, teardown with the store unmounted but
/// its line kept. The preflight looks at every name a write replaces or removes first.
extension WritePreflight {
    /// Refuses when `file` (inside --root, a link at its name not followed) is the root of a
    /// mount; `removes` when the write deletes it rather than renaming new bytes onto it.
    static func checkNotMountPoint(_ file: HostPath, on host: Host, removes: Bool) throws {
        let shown = host.real(file)
        guard try isMountPoint(file, on: host, shown: shown) else { return }
        let how = removes ? "removes the file, which cannot remove a mount point"
            : "replaces the file by rename, which cannot replace a mount point"
        throw DockStoreError.refused("\(shown) is a mount point (a bind mount over it): dockstore \(how); nothing was changed: unmount it (umount \(shown)) and re-run")
    }

    /// Asked of statx below the file's folder, opened inside --root; before Linux 5.8, which
    /// does not say, of the mount table (a mount whose target is the file's real path).
    static func isMountPoint(_ file: HostPath, on host: Host, shown: String) throws -> Bool {
        guard let folder = try host.openParentInRoot(file) else { return false }
        defer { close(folder) }
        if let answer = try MountRoot.isMountRoot(in: folder, file.lastComponent, shown: shown) { return answer }
        return try MountTable.read().mount(at: host.realFollowing(file)) != nil
    }
}
