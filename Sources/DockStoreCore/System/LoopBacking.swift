import CLinuxShim
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Where a loop device's backing file lives, asked of the filesystem that holds it.
enum LoopBacking {
    /// True when `loop` is a loop device whose backing file lies on the btrfs `uuid` mounted
    /// at `mountpoint`: the kernel's answer (BTRFS_IOC_FS_INFO on the file, so subvolumes and
    /// bind mounts do not hide it). When the file's path does not resolve here (the loop
    /// device was bound in another mount namespace, a container's), its device number from
    /// LOOP_GET_STATUS64 is compared with the store's and each of its subvolumes'. False for a
    /// device that is not a bound loop device, or a file elsewhere.
    ///
    /// A chain is followed: when the backing file lies on a filesystem whose block device is
    /// itself a loop device (an ext4 image inside the store, mounted, holding the file), that
    /// loop device is asked the same, up to `depth` levels.
    static func isOnBtrfs(loop: String, uuid: String, mountpoint: String, sysBlock: String = "/sys/block",
                          depth: Int = 8) throws -> Bool {
        guard depth > 0 else {
            throw DockStoreError.refused("\(loop) sits on a chain of loop devices too deep to follow; dockstore cannot tell whether it lies on the store")
        }
        guard var file = try LoopDevice.backingFile(of: loop, sysBlock: sysBlock) else { return false }
        if file.hasSuffix(" (deleted)") { file.removeLast(" (deleted)".count) }
        let fd: Int32
        switch Syscall.attempt({ open(file, O_RDONLY | O_CLOEXEC) }) {
        case .success(let opened): fd = opened
        case .failure(let code) where code == ENOENT || code == ENOTDIR:
            return try isOnStoreByDeviceNumber(loop: loop, mountpoint: mountpoint)
        case .failure(let code): throw DockStoreError.system("cannot open the backing file of \(loop):", file, errno: code)
        }
        defer { close(fd) }
        var info = ds_btrfs_fs_info()
        switch Syscall.attempt({ ds_btrfs_fs_info(fd, &info) }) {
        case .success: if formatUUID(info.fsid) == uuid.lowercased() { return true }
        case .failure(let code) where code == ENOTTY || code == EINVAL || code == EOPNOTSUPP: break
        case .failure(let code): throw DockStoreError.system("cannot tell which filesystem holds", file, errno: code)
        }
        var st = stat()
        try Syscall.check("cannot read the status of", file) { fstat(fd, &st) }
        let device = UInt64(st.st_dev)
        guard let name = LoopDevice.kernelName(ofNumber: device, sysBlock: sysBlock) else { return false }
        return try isOnBtrfs(loop: "/dev/\(name)", uuid: uuid, mountpoint: mountpoint, sysBlock: sysBlock,
                             depth: depth - 1)
    }

    static func isOnStoreByDeviceNumber(loop: String, mountpoint: String) throws -> Bool {
        guard let status = try LoopDevice.status(loop) else { return false }
        var folders = [mountpoint]
        folders += try SubvolumeInventory.read(mountpoint).entries.map { mountpoint + "/" + $0.path }
        for folder in folders {
            guard let node = try FileStatus.of(folder) else { continue }
            if node.device == status.backingDevice { return true }
        }
        return false
    }
}
