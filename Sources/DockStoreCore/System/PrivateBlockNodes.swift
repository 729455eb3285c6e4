import Glibc

/// Block device nodes made by device number for devices the kernel lists that have no node of
/// their own in /dev, or whose node there is another device (attack 34 X F3: a block copy of
/// the store on a partition whose node was removed was skipped, and check said OK; the next
/// boot's udev makes the node and `UUID=` may mount the copy). Made in one fresh folder under
/// /dev, the one filesystem sure to allow device nodes (/run and /tmp are often `nodev`), and
/// removed with it by `removeAll` when the scan is over.
///
/// A run killed before that (a monitoring time-out's SIGKILL) leaves its folder behind. Each run
/// holds an exclusive flock on its folder while it lives, which the kernel drops when the process
/// dies, so the next run that makes a folder removes every other one it can lock
/// (`removeAbandoned`): folders of running checks stay.
final class PrivateBlockNodes {
    static let prefix = ".dockstore-nodes."
    private let parent: String
    private var folder: String?
    private var lock: Int32 = -1
    /// Node path → the kernel's name of the device.
    private(set) var names: [String: String] = [:]

    init(parent: String = "/dev") {
        self.parent = parent
    }

    deinit { removeAll() }

    /// A node for `device` (st_rdev form), nil when this process may not make one (not root, no
    /// CAP_MKNOD, a read-only /dev): such a device counts as one it may not open.
    func node(for device: UInt64, name: String) throws -> String? {
        guard geteuid() == 0 else { return nil }
        if folder == nil {
            guard try makeFolder() else { return nil }
        }
        guard let folder else { return nil }
        let node = "\(folder)/\(major(device)):\(minor(device))"
        if names[node] != nil { return node }
        guard mknod(node, S_IFBLK | 0o600, dev_t(device)) == 0 else {
            let code = errno
            if [EPERM, EACCES, EROFS].contains(code) { return nil }
            throw DockStoreError.system("cannot make a block device node", node, errno: code)
        }
        names[node] = name
        Failpoint.pause("device-node")
        return node
    }

    /// Makes this run's folder and locks it; false when this process may not. A folder another
    /// run's `removeAbandoned` removed between mkdtemp and the lock (it could lock it first) is
    /// seen by its link count of 0 and made again.
    private func makeFolder() throws -> Bool {
        PrivateBlockNodes.removeAbandoned(in: parent)
        for _ in 0..<8 {
            var template = Array("\(parent)/\(Self.prefix)XXXXXX".utf8CString)
            guard let made = mkdtemp(&template) else {
                let code = errno
                if [EPERM, EACCES, EROFS].contains(code) { return false }
                throw DockStoreError.system("cannot create a folder for device nodes like", "\(parent)/\(Self.prefix)XXXXXX", errno: code)
            }
            let path = String(cString: made)
            let descriptor = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            guard descriptor >= 0 else {
                let code = errno
                throw DockStoreError.system("cannot open the folder for device nodes", path, errno: code)
            }
            guard flock(descriptor, LOCK_EX) == 0 else {
                let code = errno
                close(descriptor)
                rmdir(path)
                throw DockStoreError.system("cannot lock the folder for device nodes", path, errno: code)
            }
            var status = stat()
            guard fstat(descriptor, &status) == 0 else {
                let code = errno
                close(descriptor)
                throw DockStoreError.system("cannot read the status of", path, errno: code)
            }
            if status.st_nlink == 0 {
                close(descriptor)
                continue
            }
            folder = path
            lock = descriptor
            return true
        }
        throw DockStoreError.system("cannot keep a folder for device nodes (another run removed it each time) in", parent, errno: ENOENT)
    }

    /// Removes every node made and their folder.
    func removeAll() {
        for node in names.keys { unlink(node) }
        names = [:]
        if let folder { rmdir(folder) }
        folder = nil
        if lock >= 0 { close(lock) }
        lock = -1
    }

    /// Removes the folders of runs that died before removing theirs: every `prefix` folder in
    /// `parent` that is a real folder of root's, can be locked (its run is gone) and holds only
    /// block device nodes named as `node(for:name:)` names them. Anything else there is left as
    /// it is. Best effort: a folder that cannot be read or removed stays for a later run.
    /// Only a folder on `parent`'s own filesystem, and no mount point: one with something else
    /// mounted on it (a bind mount of another filesystem's folder) is not one this made
    /// (attack 35 Z C2: the node in a bind-mounted folder, a file of another filesystem, was
    /// unlinked).
    static func removeAbandoned(in parent: String) {
        guard let entries = FolderEntries.names(parent) else { return }
        let names = entries.filter { $0.hasPrefix(prefix) && $0.count > prefix.count }
        guard !names.isEmpty else { return }
        var parentStatus = stat()
        guard stat(parent, &parentStatus) == 0, let mounts = try? MountTable.read() else { return }
        for name in names {
            let path = "\(parent)/\(name)"
            guard !mounts.entries.contains(where: { $0.target.sameBytes(path) }) else { continue }
            removeIfAbandoned(path, device: parentStatus.st_dev)
        }
    }

    private static func removeIfAbandoned(_ path: String, device: dev_t) {
        let descriptor = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0, status.st_uid == 0, status.st_mode & S_IFMT == S_IFDIR, status.st_dev == device,
              flock(descriptor, LOCK_EX | LOCK_NB) == 0 else { return }
        guard let nodes = ownNodes(in: descriptor) else { return }
        for node in nodes { guard unlinkat(descriptor, node, 0) == 0 else { return } }
        rmdir(path)
    }

    /// The entries of the folder open as `descriptor` when every one is a block device node named
    /// `MAJOR:MINOR`; nil when anything else is there.
    private static func ownNodes(in descriptor: Int32) -> [String]? {
        guard let names = FolderEntries.names(in: descriptor) else { return nil }
        var nodes: [String] = []
        for name in names {
            let parts = name.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count == 2, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }) else { return nil }
            var status = stat()
            guard fstatat(descriptor, name, &status, AT_SYMLINK_NOFOLLOW) == 0, status.st_mode & S_IFMT == S_IFBLK else { return nil }
            nodes.append(name)
        }
        return nodes
    }
}

/// The device number (st_rdev form) of `major`:`minor`, as glibc's makedev builds it.
func deviceNumber(major: UInt64, minor: UInt64) -> UInt64 {
    ((major & 0xfff) << 8) | ((major & ~UInt64(0xfff)) << 32) | (minor & 0xff) | ((minor & ~UInt64(0xff)) << 12)
}
