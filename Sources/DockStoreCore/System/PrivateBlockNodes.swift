import Glibc

/// Block device nodes made by device number for devices the kernel lists that have no node of
/// their own in /dev, or whose node there is another device (attack 34 X F3: a block copy of
/// the store on a partition whose node was removed was skipped, and check said OK; the next
/// boot's udev makes the node and `UUID=` may mount the copy). Made in one fresh folder under
/// /dev, the one filesystem sure to allow device nodes (/run and /tmp are often `nodev`), and
/// removed with it by `removeAll` when the scan is over.
final class PrivateBlockNodes {
    private var folder: String?
    /// Node path → the kernel's name of the device.
    private(set) var names: [String: String] = [:]

    /// A node for `device` (st_rdev form), nil when this process may not make one (not root, no
    /// CAP_MKNOD, a read-only /dev): such a device counts as one it may not open.
    func node(for device: UInt64, name: String) throws -> String? {
        guard geteuid() == 0 else { return nil }
        let folder: String
        if let made = self.folder {
            folder = made
        } else {
            var template = Array("/dev/.dockstore-nodes.XXXXXX".utf8CString)
            guard let made = mkdtemp(&template) else {
                let code = errno
                if [EPERM, EACCES, EROFS].contains(code) { return nil }
                throw DockStoreError.system("cannot create a folder for device nodes like", "/dev/.dockstore-nodes.XXXXXX", errno: code)
            }
            folder = String(cString: made)
            self.folder = folder
        }
        let node = "\(folder)/\(major(device)):\(minor(device))"
        if names[node] != nil { return node }
        guard mknod(node, S_IFBLK | 0o600, dev_t(device)) == 0 else {
            let code = errno
            if [EPERM, EACCES, EROFS].contains(code) { return nil }
            throw DockStoreError.system("cannot make a block device node", node, errno: code)
        }
        names[node] = name
        return node
    }

    /// Removes every node made and their folder.
    func removeAll() {
        for node in names.keys { unlink(node) }
        names = [:]
        if let folder { rmdir(folder) }
        folder = nil
    }
}

/// The device number (st_rdev form) of `major`:`minor`, as glibc's makedev builds it.
func deviceNumber(major: UInt64, minor: UInt64) -> UInt64 {
    ((major & 0xfff) << 8) | ((major & ~UInt64(0xfff)) << 32) | (minor & 0xff) | ((minor & ~UInt64(0xff)) << 12)
}
