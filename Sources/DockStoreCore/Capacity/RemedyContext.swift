/// What a remedy needs to know beyond the figures to name a command that works on this
/// store: the `--root` the figures were read under (dockstore's commands then take paths
/// inside it), and which members are EBS volumes (only those grow by Elastic Volumes).
public struct RemedyContext: Sendable, Equatable, Codable {
    /// The canonical root folder; "/" for the running system.
    public var root: String
    /// devids of the members that are EBS volumes (NVMe model "Amazon Elastic Block Store").
    public var ebsMembers: [UInt64]

    public init(root: String = "/", ebsMembers: [UInt64] = []) {
        self.root = root
        self.ebsMembers = ebsMembers
    }

    /// The context of `f`, read under `host`: a member is an EBS volume when sysfs says so.
    public static func read(host: Host, figures f: CapacityFigures, sysfs: SysfsBlock = SysfsBlock()) -> RemedyContext {
        let resolver = DeviceResolver(sysfs: sysfs)
        let ebs = f.devices.filter { device in
            guard device.path.hasPrefix("/dev/"), !device.path.hasPrefix("/dev/loop") else { return false }
            return resolver.volumeID(of: String(device.path.dropFirst("/dev/".count))) != nil
        }
        return RemedyContext(root: host.root, ebsMembers: ebs.map(\.devid))
    }
}
