/// One block device carrying a member of a btrfs, as its primary superblock says.
public struct StoreCopy: Sendable, Equatable, Codable {
    public var path: String
    public var devid: UInt64
    /// The member's own UUID (dev_item.uuid, blkid's UUID_SUB).
    public var deviceUUID: String
    /// The superblock's transaction generation: of two copies the higher was written later.
    public var generation: UInt64

    public init(path: String, devid: UInt64, deviceUUID: String, generation: UInt64) {
        self.path = path
        self.devid = devid
        self.deviceUUID = deviceUUID
        self.generation = generation
    }
}

/// Block devices that carry the same member of one btrfs — the same filesystem UUID, devid and
/// device UUID — over different bytes: a block-level copy of the store (a restored EBS
/// snapshot, a `dd` or `cp` of the volume). The members of a multi-device btrfs carry one
/// filesystem UUID too, but each its own devid and device UUID: they are never copies.
///
/// libblkid, udev's `/dev/disk/by-uuid` and the kernel's scan each pick one of the copies,
/// whichever they met first or last, so `UUID=` in fstab can mount a stale copy and silently
/// roll the store back: while a copy is attached dockstore mounts neither and says which.
///
/// Devices that are the same bytes (a loop device stacked on another of them, two loop devices
/// over one file) are not copies: the second-instance and stacked-loop rules report those.
public enum StoreCopies {
    /// The groups (two or more devices each) of `devices` that are copies of one member of the
    /// btrfs `uuid`. A superblock that cannot be read throws: it could be a copy.
    static func groups(uuid: String, devices: [String]) throws -> [[StoreCopy]] {
        var byMember: [String: [StoreCopy]] = [:]
        var order: [String] = []
        var seenBytes: Set<String> = []
        for device in devices {
            guard let block = try BtrfsSuperblock.read(device), block.fsid.lowercased() == uuid.lowercased(), block.bytenr == 65536 else { continue }
            guard seenBytes.insert(try bytesKey(device)).inserted else { continue }
            let key = "\(block.devid)/\(block.deviceUUID)"
            if byMember[key] == nil { order.append(key) }
            byMember[key, default: []].append(StoreCopy(path: device, devid: block.devid, deviceUUID: block.deviceUUID,
                                                        generation: block.generation))
        }
        return order.compactMap { byMember[$0] }.filter { $0.count > 1 }
    }

    /// The devices of nonzero size in /proc/partitions (`major minor #blocks name` after a
    /// header line): the kernel's name and the device number.
    static func nonEmptyDevices(inPartitions text: String) -> [(name: String, device: UInt64)] {
        text.split(separator: "\n").dropFirst().compactMap { line in
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard fields.count == 4, let major = UInt64(fields[0]), let minor = UInt64(fields[1]),
                  let blocks = UInt64(fields[2]), blocks > 0 else { return nil }
            return (String(fields[3]), deviceNumber(major: major, minor: minor))
        }
    }

    /// The device node of a name in /proc/partitions: the kernel writes a `/` in a device's name
    /// as `!` (cciss!c0d0 is /dev/cciss/c0d0), as udev names the node.
    static func devicePath(ofPartitionsName name: String) -> String {
        "/dev/" + String(name.map { $0 == "!" ? "/" : $0 })
    }

    /// The image file and the block devices that carry the same member of its btrfs, other
    /// than the image's own loop devices: a loop device left over the older file the image
    /// replaced (deleted since), a volume restored from a copy of it. provision mounted the
    /// image beside such a device, and the next boot's `UUID=` may mount either (attack 44 O
    /// 3c). One group, the image first; none when no such device is attached.
    public static func ofImage(_ image: String, uuid: String) throws -> [[StoreCopy]] {
        let others = try FilesystemMembers.devices(withUUID: uuid, besidesImage: image)
        guard !others.isEmpty, let file = try FileStatus.of(image), let mine = try BtrfsSuperblock.read(image), mine.bytenr == 65536 else { return [] }
        let same = try others.compactMap { device -> StoreCopy? in
            guard let block = try BtrfsSuperblock.read(device), block.fsid.lowercased() == uuid.lowercased(), block.bytenr == 65536,
                  block.devid == mine.devid, block.deviceUUID == mine.deviceUUID else { return nil }
            // A loop device over the image attached since the image's loop devices were listed
            // (systemd's mount of the fstab line racing provision at boot) is the image itself.
            if let node = try FileStatus.following(device), major(node.rdev) == 7, let loop = try LoopDevice.status(device),
               loop.backingDevice == file.device, loop.backingInode == file.inode { return nil }
            return StoreCopy(path: device, devid: block.devid, deviceUUID: block.deviceUUID, generation: block.generation)
        }
        guard !same.isEmpty else { return [] }
        return [[StoreCopy(path: image, devid: mine.devid, deviceUUID: mine.deviceUUID, generation: mine.generation)] + same]
    }

