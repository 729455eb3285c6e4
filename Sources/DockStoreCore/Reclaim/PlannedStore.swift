/// The store a reclaim run planned, known by its filesystem UUID. Every reading the run makes
/// after the lock (the rounds' health checks, a round's chunk size, the figures after) goes
/// through it: the figures carry the UUID of the very descriptor their ioctls went through,
/// so those of another filesystem mounted in the store's place are refused, never reported
/// or judged as the store's.
public struct PlannedStore: Sendable {
    public let mountpoint: String
    public let uuid: String

    public init(mountpoint: String, uuid: String) {
        self.mountpoint = mountpoint
        self.uuid = uuid
    }

    /// The store's figures, as `check` reads them; fails naming what is mounted there instead
    /// when that is not the planned btrfs.
    public func figures() throws -> CapacityFigures {
        let figures = try CapacityProbe.read(mountpoint: mountpoint)
        try expect(figures.uuid, filesystem: figures.filesystem)
        return figures
    }

    /// The btrfs ioctls' reading alone (members and their sizes), checked the same way.
    func reading() throws -> BtrfsReading {
        let reading = try CapacityProbe.readBtrfs(mountpoint, sysfs: "/sys")
        try expect(reading.uuid, filesystem: "btrfs")
        return reading
    }

    func expect(_ found: String?, filesystem: String) throws {
        guard found?.lowercased() != uuid.lowercased() else { return }
        throw Self.elsewhere(mountpoint: mountpoint, planned: uuid, found: found.map { "btrfs \($0)" } ?? filesystem)
    }

    /// The failure when `found` ("btrfs <uuid>", or a filesystem type) is mounted at the
    /// mountpoint instead of the planned store: a failure (exit 1), not a refusal, since the
    /// run may already have changed the store before it saw the swap.
    static func elsewhere(mountpoint: String, planned: String, found: String) -> DockStoreError {
        DockStoreError.failed("\(found) is mounted at \(mountpoint) now, not the store (btrfs \(planned)) this reclaim planned; its figures are not the store's and are not reported: look with findmnt \(mountpoint), mount the store there again and run dockstore reclaim again")
    }
}
