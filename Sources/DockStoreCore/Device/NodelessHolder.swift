/// A device the kernel lists with a filesystem UUID whose node in /dev is missing or is another
/// device's (moved by hand, replaced by mknod, a container's /dev): a search by UUID through /dev
/// does not find it, and waiting for it said "check that the volume is attached (aws ec2
/// describe-volumes)" while it was attached all along (attack 43 P C13b). Provision mounts a
/// device only through its own node, so this names the kernel's device and how to give it its
/// node back. Found only by root, which may make a node for the number (`PrivateBlockNodes`).
public struct NodelessHolder: Sendable, Equatable, Codable {
    /// The kernel's name (`loop14`) and the node udev would give it (`/dev/loop14`).
    public var name: String
    public var node: String
    public var major: UInt64
    public var minor: UInt64
    /// What `node` is now: nil when there is none, else its device number (`7:15`), or
    /// "not a block device".
    public var nodeIsNow: String?

    /// Whether the node at the device's name is another device's: no udev run brings it back
    /// by itself, while a missing node may be one udev has not made yet.
    public var nodeIsAnotherDevice: Bool { nodeIsNow != nil }

    /// The devices carrying the btrfs `uuid` that have no node of their own in /dev.
    public static func find(uuid: String, partitions: String = "/proc/partitions") throws -> [NodelessHolder] {
        let nodes = PrivateBlockNodes()
        defer { nodes.removeAll() }
        return try StoreCopies.carrying(uuid: uuid, partitions: partitions, nodes: nodes).compactMap { made in
            guard let name = nodes.names[made], let number = try FileStatus.of(made)?.rdev else { return nil }
            let node = StoreCopies.devicePath(ofPartitionsName: name)
            let now: String?
            switch try FileStatus.following(node) {
            case nil: now = nil
            case let status? where status.kind == .blockDevice: now = "the block device \(DockStoreCore.major(status.rdev)):\(DockStoreCore.minor(status.rdev))"
            case _?: now = "not a block device"
            }
            return NodelessHolder(name: name, node: node, major: DockStoreCore.major(number), minor: DockStoreCore.minor(number), nodeIsNow: now)
        }
    }

    /// The kernel's device of a `/dev/NAME` path that does not exist, when sysfs knows NAME:
    /// a device attached without its node (waiting for the name said "check that the volume is
    /// attached"). nil for any other path.
    public static func named(_ path: String, sysfs: SysfsBlock) throws -> NodelessHolder? {
        guard path.hasPrefix("/dev/"), try FileStatus.following(path) == nil else { return nil }
        let name = String(path.dropFirst(5))
        guard !name.isEmpty, !name.contains("/"), let text = sysfs.attribute(name, "dev"), let (major, minor) = numbers(text) else { return nil }
        return NodelessHolder(name: name, node: path, major: major, minor: minor, nodeIsNow: nil)
    }

    /// A mounted store's member whose path (the one btrfs lists) is missing or another device's
    /// node while sysfs knows the kernel's device (`kernelName`; by default the path's own
    /// `/dev/NAME`): the store keeps working, but every command that acts on the device through
    /// that path refuses or reaches the other device (helper O 2c, attack 49 S B9, B10: check
    /// said OK). Anyone may read both. nil when the path is the device's node.
    public static func member(_ path: String, kernelName: String? = nil, sysfs: String) throws -> NodelessHolder? {
        let tail = path.hasPrefix("/dev/") ? String(path.dropFirst(5)) : ""
        guard let name = kernelName ?? (tail.isEmpty || tail.contains("/") ? nil : tail),
              let text = try FileContents.readString("\(sysfs)/class/block/\(name)/dev"), let (major, minor) = numbers(text) else { return nil }
        let now: String?
        switch try FileStatus.following(path) {
        // A link to nothing is something at the name all the same (attack 49 S B7: mknod failed "File exists").
        case nil: now = try FileStatus.of(path) == nil ? nil : "a symbolic link to nothing"
        case let status? where status.kind == .blockDevice:
            if DockStoreCore.major(status.rdev) == major && DockStoreCore.minor(status.rdev) == minor { return nil }
            now = "the block device \(DockStoreCore.major(status.rdev)):\(DockStoreCore.minor(status.rdev))"
        case _?: now = "not a block device"
        }
        var holder = NodelessHolder(name: name, node: path, major: major, minor: minor, nodeIsNow: now)
        if path != "/dev/\(name)" {
            holder.ownNodeIsThere = try FileStatus.following("/dev/\(name)").map { $0.kind == .blockDevice && $0.rdev == deviceNumber(major: major, minor: minor) } ?? false
        }
        return holder
    }

    /// sysfs's `MAJOR:MINOR` as a device number (st_rdev form).
    static func number(_ text: String) -> UInt64? {
        numbers(text).map { deviceNumber(major: $0.0, minor: $0.1) }
    }

    /// sysfs's `MAJOR:MINOR` of a block device.
    private static func numbers(_ text: String) -> (UInt64, UInt64)? {
        let parts = text.trimmingWhitespace().split(separator: ":")
        guard parts.count == 2, let major = UInt64(parts[0]), let minor = UInt64(parts[1]) else { return nil }
        return (major, minor)
    }

    /// For a member btrfs lists under another path than `/dev/NAME` (`member`): whether
    /// `/dev/NAME` is the device's node; nil for one listed as `/dev/NAME`.
    public var ownNodeIsThere: Bool?

    /// How to give the device its node back: a node that is there (another device's, a link,
    /// a file) moved aside first, else only made (attack 49 S B1m). A member btrfs lists under
    /// another path is listed by its own node after `btrfs device scan` of that node, which
    /// btrfs takes only from the device itself.
    var restore: String {
        let own = "/dev/\(name)"
        guard node != own, let ownNodeIsThere else {
            let make = "mknod \(node) b \(major) \(minor), or udevadm trigger --action=add /sys/class/block/\(name)"
            return nodeIsNow == nil ? make : "mv \(node) aside, then \(make)"
        }
        let scan = "btrfs device scan \(own), which makes btrfs list the device by its own node"
        return ownNodeIsThere ? scan : "give the device its own node (mknod \(own) b \(major) \(minor), or udevadm trigger --action=add /sys/class/block/\(name)), then \(scan)"
    }

    /// check's words for a mounted store's member without its node (`member`).
    public func memberVerdict(devid: UInt64, mountpoint: String) -> String {
        let now = nodeIsNow.map { "\(node) is \($0)" } ?? "there is no \(node)"
        let reach = nodeIsNow?.hasPrefix("the block device") == true ? "reach that other device instead" : "fail"
        return "btrfs device \(devid) of the store at \(mountpoint) is the kernel's \(name) (\(major):\(minor)), but \(now): Docker's storage works, but what reaches the device through \(node) (losetup, btrfs device and replace commands; dockstore refuses a device store in this state) would \(reach); restore it (\(restore))"
    }

    /// `device UUID=… is attached as the kernel's loop14 (7:14), but /dev/loop14 is …: restore …`.
    /// `spec`: how the device was asked for (`UUID=…`, `/dev/loop14`).
    public func refusal(_ spec: String, because: String?) -> DockStoreError {
        let now = nodeIsNow.map { "\(node) is \($0)" } ?? "there is no \(node)"
        return .refused("device \(spec) is attached as the kernel's \(name) (\(major):\(minor)), but \(now): its node in /dev is missing or another device's, and dockstore mounts a device only through its own node; restore it (\(restore)) and re-run; nothing was changed"
                        + (because.map { "; dockstore looks for it because \($0)" } ?? ""))
    }
}