    /// Every block device libblkid finds with the filesystem UUID `uuid`, grouped as `groups`.
    public static func find(uuid: String) throws -> [[StoreCopy]] {
        try groups(uuid: uuid, devices: try FilesystemMembers.devices(withUUID: uuid))
    }

    /// The copies of the btrfs `uuid`'s members among every block device the kernel lists, by
    /// reading each one's superblock rather than asking libblkid (`check` loads no library).
    /// A device of size 0 (an unbound loop device, an empty drive) has none; one that went away
    /// while it was read, or that this process may not open, is skipped; a failed read throws.
    static func scan(uuid: String, partitions: String = "/proc/partitions") throws -> [[StoreCopy]] {
        let nodes = PrivateBlockNodes()
        defer { nodes.removeAll() }
        let found = try groups(uuid: uuid, devices: try carrying(uuid: uuid, partitions: partitions, nodes: nodes))
        // A copy read through a node made for it is named by the kernel's name of its device.
        return found.map { group in
            group.map { copy in
                guard let name = nodes.names[copy.path] else { return copy }
                var named = copy
                named.path = "\(devicePath(ofPartitionsName: name)) (no such node in /dev; the kernel's device \(copy.path.split(separator: "/").last ?? ""))"
                return named
            }
        }
    }

    /// The block devices the kernel lists whose primary superblock carries the btrfs `uuid`,
    /// skipped and thrown as `scan` says. The list is /proc/partitions, one read that names
    /// every disk and partition of nonzero size (the kernel leaves out the empty ones): reading
    /// `/sys/class/block/*/size` cost an open and a read for every unbound loop device, 256 of
    /// them on a machine that once attached as many, and made check 2.8 times slower.
    /// With `nodes`, a device whose node in /dev is missing or is another device is read through
    /// a node made for its number (`PrivateBlockNodes`); without, it is skipped.
    static func carrying(uuid: String, partitions: String = "/proc/partitions", nodes: PrivateBlockNodes? = nil) throws -> [String] {
        guard let text = try FileContents.readString(partitions) else {
            throw DockStoreError.system("cannot read", partitions, errno: Errno.noSuchFileOrDirectory)
        }
        var carrying: [String] = []
        for entry in Self.nonEmptyDevices(inPartitions: text).sorted(by: { $0.name < $1.name }) {
            var path = Self.devicePath(ofPartitionsName: entry.name)
            do {
                let status = try FileStatus.following(path)
                if status?.kind != .blockDevice || status?.rdev != entry.device {
                    guard let nodes, let made = try nodes.node(for: entry.device, name: entry.name) else { continue }
                    path = made
                }
                guard let block = try BtrfsSuperblock.read(path), block.fsid.lowercased() == uuid.lowercased(), block.bytenr == 65536 else { continue }
            } catch let error as DockStoreError where error.code.map(gone.contains) == true {
                continue
            }
            carrying.append(path)
        }
        return carrying
    }

    /// errno values of a device that went away between the listing and the read, or that this
    /// process may not open at all (EPERM, EACCES: a host disk a sandbox or lockdown keeps from
    /// it, which libblkid cannot probe either, so provision does not see it there too).
    static let gone: Set<Int32> = [Errno.noSuchFileOrDirectory, Errno.noSuchAddressOrDevice, Errno.noSuchDevice, Errno.noMedium,
                                   Errno.notPermitted, Errno.permissionDenied]

