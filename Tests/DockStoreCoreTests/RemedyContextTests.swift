import Foundation
import Testing
@testable import DockStoreCore

/// Which kind of disk RemedyContext takes a member for, read from a fake sysfs tree laid out as
/// the kernel shows each kind: an EBS NVMe volume (model "Amazon Elastic Block Store", serial the
/// volume id), an NVMe instance-store disk, a Xen blkfront disk (`device/modalias` `xen:vbd`, no
/// model, no serial), a virtio disk and a loop device.
@Suite struct RemedyContextTests {
    enum Disk: String, CaseIterable, CustomTestStringConvertible {
        case nvmeEBS, nvmeInstanceStore, xvd, xvdPartition, virtio, loop
        var testDescription: String { rawValue }

        var path: String {
            switch self {
            case .nvmeEBS: return "/dev/nvme1n1"
            case .nvmeInstanceStore: return "/dev/nvme2n1"
            case .xvd: return "/dev/xvdf"
            case .xvdPartition: return "/dev/xvdg1"
            case .virtio: return "/dev/vdb"
            case .loop: return "/dev/loop3"
            }
        }

        /// (EBS member, Xen member, what grow's remedy says)
        var expected: (ebs: Bool, xen: Bool, grow: String?) {
            switch self {
            case .nvmeEBS: return (true, false, "enlarge the EBS volume (aws ec2 modify-volume), then dockstore grow --mountpoint /var/lib/docker")
            case .nvmeInstanceStore, .virtio: return (false, false, nil)
            case .xvd, .xvdPartition:
                return (false, true, "if it is an EBS volume, enlarge it with Elastic Volumes (aws ec2 modify-volume), then dockstore grow --mountpoint /var/lib/docker (an instance-store disk cannot be enlarged)")
            case .loop: return (false, false, "grow the image (dockstore grow --to SIZE --mountpoint /var/lib/docker; the host needs the room)")
            }
        }
    }

    final class Tree {
        let sys = NSTemporaryDirectory() + "dockstore-remedy-sysfs-" + UUID().uuidString

        init() throws {
            try disk("nvme1n1", ["device/model": "Amazon Elastic Block Store              ", "device/serial": "vol0abc1234def567890"])
            try disk("nvme2n1", ["device/model": "Amazon EC2 NVMe Instance Storage        ", "device/serial": "AWS1B2C3D4E5F6A7B8C9"])
            try disk("xvdf", ["device/modalias": "xen:vbd", "device/devtype": "vbd", "device/nodename": "device/vbd/51792"])
            try disk("xvdg", ["device/modalias": "xen:vbd", "device/devtype": "vbd", "device/nodename": "device/vbd/51808"])
            try partition("xvdg1", of: "xvdg")
            try disk("vdb", ["device/modalias": "virtio:d00000002v00001AF4", "device/vendor": "0x1af4"])
            try disk("loop3", ["loop/backing_file": "/var/lib/docker-storage.btrfs"])
            try disk("loop4", ["loop/backing_file": "/srv/volume.img", "loop/sizelimit": "8589934592"])
            try disk("loop5", ["loop/backing_file": "/srv/other.img", "loop/sizelimit": "0"])
        }

        func write(_ text: String, _ path: String) throws {
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try (text + "\n").write(toFile: path, atomically: false, encoding: .utf8)
        }

        func disk(_ name: String, _ attributes: [String: String]) throws {
            try FileManager.default.createDirectory(atPath: "\(sys)/block/\(name)", withIntermediateDirectories: true)
            try FileManager.default.createDirectory(atPath: "\(sys)/class/block", withIntermediateDirectories: true)
            try FileManager.default.createSymbolicLink(atPath: "\(sys)/class/block/\(name)", withDestinationPath: "\(sys)/block/\(name)")
            for (attribute, value) in attributes { try write(value, "\(sys)/block/\(name)/\(attribute)") }
        }

        /// As sysfs shows a partition: a folder inside its disk's, with a `partition` file.
        func partition(_ name: String, of disk: String) throws {
            try write("1", "\(sys)/block/\(disk)/\(name)/partition")
            try FileManager.default.createSymbolicLink(atPath: "\(sys)/class/block/\(name)", withDestinationPath: "\(sys)/block/\(disk)/\(name)")
        }

        deinit { try? FileManager.default.removeItem(atPath: sys) }
    }

    @Test(arguments: Disk.allCases)
    func eachKindOfDiskGetsItsRemedy(_ disk: Disk) throws {
        let tree = try Tree()
        var f = CapacityTests.figures()
        f.devices = [.init(devid: 1, path: disk.path, size: 100 << 30, errors: [:])]
        let context = RemedyContext.read(host: try Host(root: "/"), figures: f, deviceStore: false, sysfs: SysfsBlock(root: tree.sys))
        #expect(context.ebsMembers == (disk.expected.ebs ? [1] : []))
        #expect(context.xenMembers == (disk.expected.xen ? [1] : []))
        f.remedyContext = context
        #expect(Remedy.grow(f) == disk.expected.grow)
        let more = Remedy.moreRoom(f)
        if disk.expected.xen { #expect(!more.contains("not an EBS volume"), "\(more)") }
        if disk == .nvmeInstanceStore || disk == .virtio { #expect(more.contains("this device cannot be enlarged"), "\(more)") }
    }

    /// A Xen disk names no volume id, so a device on it is identified by its filesystem's
    /// device UUID; the resolver finds it by path and reports no volume id, and a Xen disk is
    /// never taken for an EBS NVMe device by its name.
    @Test func aXenDiskHasNoVolumeID() throws {
        let tree = try Tree()
        let resolver = DeviceResolver(sysfs: SysfsBlock(root: tree.sys))
        #expect(resolver.volumeID(of: "xvdf") == nil)
        #expect(resolver.volumeID(of: "xvdg1") == nil)
        #expect(resolver.isXenVirtualDisk("xvdg1"))
        #expect(!resolver.isXenVirtualDisk("nvme1n1"))
        #expect(!resolver.isXenVirtualDisk("vdb"))
        #expect(resolver.ebsDisks() == ["nvme1n1"])
    }

    /// A loop device the caller knows as a device store (fstab mounts it by UUID) is a volume
    /// whose file grows; the size limit it was attached with is read from sysfs and named.
    /// The context reads no fstab of its own: the same loop device as an image store's member
    /// gets the image's remedy whatever its size limit.
    @Test(arguments: [("loop4", true, UInt64(8 << 30)), ("loop5", true, nil), ("loop4", false, nil), ("loop3", true, nil)] as [(String, Bool, UInt64?)])
    func aLoopVolumeNamesItsSizeLimit(_ loop: String, _ deviceStore: Bool, _ limit: UInt64?) throws {
        let tree = try Tree()
        var f = CapacityTests.figures()
        f.devices = [.init(devid: 1, path: "/dev/\(loop)", size: 100 << 30, errors: [:])]
        let context = RemedyContext.read(host: try Host(root: "/"), figures: f, deviceStore: deviceStore, sysfs: SysfsBlock(root: tree.sys))
        #expect(context.deviceStore == deviceStore)
        #expect(context.loopSizeLimit == limit)
        f.remedyContext = context
        #expect(Remedy.kind(f) == (deviceStore ? .loopVolume : .image))
    }
}
