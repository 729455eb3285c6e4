/// The system being configured. Every host path (/etc, /var, /run) is resolved under
/// `root`, so an image build or a test can work on a tree that is not the running
/// system; devices, /proc and /sys are always the real ones.
public struct Host: Sendable {
    /// The canonical (symlink-free) absolute path of the root folder; "/" for the running system.
    public let root: String

    public init(root text: String = "/") throws {
        guard text.hasPrefix("/") else {
            throw DockStoreError.usage("--root '\(text)' is not an absolute path: give it starting with /")
        }
        let canonical: String
        switch PathCalls.realPath(text) {
        case .success(let resolved): canonical = resolved
        case .failure(let code): throw DockStoreError.usage("--root \(text): \(Errno.text(code))")
        }
        // realpath just resolved it: unreadable now refuses as "not a folder", never proceeds.
        guard (try? FileStatus.following(canonical))??.kind == .directory else {
            throw DockStoreError.usage("--root \(text) is not a folder")
        }
        // A line end in the root would split every plan line, status row and message that
        // names a path under it (`Output` keeps newlines as line ends); HostPath refuses control
        // characters in the paths below the root for the same reason.
        if let bad = canonical.unicodeScalars.first(where: { $0.value < 0x20 || $0.value == 0x7f }) {
            throw DockStoreError.usage("--root '\(ShownBytes.text(canonical))' contains the control character U+\(String(bad.value, radix: 16, uppercase: true)), which would split or garble every line that names a path under it: give a root folder without it")
        }
        root = canonical
    }

    public var isRunningSystem: Bool { root == "/" }

    /// The real path of a host path, resolved inside `root` (see `ConfinedPath`): an absolute
    /// symlink in the tree points into the tree, `..` stops at the root. A symlink at the last
    /// component is kept (the callers refuse or replace one there). With root `/` the path as it is.
    public func real(_ path: HostPath) -> String {
        if root == "/" { return path.string }
        return ConfinedPath.resolve(root: root, path, followingLast: false)
    }

    /// `path` as systemd-fstab-generator names the mount unit of an fstab line for it: every
    /// symbolic link resolved inside the root (its `chase_symlinks` with CHASE_NONEXISTENT: a
    /// missing rest is kept as written). With /var/lib a link to /srv/varlib, the unit of
    /// /var/lib/docker is srv-varlib-docker.mount (attack 33 T 15: dockstore's drop-ins named
    /// var-lib-docker.mount, a unit systemd never made).
    public func unitPath(_ path: HostPath) -> HostPath {
        let resolved = ConfinedPath.resolve(root: root, path, followingLast: true)
        let inside = root == "/" ? resolved : String(resolved.dropFirst(root.count))
        return HostPath.resolved(inside)
    }

    /// Like `real`, but a symlink at the last component is resolved too (inside `root`): for
    /// folders and files that are read through a link, never written through one.
    public func realFollowing(_ path: HostPath) -> String {
        if root == "/" { return path.string }
        return ConfinedPath.resolve(root: root, path, followingLast: true)
    }
}

/// The fixed places dockstore reads and writes, as host paths.
public enum HostPaths {
    public static let defaultImage = HostPath.known("/var/lib/docker-storage.btrfs")
    public static let defaultMountpoint = HostPath.known("/var/lib/docker")
    public static let fstab = HostPath.known("/etc/fstab")
    public static let sysconfigDocker = HostPath.known("/etc/sysconfig/docker")
    public static let daemonJSON = HostPath.known("/etc/docker/daemon.json")
    public static let dockerDropIn = HostPath.known("/etc/systemd/system/docker.service.d/dockstore.conf")
    public static let lock = HostPath.known("/run/dockstore.lock")
    public static let systemdRuntime = HostPath.known("/run/systemd/system")
    /// While it exists, dockstore-provision.service does not run at boot
    /// (`ConditionPathExists=!`); teardown leaves it, provision removes it.
    public static let bootDisabled = HostPath.known("/etc/dockstore.disabled")
    /// The files a command may read to decide what to do, or write, besides the store's image
    /// and mountpoint: a mount on their way inside --root that brings a folder from outside it
    /// is refused before any is read (`ForeignTreeMount`; attack 55 Z 5: another tree's run/
    /// bound in, whose lock every command then shared, and its etc/sysconfig, whose settings
    /// named the image).
    public static let consulted: [HostPath] = [fstab, sysconfigDocker, daemonJSON, dockerDropIn, lock, bootDisabled,
                                               ProvisionSettings.path, MigrationJournal.path]
}
