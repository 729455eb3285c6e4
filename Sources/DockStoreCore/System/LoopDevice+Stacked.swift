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
    /// attack 9). Loop devices in `excluding` (the store's own members) are neither reported nor
    /// followed. Mounted is the kernel's word (`/sys/fs/btrfs/<fsid>/devices/loopN`), in any
    /// mount namespace. A device in `devices` that does not exist here is skipped.
    ///
    /// Each bound loop device's backing path (sysfs) is looked at: a block device is matched by
    /// its number, as `loops(overBlockDevices:node:)` matches it; a path that does not resolve
    /// is asked of the loop driver (its backing st_rdev). For `check` run by an unprivileged user
    /// a path in a folder it may not search, of a loop device it may not open, cannot be told
    /// apart: under /dev (where device nodes live) that is an error, elsewhere it is taken for a
    /// file (a loop device stacked through a device node made outside /dev is seen by root only).
    public static func stacked(over devices: [String], excluding: Set<String> = [], sysfs: String = "/sys") throws -> [StackedLoop] {
        let sysBlock = "\(sysfs)/block"
        var numbers: [UInt64: String] = [:]
        var pending = devices
        var seen = Set(devices).union(excluding)
        var found: [StackedLoop] = []
        while !pending.isEmpty {
            for device in pending {
                guard let node = try FileStatus.following(device), node.kind == .blockDevice else { continue }
                numbers[node.rdev] = device
            }
            pending = []
            guard let names = FolderEntries.names(sysBlock) else {
                throw DockStoreError.system("cannot list", sysBlock, errno: Errno.current)
            }
            for name in names.sorted() where name.hasPrefix("loop") && !seen.contains("/dev/\(name)") {
                guard access("\(sysBlock)/\(name)/loop", F_OK) == 0, let backing = try sysfsBackingFile(name, sysBlock: sysBlock),
                      let under = try stackedOn(name, backing: backing, numbers: numbers) else { continue }
                let loop = "/dev/\(name)"
                seen.insert(loop)
                pending.append(loop)
                found.append(StackedLoop(loop: loop, over: under, mounted: try BtrfsSysfs.filesystem(withMember: name, sysfs: sysfs) != nil))
            }
        }
        return found.sorted { $0.loop < $1.loop }
    }

    /// Which of `numbers`' devices the loop device `name` is bound to, or nil.
    static func stackedOn(_ name: String, backing: String, numbers: [UInt64: String]) throws -> String? {
        let resolved: FileStatus?
        do {
            resolved = try FileStatus.following(backing)
        } catch let error as DockStoreError {
            // The path does not resolve for this user: the loop driver knows what it holds.
            switch try readableStatus("/dev/\(name)") {
            case .read(let status?): return numbers[status.backingRdevice]
            case .read(nil): return nil // unbound since the listing
            case .denied:
                guard backing.hasPrefix("/dev/") else { return nil }
                throw DockStoreError.refused("cannot tell whether /dev/\(name) is stacked on the store's device: its backing file \(backing) is unreadable (\(error.message)) and so is its loop status")
            }
        }
        if let file = resolved {
            return file.kind == .blockDevice ? numbers[file.rdev] : nil
        }
        // Not there for this path (another mount namespace, deleted): ask the loop driver.
        switch try readableStatus("/dev/\(name)") {
        case .read(let status?): return numbers[status.backingRdevice]
        case .read(nil): return nil
        case .denied:
            guard backing.hasPrefix("/dev/") else { return nil }
            throw DockStoreError.refused("cannot tell whether /dev/\(name) is stacked on the store's device: its backing file \(backing) is not there and its loop status is unreadable")
        }
    }
}
