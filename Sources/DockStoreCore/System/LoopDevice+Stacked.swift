#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A loop device stacked on one of the store's block devices (its image's loop device, or its
/// device), directly or through other stacked loop devices: the same bytes as the store. Or,
/// when `sharedFile` is set, a second loop device over the file behind `over`, itself a loop
/// device (attack 11, A-3, A-9): the same bytes too (all of them, or a part through an offset
/// or a size limit), which neither O_EXCL on `over` nor a scan for loop devices stacked on it sees.
public struct StackedLoop: Sendable, Equatable, Codable {
    /// `/dev/loopN`
    public var loop: String
    /// The block device it is bound to (`/dev/loopM` for one stacked on a stacked one); for a
    /// second loop device over `sharedFile`, the loop device whose file it shares.
    public var over: String
    /// The kernel has a btrfs mounted from it, in any mount namespace.
    public var mounted: Bool
    /// The file both it and `over` are bound to (the kernel's name of it, in sysfs), when it is
    /// bound to that file rather than stacked on `over`; nil for a stacked one.
    public var sharedFile: String?
    /// Where in `over` it begins (`/sys/block/loopN/loop/offset`), when not at 0: a shifted view
    /// of the store's bytes holds no superblock where btrfs reads it, so it cannot be mounted as
    /// the store, though what writes to it writes into the store (attack 23 H7).
    public var offset: UInt64?
    /// Its size in bytes (`SiblingLoop.bytes`).
    public var bytes: UInt64?

    public init(loop: String, over: String, mounted: Bool, sharedFile: String? = nil, offset: UInt64? = nil, bytes: UInt64? = nil) {
        self.loop = loop
        self.over = over
        self.mounted = mounted
        self.sharedFile = sharedFile
        self.offset = offset
        self.bytes = bytes
    }

    /// How it shows the bytes of `over`, which the caller calls `name` ("it", "/dev/loop3, the
    /// store's device"): "a loop device over NAME", or "a second loop device over FILE, the file
    /// behind NAME". The one wording every refusal and holder list uses.
    public func relation(to name: String) -> String {
        sharedFile.map { "a second loop device over \($0), the file behind \(name)" } ?? "a loop device over \(name)"
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
    /// A device in `devices` that is itself a loop device over a file, and not in `excluding`,
    /// shares its bytes with every other loop device over that file (`sharingFile(with:)`): those
    /// are reported (with `sharedFile`) and followed as stacked ones are (attack 11, A-3, A-9).
    /// One in `excluding` is one of the image's own loop devices, whose other loop devices over
    /// the image the caller already has (`devices(backing:)`, `siblings(of:)`).
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
        for device in devices where !excluding.contains(device) {
            for shared in try sharingFile(with: device, sysfs: sysfs) where !seen.contains(shared.loop) {
                seen.insert(shared.loop)
                pending.append(shared.loop)
                found.append(shared)
            }
        }
        while !pending.isEmpty {
            for device in pending {
                guard let number = try blockNumber(device, sysBlock: sysBlock) else { continue }
                numbers[number] = device
            }
            pending = []
            for name in try exposingNames(sysBlock: sysBlock) where !seen.contains("/dev/\(name)") {
                guard let backing = try sysfsBackingFile(name, sysBlock: sysBlock),
                      let under = try stackedOn(name, backing: backing, numbers: numbers) else { continue }
                let loop = "/dev/\(name)"
                seen.insert(loop)
                pending.append(loop)
                found.append(StackedLoop(loop: loop, over: under, mounted: try BtrfsSysfs.filesystem(withMember: name, sysfs: sysfs) != nil,
                                         offset: sysfsNonzero(name, "offset", sysBlock: sysBlock),
                                         bytes: sysfsBytes(name, sysBlock: sysBlock)))
            }
        }
        return found.sorted { $0.loop < $1.loop }
    }

    /// The other loop devices bound to the file behind the loop device `device` (`siblings(of:)`:
    /// by the file's st_dev and st_ino, at any offset or size limit), each with `sharedFile`;
    /// none for a device that is not a loop device, does not exist here, or is bound to nothing.
    public static func sharingFile(with device: String, sysfs: String = "/sys") throws -> [StackedLoop] {
        guard let number = try blockNumber(device, sysBlock: "\(sysfs)/block"),
              let name = kernelName(device) ?? kernelName(ofNumber: number, sysBlock: "\(sysfs)/block") else { return [] }
        guard let file = try sysfsBackingFile(name, sysBlock: "\(sysfs)/block") else { return [] }
        return try siblings(of: "/dev/\(name)", sysfs: sysfs).map {
            StackedLoop(loop: $0.loop, over: device, mounted: $0.mounted, sharedFile: file, offset: $0.offset, bytes: $0.bytes)
        }
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

extension LoopDevice {
    /// A loop device's `offset` or `sizelimit` from sysfs when it is not 0; nil for 0 or when it
    /// cannot be read (the caller then says what a whole view would mean, the stricter reading).
    static func sysfsNonzero(_ name: String, _ attribute: String, sysBlock: String) -> UInt64? {
        CapacityProbe.number("\(sysBlock)/\(name)/loop/\(attribute)").flatMap { $0 > 0 ? $0 : nil }
    }

    /// A block device's size in bytes from sysfs (`size`, in 512-byte sectors); nil when it
    /// cannot be read (the caller then says what a whole view would mean).
    static func sysfsBytes(_ name: String, sysBlock: String) -> UInt64? {
        CapacityProbe.number("\(sysBlock)/\(name)/size").flatMap { $0 <= UInt64.max / 512 ? $0 * 512 : nil }
    }
}
