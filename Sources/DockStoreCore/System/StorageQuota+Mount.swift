extension StorageQuota {
    /// Whether the filesystem holding `path` enforces project quota: the options of the mount
    /// whose device is `path`'s st_dev (any of its bind mounts: quota is the superblock's).
    /// Refuses when the folder or its mount cannot be found ("cannot tell" is no answer).
    static func enforced(at path: String, mountinfo: String = "/proc/self/mountinfo") throws -> Bool {
        guard let status = try FileStatus.following(path) else {
            throw DockStoreError.failed("cannot tell whether \(path) has project quota: it does not exist")
        }
        guard let mount = try MountTable.read(mountinfo).entries.last(where: { $0.device == status.device }) else {
            throw DockStoreError.failed("cannot tell whether \(path) has project quota: no mount in \(mountinfo) holds it")
        }
        return enforced(options: mount.options.split(separator: ",").map(String.init))
    }
}
