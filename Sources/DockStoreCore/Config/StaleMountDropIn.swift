/// dockstore's drop-in of the mount unit provision resolved before a link on the mountpoint's
/// path was changed (attack 33 V C10, `RelinkedStore`): once that store is no longer mounted
/// (after a reboot), docker.service's drop-in still names the old unit, and the old unit's
/// drop-in conditions a unit systemd no longer makes. provision, rewriting docker.service's
/// drop-in for the unit of now, and teardown remove it; one that is not dockstore's is left.
public struct StaleMountDropIn: Sendable, Equatable {
    public var unit: String
    public var path: HostPath
    /// The file as read: the removal refuses when it changed since (`FileBasis`).
    public var bytes: [UInt8]

    public init(unit: String, path: HostPath, bytes: [UInt8]) {
        self.unit = unit
        self.path = path
        self.bytes = bytes
    }

    /// Reads it: `dropIn` is docker.service's drop-in as read, for `mountpoint` as written;
    /// `unitPath` the mountpoint as systemd resolves it now (`Host.unitPath`).
    public static func observe(dropIn: [UInt8]?, mountpoint: HostPath, unitPath: HostPath, host: Host) throws -> StaleMountDropIn? {
        guard let unit = DockerDropIn.formerUnit(in: dropIn, mountpoint: mountpoint, unitPath: unitPath),
              unit.utf8.count <= MountUnitName.maxLength else { return nil }
        let path = MountDropIn.path(unit: unit)
        guard let bytes = try FileContents.read(path, on: host), MountDropIn.ownership(of: bytes) == .dockstore else { return nil }
        return StaleMountDropIn(unit: unit, path: path, bytes: bytes)
    }

    /// The words of the removal step.
    public func change(now unitPath: HostPath) -> String {
        "remove it: the mountpoint resolves to \(ShownBytes.text(unitPath.string)) now (a link on its path was changed), so systemd mounts it as \(MountUnitName.of(unitPath)) and no longer makes \(unit)"
    }
}
