/// The store dockstore set up, still mounted where the mountpoint led when provision ran, while
/// a link on the mountpoint's path now leads elsewhere (attack 33 V C10: with /var/lib a link
/// moved from /srv/a to /srv/b, teardown saw no store at /srv/b/docker, removed the
/// configuration and exited 0, leaving the store mounted at /srv/a/docker; provision would have
/// made a second, empty store). docker.service's drop-in names the unit provision resolved
/// (`DockerDropIn.waitedUnit`); a btrfs mounted in the root whose unit that is, while the
/// mountpoint's unit is another now, is that store. provision and teardown refuse, status says it.
///
/// Without that drop-in (provision killed before it wrote it, or an admin removed it: attack 34
/// W C6, C6b), the configuration's layout tells it: with the image and the mountpoint in one
/// folder (the default `/var/lib/docker-storage.btrfs` at `/var/lib/docker`) and fstab's line for
/// the mountpoint naming that image, a btrfs mounted in the root at the mountpoint's name in
/// another folder, from a loop device over the image's name in that same folder. One at the
/// configured mountpoint's own path under a folder of the root (`/mnt/image/var/lib/docker`) is a
/// nested tree's store, not this one.
public struct RelinkedStore: Sendable, Equatable {
    /// The unit docker.service's drop-in waits for; nil when found by the layout.
    public var unit: String?
    /// Where that unit's path is mounted (real path) and what is mounted there.
    public var mountedAt: String
    public var source: String
    /// For one found by the layout: its image (the kernel's name of the loop device's file).
    public var image: String?

    public init(unit: String?, mountedAt: String, source: String, image: String? = nil) {
        self.unit = unit
        self.mountedAt = mountedAt
        self.source = source
        self.image = image
    }

    /// Looks for it: `dropIn` as read, when it is for `mountpoint` as written (a drop-in for
    /// another mountpoint is another store's, which other refusals name); `unitPath` the
    /// mountpoint as systemd resolves it now (`Host.unitPath`); `mounts` the mount table.
    /// `image`: the configured image, for the layout when no drop-in names a unit.
    public static func find(dropIn: [UInt8]?, mountpoint: HostPath, unitPath: HostPath, mounts: [MountEntry], root: String,
                            image: HostPath? = nil, fstab: [UInt8]? = nil) throws -> RelinkedStore? {
        guard let unit = DockerDropIn.formerUnit(in: dropIn, mountpoint: mountpoint, unitPath: unitPath) else {
            guard dropIn == nil, let image, let fstab,
                  FstabFile(bytes: fstab).entries(mountingAt: mountpoint).first?.entry.normalizedSource.sameBytes(image.string) == true else { return nil }
            return try byLayout(image: image, mountpoint: mountpoint, unitPath: unitPath, mounts: mounts, root: root)
        }
        // Only a btrfs can be the store: another filesystem mounted there since (a tmpfs, an
        // admin's disk) is not, and the refusal's words would be untrue.
        for entry in mounts where entry.fstype == "btrfs" && StoreElsewhere.inside(entry.target, root: root) {
            let inRoot = root == "/" ? entry.target : String(entry.target.dropFirst(root.count))
            if MountUnitName.of(HostPath.resolved(inRoot)) == unit { return RelinkedStore(unit: unit, mountedAt: entry.target, source: entry.source) }
        }
        return nil
    }

    /// One line for `command` (provision, teardown): what is mounted where, why it is not at the
    /// mountpoint now, and the way out; nothing was changed.
    public func refusal(mountpoint: HostPath, resolved: HostPath, command: String) -> DockStoreError {
        .refused("refusing: \(described(mountpoint: mountpoint, resolved: resolved)) and run dockstore \(command) again; nothing was changed")
    }

    /// A btrfs mounted in the root at `mountpoint`'s name in a folder other than the one it
    /// resolves to now, from a loop device over `image`'s name in that folder; nil when the image
    /// and the mountpoint are not in one folder, no link on the mountpoint's path leads elsewhere
    /// now (it resolves to itself: nothing was relinked, and a store in another folder is another
    /// tree's, with or without an `etc` of its own), or no such mount is there.
    static func byLayout(image: HostPath, mountpoint: HostPath, unitPath: HostPath, mounts: [MountEntry], root: String) throws -> RelinkedStore? {
        guard image.parent == mountpoint.parent, unitPath != mountpoint else { return nil }
        let resolvedParent = (root == "/" ? "" : root) + unitPath.parent.string
        for entry in mounts where entry.fstype == "btrfs" && StoreElsewhere.inside(entry.target, root: root) && entry.source.hasPrefix("/dev/loop") {
            let folder = AtomicFile.parentFolder(of: entry.target)
            guard entry.target.sameBytes(folder == "/" ? "/" + mountpoint.lastComponent : folder + "/" + mountpoint.lastComponent),
                  !folder.sameBytes(resolvedParent), !entry.target.hasSuffix(mountpoint.string),
                  try !insideNestedTree(folder, root: root),
                  let backing = try LoopDevice.backingFile(of: entry.source),
                  backing.sameBytes(folder == "/" ? "/" + image.lastComponent : folder + "/" + image.lastComponent) else { continue }
            return RelinkedStore(unit: nil, mountedAt: entry.target, source: entry.source, image: backing)
        }
        return nil
    }

    /// A folder of the root above `folder` (not the root itself) that holds an `etc` folder is
    /// the root of another tree, an image tree provisioned with its own --root: a store under it
    /// is that tree's, whatever its link on /var/lib or its names (attack 39 T F1: R/mnt/image with
    /// its own /var/lib a link to /srv/q, its store at R/mnt/image/srv/q/docker).
    static func insideNestedTree(_ folder: String, root: String) throws -> Bool {
        var current = AtomicFile.parentFolder(of: folder)
        let top = root == "/" ? "/" : root
        while current.count > top.count, current.hasBytePrefix(top == "/" ? "/" : top + "/") {
            // One that cannot be looked at is "cannot tell": the command stops with the reason.
            if try FileStatus.of(current + "/etc")?.kind == .directory { return true }
            current = AtomicFile.parentFolder(of: current)
        }
        return false
    }

    /// What is mounted where, why it is not at the mountpoint now, and the way back.
    public func described(mountpoint: HostPath, resolved: HostPath) -> String {
        let known = unit.map { "docker.service's drop-in waits for \($0)" }
            ?? "the image \(image ?? "") beside it, this configuration's image and mountpoint in one folder"
        return "the store dockstore set up is mounted at \(mountedAt) (\(source); \(known)), but \(mountpoint.string) resolves to \(ShownBytes.text(resolved.string)) now: a link on its path was changed since provision ran; point it back (so \(mountpoint.string) leads to that store again)"
    }

    /// For `check` with nothing mounted at the mountpoint: reads docker.service's drop-in.
    public static func find(host: Host, mountpoint: HostPath, image: HostPath?, mounts: [MountEntry]) throws -> RelinkedStore? {
        try find(dropIn: FileContents.read(HostPaths.dockerDropIn, on: host), mountpoint: mountpoint, unitPath: host.unitPath(mountpoint),
                 mounts: mounts, root: host.root, image: image, fstab: FileContents.read(HostPaths.fstab, on: host))
    }
}
