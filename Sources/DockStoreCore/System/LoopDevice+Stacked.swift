#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A loop device stacked on one of the store's block devices (its image's loop device, or its
/// device), directly or through other stacked loop devices: the same bytes as the store.
public struct StackedLoop: Sendable, Equatable, Codable {
    /// `/dev/loopN`
    public var loop: String
    /// The block device it is bound to (`/dev/loopM` for one stacked on a stacked one).
    public var over: String
    /// The kernel has a btrfs mounted from it, in any mount namespace.
    public var mounted: Bool

    public init(loop: String, over: String, mounted: Bool) {
        self.loop = loop
        self.over = over
        self.mounted = mounted
    }
}

extension LoopDevice {
    /// The loop devices stacked on any of the block devices `devices`, at any depth (a loop
    /// device over one of them, a loop device over that one, …), with whether each is mounted.
    /// Such a loop device shows the same bytes as the device under it: mounting it makes a second
    /// btrfs instance of the store (the kernel gives it a temporary fsid), and the loop driver
    /// holds the device under it without claiming it, so O_EXCL does not see it (issue 15,
    /// attack 9). Found by `loops(overBlockDevices:node:)`, each device by its device number.
    /// Loop devices in `excluding` (the store's own members) are neither reported nor followed.
    /// Mounted is the kernel's word (`/sys/fs/btrfs/<fsid>/devices/loopN`), in any namespace.
    /// A device in `devices` that does not exist here is skipped: nothing can be stacked on it.
    public static func stacked(over devices: [String], excluding: Set<String> = [], sysfs: String = "/sys") throws -> [StackedLoop] {
        var seen = Set(devices).union(excluding)
        var pending = devices
        var found: [StackedLoop] = []
        while let device = pending.first {
            pending.removeFirst()
            guard let node = try FileStatus.following(device), node.kind == .blockDevice else { continue }
            for loop in try loops(overBlockDevices: [node.rdev], node: node, sysBlock: "\(sysfs)/block") where !seen.contains(loop) {
                seen.insert(loop)
                pending.append(loop)
                let name = String(loop.dropFirst("/dev/".count))
                found.append(StackedLoop(loop: loop, over: device, mounted: try BtrfsSysfs.filesystem(withMember: name, sysfs: sysfs) != nil))
            }
        }
        return found.sorted { $0.loop < $1.loop }
    }
}
