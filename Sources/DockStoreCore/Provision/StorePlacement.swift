/// Where Docker's store may be placed: the rules for the mountpoint and the image path each on
/// its own, named as the admin gave it (`--image`, or a settings file's line), checked on the
/// path as written (`ProvisionRequest`, `ProvisionSettings`) and again on the path the
/// kernel reaches through the folders' symbolic links (provision's observation).
///
/// An image is a file provision makes, or a blank one it adopts and formats in place: inside a
/// system folder that file was `/etc/fstab`, `/etc/machine-id`, its own lock, or the marker
/// whose removal by `[enable-boot]` deleted the mounted image (attack 29, I1–I5).
public enum StorePlacement {
    /// Folders Docker's storage must never be mounted in or over, nor its image be put in.
    static let systemFolders = ["/etc", "/proc", "/sys", "/dev", "/run", "/boot", "/usr", "/bin", "/sbin", "/lib", "/lib64"]
        .map { HostPath.known($0) }

    /// Folders systemd-tmpfiles empties by age (SUSE's and Debian's tmp.conf: /tmp after 10 days,
    /// /var/tmp after 30) and that may be a tmpfs: a store or an image there loses files while
    /// Docker still counts on them (outside attack 14, Y-ROOT-2).
    static let temporaryFolders = ["/tmp", "/var/tmp"].map { HostPath.known($0) }

    /// Where dockstore keeps its records (`FormatRecord`, `MigrationJournal`, `ProvisionFolderRecord`, …).
    static let stateFolder = HostPath.known("/var/lib/dockstore")

    /// The refusal of `mountpoint`, named `name` (`--mountpoint /x`, or a settings line), or nil.
    public static func mountpointRefusal(_ mountpoint: HostPath, name: String) -> String? {
        if mountpoint.isRoot {
            return "\(name) would mount Docker's storage over the whole system; give a folder such as /var/lib/docker"
        }
        if let system = systemFolders.first(where: { mountpoint.isWithin($0) }) {
            return "\(name) is inside \(system), a system folder; give a folder such as /var/lib/docker"
        }
        // Outside attack 14, Y-ROOT-1: dockstore's records (format record, migration journal,
        // folder record) would be written into the store, or hidden under it.
        if mountpoint.isWithin(stateFolder) || stateFolder.isWithin(mountpoint) {
            return "\(name) \(mountpoint.isWithin(stateFolder) ? "is inside" : "would cover") \(stateFolder), where dockstore keeps its records of the store; give a folder such as /var/lib/docker"
        }
        if let temporary = temporaryFolders.first(where: { mountpoint.isWithin($0) }) {
            return "\(name) is inside \(temporary), whose files systemd-tmpfiles deletes by age (and which may be a tmpfs); give a folder such as /var/lib/docker"
        }
        return nil
    }

    /// The refusal of `image`, named `name`, or nil.
    public static func imageRefusal(_ image: HostPath, name: String) -> String? {
        if let system = systemFolders.first(where: { image.isWithin($0) }) {
            let why = ["/proc", "/sys", "/dev"].contains(system.string) ? "which holds no files"
                : "a system folder (the image is a file provision creates, or a blank one it formats in place)"
            return "\(name) is inside \(system), \(why); give a path such as /var/lib/docker-storage.btrfs"
        }
        if image.isWithin(stateFolder) {
            return "\(name) is inside \(stateFolder), where dockstore keeps its records of the store; give a path such as /var/lib/docker-storage.btrfs"
        }
        if let temporary = temporaryFolders.first(where: { image.isWithin($0) }) {
            return "\(name) is inside \(temporary), whose files systemd-tmpfiles deletes by age (and which may be a tmpfs); give a path such as /var/lib/docker-storage.btrfs"
        }
        return nil
    }

    /// The rules on the folders the kernel reaches (`/srv/conf` a symbolic link to `/etc`, or a
    /// bind mount of it; an image tree's `var/lib` a link to `/run/…`): the system folder that
    /// the mountpoint's or the image's folder, or a folder above it, is, by device and inode.
    /// Refused, nothing changed.
    static func refuseReached(_ observed: ProvisionObservation, _ request: ProvisionRequest) throws {
        func through(_ given: HostPath, _ resolved: HostPath?) -> String {
            guard let resolved, resolved != given else { return "\(given) (through a bind mount)" }
            return "\(given) (through a symbolic link: \(resolved))"
        }
        if let folder = observed.mountpointSystemFolder,
           let refusal = mountpointRefusal(folder, name: "--mountpoint \(through(request.mountpoint, observed.resolvedMountpoint))") {
            throw DockStoreError.refused("refusing: \(refusal); nothing was changed")
        }
        if request.device == nil, let folder = observed.imageSystemFolder,
           let refusal = imageRefusal(folder, name: "--image \(through(request.image, observed.resolvedImage))") {
            throw DockStoreError.refused("refusing: \(refusal); nothing was changed")
        }
    }

    /// The folder of `systemFolders`, `stateFolder` or `temporaryFolders` that `path`'s folder,
    /// or one above it, is on `host` (same device and inode, links followed inside the root):
    /// nil when none is. A folder that cannot be looked at throws (it could be one).
    static func systemFolder(holding path: HostPath, host: Host) throws -> HostPath? {
        var known: [(folder: HostPath, device: UInt64, inode: UInt64)] = []
        for folder in systemFolders + temporaryFolders + [stateFolder] {
            if let status = try FileStatus.following(host.realFollowing(folder)), status.kind == .directory {
                known.append((folder, status.device, status.inode))
            }
        }
        var current = path.parent
        while true {
            if let status = try FileStatus.following(host.realFollowing(current)),
               let hit = known.first(where: { $0.device == status.device && $0.inode == status.inode }) {
                return hit.folder
            }
            if current.isRoot { return nil }
            current = current.parent
        }
    }

    /// `path` as the kernel reaches it under `root` (the folders' symbolic links resolved inside
    /// the root, the last component kept), as a path below the root.
    static func resolved(_ path: HostPath, root: String) -> HostPath {
        let full = ConfinedPath.resolve(root: root, path, followingLast: false)
        guard root != "/" else { return HostPath.found(full) }
        let below = full.utf8.count > root.utf8.count ? String(decoding: full.utf8.dropFirst(root.utf8.count), as: UTF8.self) : "/"
        return HostPath.found(below.isEmpty ? "/" : below)
    }
}
