/// The store dockstore set up, still mounted where the mountpoint led when provision ran, while
/// a link on the mountpoint's path now leads elsewhere (attack 33 V C10: with /var/lib a link
/// moved from /srv/a to /srv/b, teardown saw no store at /srv/b/docker, removed the
/// configuration and exited 0, leaving the store mounted at /srv/a/docker; provision would have
/// made a second, empty store). docker.service's drop-in names the unit provision resolved
/// (`DockerDropIn.waitedUnit`); a btrfs mounted in the root whose unit that is, while the
/// mountpoint's unit is another now, is that store. provision and teardown refuse, status says it.
public struct RelinkedStore: Sendable, Equatable {
    /// The unit docker.service's drop-in waits for.
    public var unit: String
    /// Where that unit's path is mounted (real path) and what is mounted there.
    public var mountedAt: String
    public var source: String

    public init(unit: String, mountedAt: String, source: String) {
        self.unit = unit
        self.mountedAt = mountedAt
        self.source = source
    }

    /// Looks for it: `dropIn` as read, when it is for `mountpoint` as written (a drop-in for
    /// another mountpoint is another store's, which other refusals name); `unitPath` the
    /// mountpoint as systemd resolves it now (`Host.unitPath`); `mounts` the mount table.
    public static func find(dropIn: [UInt8]?, mountpoint: HostPath, unitPath: HostPath, mounts: [MountEntry], root: String) -> RelinkedStore? {
        guard let unit = DockerDropIn.formerUnit(in: dropIn, mountpoint: mountpoint, unitPath: unitPath) else { return nil }
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

    /// What is mounted where, why it is not at the mountpoint now, and the way back.
    public func described(mountpoint: HostPath, resolved: HostPath) -> String {
        "the store dockstore set up is mounted at \(mountedAt) (\(source); docker.service's drop-in waits for \(unit)), but \(mountpoint.string) resolves to \(ShownBytes.text(resolved.string)) now: a link on its path was changed since provision ran; point it back (so \(mountpoint.string) leads to that store again)"
    }

    /// For `check` with nothing mounted at the mountpoint: reads docker.service's drop-in.
    public static func find(host: Host, mountpoint: HostPath, mounts: [MountEntry]) throws -> RelinkedStore? {
        try find(dropIn: FileContents.read(HostPaths.dockerDropIn, on: host), mountpoint: mountpoint, unitPath: host.unitPath(mountpoint),
                 mounts: mounts, root: host.root)
    }
}