    /// Refuses when any member of the btrfs `uuid` has a copy among `devices`.
    static func refuse(uuid: String, among devices: [String]) throws {
        guard devices.count > 1 else { return }
        let found = try groups(uuid: uuid, devices: devices)
        if !found.isEmpty { throw refusal(uuid: uuid, found) }
    }

    /// One line: which devices carry the same member, their generations, and what to do.
    public static func refusal(uuid: String, _ groups: [[StoreCopy]]) -> DockStoreError {
        .refused("refusing: \(describe(uuid: uuid, groups)); dockstore mounts neither (the older one would roll the store back, and the boot's UUID= may pick either): \(advice(groups)), and re-run")
    }

    /// `A (generation N) and B (generation M) both carry devid 1 of the btrfs UUID=… (device UUID …): block copies of one volume`.
    public static func describe(uuid: String, _ groups: [[StoreCopy]]) -> String {
        groups.map { group in
            let devices = group.map { "\($0.path) (generation \($0.generation))" }
            let both = group.count == 2 ? "both" : "all"
            return "\(devices.joinedText(" and ")) \(both) carry devid \(group[0].devid) of the btrfs UUID=\(uuid) (device UUID \(group[0].deviceUUID)): block copies of one volume, such as a restored snapshot"
        }.joinedText("; ")
    }

    /// Detach the older copy, or give it new UUIDs so it becomes a filesystem of its own.
    ///
    /// The older copies are those below the group's highest generation. When two or more carry
    /// the highest, nothing on the disks tells the store from its copy (a `cp` of an unmounted
    /// volume keeps its generation): then no device is named, because following the advice on
    /// the wrong one would re-UUID the store and let the next boot's `UUID=` mount the copy.
    public static func advice(_ groups: [[StoreCopy]]) -> String {
        let newest = groups.map { group in
            let top = group.map(\.generation).max() ?? 0
            return (top: top, copies: group.filter { $0.generation == top }, older: group.filter { $0.generation < top })
        }
        let tied = newest.filter { $0.copies.count > 1 }
        guard tied.isEmpty else {
            let equal = tied.map { "\($0.copies.map(\.path).joinedText(" and ")) carry the same generation \($0.top)" }
            return "detach the copy that is not the store, or give it new UUIDs while it is not mounted (btrfstune -u THE-COPY, or btrfstune -m THE-COPY); \(equal.joinedText("; ")), so nothing on them tells the store from its copy: tell them apart by what they are (an EBS volume's id: lsblk -o NAME,SERIAL; a loop device's file: losetup -l) before you change either"
        }
        let older = newest.flatMap { $0.older.map(\.path) }
        let name = older.count == 1 ? older[0] : "THE-COPY"
        return "detach the copy that is not the store (the lower generation is the older: \(older.joinedText(", "))), or give it new UUIDs while it is not mounted (btrfstune -u \(name), or btrfstune -m \(name))"
    }

    /// What tells bytes apart: a loop device over a file is that file (and offset), a loop
    /// device stacked on a block device is what that device is (followed down a stack of loop
    /// devices, offsets added up), any other device is itself.
    static func bytesKey(_ device: String, offset: UInt64 = 0, depth: Int = 0) throws -> String {
        guard let node = try FileStatus.following(device) else {
            throw DockStoreError.refused("\(device) disappeared while dockstore read it; re-run")
        }
        guard major(node.rdev) == 7, depth < 16, let loop = try LoopDevice.status(device) else {
            return "device \(node.rdev) at \(offset)"
        }
        let at = offset + loop.offset
        guard loop.backingRdevice != 0 else { return "file \(loop.backingDevice):\(loop.backingInode) at \(at)" }
        // The device under it, by its number: its node, when /dev has it, is followed further down.
        if let name = SysfsBlock().name(ofDevice: loop.backingRdevice),
           let under = try FileStatus.following("/dev/\(name)"), under.kind == .blockDevice, under.rdev == loop.backingRdevice {
            return try bytesKey("/dev/\(name)", offset: at, depth: depth + 1)
        }
        return "device \(loop.backingRdevice) at \(at)"
    }
}
