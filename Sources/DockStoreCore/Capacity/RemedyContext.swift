/// What a remedy needs to know beyond the figures to name a command that works on this
/// store: the `--root` the figures were read under (dockstore's commands then take paths
/// inside it), which members are EBS volumes (only those grow by Elastic Volumes), and which
/// are Xen virtual disks (EBS or instance store on Xen-based instances: sysfs cannot tell).
public struct RemedyContext: Sendable, Equatable, Codable {
    /// The canonical root folder; "/" for the running system.
    public var root: String
    /// devids of the members that are EBS volumes (NVMe model "Amazon Elastic Block Store").
    public var ebsMembers: [UInt64]
    /// devids of the members that are Xen blkfront disks (`xvd*`, modalias `xen:vbd`).
    public var xenMembers: [UInt64]

    public init(root: String = "/", ebsMembers: [UInt64] = [], xenMembers: [UInt64] = []) {
        self.root = root
        self.ebsMembers = ebsMembers
        self.xenMembers = xenMembers
    }

    /// The context of `f`, read under `host`: what kind of disk a member is, as sysfs says.
    public static func read(host: Host, figures f: CapacityFigures, sysfs: SysfsBlock = SysfsBlock()) -> RemedyContext {
        let resolver = DeviceResolver(sysfs: sysfs)
        let disks = f.devices.compactMap { device -> (devid: UInt64, name: String)? in
            guard device.path.hasPrefix("/dev/"), !device.path.hasPrefix("/dev/loop") else { return nil }
            return (device.devid, String(device.path.dropFirst("/dev/".count)))
        }
        return RemedyContext(root: host.root,
                             ebsMembers: disks.filter { resolver.volumeID(of: $0.name) != nil }.map(\.devid),
                             xenMembers: disks.filter { resolver.isXenVirtualDisk($0.name) }.map(\.devid))
    }
}
