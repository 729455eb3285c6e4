/// A member of a store of several devices that is a loop device over another file than the
/// configured image (attack 42 Q F7: an admin's `btrfs device add` of a loop device for room,
/// and check said OK): nothing attaches it at boot, which attaches only the image, so the next
/// boot's mount misses a device and fails, and Docker stays down. The room a reclaim lent and a
/// migration's target are judged by their journals' rules, not here.
///
/// A device store's member is judged so too when another member is a block device of its own
/// (an EBS volume): a loop member beside it was added by hand (attack 52 V F6: status "in
/// place" and check OK, and the boot's mount failed). A store all of loop devices is left
/// alone: dockstore cannot see whether a unit of the admin's attaches them (every device test
/// here is one).
public struct UnbootedLoopMember: Sendable, Equatable, Codable {
    public var devid: UInt64
    public var loop: String
    public var file: String
    /// Beside a volume of a device store, not an image.
    public var besideVolume = false

    /// Those among `reading`'s members, by each member's loop device (its kernel name,
    /// `BtrfsReading.Device.kernelName`, not the path btrfs recorded) and the kernel's name of
    /// its file (`/sys/block/loopN/loop/backing_file`); none for a store of one device. A file the kernel
    /// marks deleted is the deleted-image rules' business.
    /// `image` nil: a device store's, found only beside a member that is no loop device.
    static func find(_ reading: BtrfsReading, image: String?, sysfs: String) throws -> [UnbootedLoopMember] {
        guard reading.devices.count > 1 else { return [] }
        var found: [UnbootedLoopMember] = []
        var volume = false
        for device in reading.devices where !device.isMissing {
            let name = device.devicePath.split(separator: "/").last.map(String.init) ?? ""
            guard name.hasPrefix("loop") else { volume = true; continue }
            guard let text = try LoopDevice.sysfsBackingFile(name, sysBlock: "\(sysfs)/block"),
                  !text.hasSuffix(" (deleted)"), image.map({ !text.sameBytes($0) }) ?? true else { continue }
            found.append(UnbootedLoopMember(devid: device.devid, loop: device.devicePath, file: text, besideVolume: image == nil))
        }
        return image != nil || volume ? found : []
    }

    func verdict(mountpoint mp: String) -> String {
        if besideVolume {
            return "device \(devid) of the btrfs at \(mp) is \(loop), a loop device over \(file), which nothing attaches at boot (the boot has only the volumes EC2 attaches): the next boot's mount misses it and fails, and Docker stays down; move its data onto the volume before the next boot: the other members must hold all the store uses (btrfs filesystem usage \(mp.shellWord)), RAID profiles must be single or dup first (btrfs balance start -dconvert=single -mconvert=dup \(mp.shellWord)), then btrfs device remove \(devid) \(mp.shellWord); or set up its attach before the store's mount yourself"
        }
        return "device \(devid) of the btrfs at \(mp) is \(loop), a loop device over \(file), which nothing attaches at boot (the boot attaches only the image): the next boot's mount misses it and fails, and Docker stays down; move its data back onto the image before the next boot: the image's device must hold all the store uses (btrfs filesystem usage \(mp.shellWord); grow its file by hand if not: truncate -s SIZE IMAGE, losetup -c IMAGE'S-LOOP, btrfs filesystem resize 1:max \(mp.shellWord)), RAID profiles must be single or dup first (btrfs balance start -dconvert=single -mconvert=dup \(mp.shellWord)), then btrfs device remove \(devid) \(mp.shellWord); or set up its attach before the store's mount yourself"
    }
}
