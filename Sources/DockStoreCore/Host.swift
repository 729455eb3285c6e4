#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

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
        guard let resolved = realpath(text, nil) else {
            let code = errno
            throw DockStoreError.usage("--root \(text): \(Errno.text(code))")
        }
        defer { free(resolved) }
        let canonical = String(cString: resolved)
        var st = stat()
        guard stat(canonical, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR else {
            throw DockStoreError.usage("--root \(text) is not a folder")
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

    /// Like `real`, but a symlink at the last component is resolved too (inside `root`): for
    /// folders and files that are read through a link, never written through one.
    public func realFollowing(_ path: HostPath) -> String {
        if root == "/" { return path.string }
        return ConfinedPath.resolve(root: root, path, followingLast: true)
    }
}

extension Host {
    /// Creates the missing folders of a host path below --root (like mkdir -p, mode 0755),
    /// every one resolved and created inside the root (`openInRoot`, `mkdirat`), refusing to
    /// pass through a component that exists and is not a folder, or is a link to nothing.
    public func makeFolders(_ path: HostPath) throws {
        var current = HostPath.root
        for component in path.components.map(String.init) {
            let parent = current
            current = current.appending(component)
            var tried = false
            while true {
                switch openInRoot(current, O_RDONLY | O_DIRECTORY) {
                case .success(let fd):
                    close(fd)
                case .failure(let code) where code == ENOENT && !tried:
                    let dir = try openFolderInRoot(parent)
                    defer { close(dir) }
                    switch Syscall.attempt({ mkdirat(dir, component, 0o755) }) {
                    case .success: break
                    // Something is there: a link to nothing (looked at again below), or a
                    // folder another process just made.
                    case .failure(let code) where code == EEXIST: break
                    case .failure(let code): throw DockStoreError.system("cannot create the folder", real(current), errno: code)
                    }
                    tried = true
                    continue
                case .failure(let code) where code == ENOENT:
                    let link = real(parent) == "/" ? "/" + component : real(parent) + "/" + component
                    throw DockStoreError.refused("\(link) is a symbolic link to a folder that does not exist inside \(root): create that folder, or replace the link with a folder")
                case .failure(let code) where code == ENOTDIR:
                    let kind = (try? FileStatus.of(real(current)))??.kind
                    throw DockStoreError.refused("\(real(current)) is a \(kind?.rawValue ?? "file"), not a folder; dockstore needs a folder there")
                case .failure(let code):
                    throw DockStoreError.system("cannot open the folder", real(current), errno: code)
                }
                break
            }
        }
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
}
