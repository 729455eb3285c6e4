/// An fstab line that mounts a filesystem at a folder holding the image or the store's
/// mountpoint, with nothing mounted there now: a `nofail` volume that did not come up at boot,
/// a `noauto` one not mounted yet. provision would make the image (or the mountpoint) in the
/// bare folder beneath, on the root disk, and start Docker on an empty store that the volume,
/// mounted later, covers (outside attack 14, Y-BOOT-5). systemd's own mount of such a path
/// waits for the parent mount the same way (x-systemd.requires-mounts-for=).
public struct UnmountedFstabFolder: Sendable, Equatable {
    /// 1-based, as an admin counts fstab's lines.
    public var line: Int
    /// The folder as fstab names it.
    public var folder: HostPath
    /// "the image /data/docker.img" or "the mountpoint /data/docker".
    public var holds: String

    /// The deepest such line for the image (a loop store's) and then for the mountpoint; nil
    /// when every fstab folder above them is mounted. `/` and swap lines never count.
    static func find(fstab: [UInt8]?, mounts: MountTable, image: HostPath?, mountpoint: HostPath, host: Host) throws -> UnmountedFstabFolder? {
        guard let fstab else { return nil }
        let file = FstabFile(bytes: fstab)
        var wanted: [(path: HostPath, holds: String)] = []
        if let image { wanted.append((image, "the image \(image)")) }
        wanted.append((mountpoint, "the mountpoint \(mountpoint)"))
        for (path, holds) in wanted {
            var deepest: (line: Int, folder: HostPath)? = nil
            for (index, line) in file.lines.enumerated() {
                guard let entry = line.entry, entry.fstype != "swap" else { continue }
                let folder = entry.normalizedTarget
                guard folder != "/", folder.hasPrefix("/"), path.string.hasBytePrefix(folder + "/") else { continue }
                // A prefix of a valid path at a component boundary is a valid path itself.
                let found = try HostPath(folder, what: "the fstab folder")
                if let known = deepest, known.folder.string.utf8.count >= found.string.utf8.count { continue }
                deepest = (index + 1, found)
            }
            if let deepest, mounts.mount(at: host.real(deepest.folder)) == nil {
                return UnmountedFstabFolder(line: deepest.line, folder: deepest.folder, holds: holds)
            }
        }
        return nil
    }

    func refusal(fstabPath: String, host: Host) -> DockStoreError {
        let real = host.real(folder)
        return .refused("refusing: \(fstabPath) line \(line) mounts a filesystem at \(real), which holds \(holds), and nothing is mounted there: the store would be made on the disk beneath and covered when that filesystem comes; mount it (mount \(real.shellWord); at boot, systemctl status \(folder.string.shellWord) says why it did not come) and re-run; nothing was changed")
    }
}
