/// What a remedy needs to know beyond the figures to name a command that works on this
/// store: the `--root` the figures were read under (dockstore's commands then take paths
/// inside it), which members are EBS volumes (only those grow by Elastic Volumes), and which
/// are Xen virtual disks (EBS or instance store on Xen-based instances: sysfs cannot tell), and
/// what a second member is: reclaim's temporary member or a migration's target.
public struct RemedyContext: Sendable, Equatable, Codable {
    /// The canonical root folder; "/" for the running system.
    public var root: String
    /// devids of the members that are EBS volumes (NVMe model "Amazon Elastic Block Store").
    public var ebsMembers: [UInt64]
    /// devids of the members that are Xen blkfront disks (`xvd*`, modalias `xen:vbd`).
    public var xenMembers: [UInt64]
    /// devids of the members this store's reclaim journal names as the room it lent.
    public var reclaimMembers: [UInt64] = []
    /// Whether a migration journal is open (migrate-ebs has a run to finish).
    public var migrating = false
    /// fstab's line for the mountpoint names a device (`UUID=`, a /dev node): a loop member is
    /// then a volume standing in for a disk (as the README allows), which grow takes to the
    /// device's size, not an image `grow --to` extends (attack 31 R 1e: check sent a full loop
    /// volume store to `grow --to SIZE`, which grow refuses for a device).
    public var deviceStore = false
    /// For such a loop device attached with a size limit (`losetup --sizelimit`): the limit in
    /// bytes, which caps the device however large its file grows (attack 32, S rem2).
    public var loopSizeLimit: UInt64? = nil

    public init(root: String = "/", ebsMembers: [UInt64] = [], xenMembers: [UInt64] = [],
                reclaimMembers: [UInt64] = [], migrating: Bool = false) {
        self.root = root
        self.ebsMembers = ebsMembers
        self.xenMembers = xenMembers
        self.reclaimMembers = reclaimMembers
        self.migrating = migrating
    }

    /// The context of `f`, read under `host`: what kind of disk a member is, as sysfs says.
    /// `deviceStore` is the caller's own fact (check's and grow's from fstab, status's from its
    /// request, reclaim's from the member's file): the context reads no configuration again.
    public static func read(host: Host, figures f: CapacityFigures, deviceStore: Bool,
                            sysfs: SysfsBlock = SysfsBlock()) -> RemedyContext {
        let resolver = DeviceResolver(sysfs: sysfs)
        let disks = f.devices.compactMap { device -> (devid: UInt64, name: String)? in
            guard device.path.hasPrefix("/dev/"), !device.path.hasPrefix("/dev/loop") else { return nil }
            return (device.devid, String(device.path.dropFirst("/dev/".count)))
        }
        var context = RemedyContext(root: host.root,
                                    ebsMembers: disks.filter { resolver.volumeID(of: $0.name) != nil }.map(\.devid),
                                    xenMembers: disks.filter { resolver.isXenVirtualDisk($0.name) }.map(\.devid))
        context.deviceStore = deviceStore
        if deviceStore, let loop = f.devices.first(where: { !$0.isMissing && $0.path.hasPrefix("/dev/loop") }) {
            context.loopSizeLimit = loopSizeLimit(of: loop.path, sysfs: sysfs)
        }
        // Only for a store of several members, where a remedy must tell them apart. A journal
        // that cannot be read leaves the member unexplained: the remedy then names neither.
        if f.devices.count > 1 {
            let journal = f.maintenance?.reclaimUnderWay ?? (try? ReclaimJournal.read(host: host)) ?? nil
            if let journal, journal.filesystemUUID == f.uuid, let devid = journal.room?.devid, journal.room?.kind == .device {
                context.reclaimMembers = [devid]
            }
            context.migrating = ((try? FileContents.readString(MigrationJournal.path, on: host)) ?? nil) != nil
        }
        return context
    }

    /// The size limit of a loop device (`losetup --sizelimit`), from sysfs (no root needed).
    /// Only the remedy's words depend on it: a value that cannot be read leaves the remedy
    /// that enlarges the device's file, which is right for every loop device without a limit.
    static func loopSizeLimit(of loop: String, sysfs: SysfsBlock) -> UInt64? {
        let file = "\(sysfs.root)/block/\(loop.dropFirst("/dev/".count))/loop/sizelimit"
        let text: String?
        do { text = try FileContents.readString(file) } catch { return nil }
        guard let text, let limit = UInt64(text.trimmingWhitespace()), limit > 0 else { return nil }
        return limit
    }
}
