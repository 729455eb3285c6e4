/// A member of the store that is a loop device over a file on a filesystem kept in memory
/// (tmpfs, ramfs): no reboot keeps that file, whatever unit of the admin's attaches it, so
/// the next boot finds neither the device nor the data on it. Attack 54 X 2: a store moved
/// onto a loop device over a file in /dev/shm got OK from check and "in place" from status,
/// and was gone after the reboot; a store all of loop devices is otherwise not judged
/// (`UnbootedLoopMember`), but this needs no knowledge of the boot.
public struct VolatileLoopMember: Sendable, Equatable, Codable {
    public var devid: UInt64
    public var loop: String
    /// Where its bytes live in memory (`MemoryFilesystem.under`): "FILE on a tmpfs", or through
    /// a filesystem on another loop device.
    public var inMemory: String
    /// The store has no member other than it (the whole store is in memory).
    public var alone: Bool
    /// It is the loop device over the configured image (provision refuses an image there, so
    /// it was configured by hand or moved there while mounted).
    public var isImage: Bool

    /// Those among `reading`'s members (`lines`: this namespace's mountinfo).
    static func find(_ reading: BtrfsReading, image: String?, lines: [MountInfoLine], sysfs: String) throws -> [VolatileLoopMember] {
        let present = reading.devices.filter { !$0.isMissing }
        var found: [VolatileLoopMember] = []
        for device in present {
            guard let inMemory = try MemoryFilesystem.under(loop: device.devicePath, lines: lines, sysBlock: "\(sysfs)/block") else { continue }
            let name = device.devicePath.split(separator: "/").last.map(String.init) ?? ""
            let file = try LoopDevice.sysfsBackingFile(name, sysBlock: "\(sysfs)/block")
            found.append(VolatileLoopMember(devid: device.devid, loop: device.devicePath, inMemory: inMemory,
                                            alone: present.count == 1, isImage: image.map { file?.sameBytes($0) == true } ?? false))
        }
        return found
    }

    /// check's CRITICAL message, with the way out for where it is.
    func verdict(mountpoint mp: String) -> String {
        let head = "device \(devid) of the btrfs at \(mp) is \(loop), a loop device over \(inMemory), which no reboot keeps: the next boot finds neither the device nor the data on it, and Docker's store is lost"
        if isImage {
            return "\(head); move the store onto a volume before the next reboot (dockstore migrate-ebs DEVICE), or stop Docker and copy the image onto a disk filesystem, then point fstab's line (or DOCKSTORE_IMAGE) at the copy"
        }
        if alone {
            return "\(head); move the store onto a volume before the next reboot: attach one at least as large as the device and run btrfs replace start \(devid) VOLUME \(mp.shellWord) (the boot's UUID= line then finds the store on it)"
        }
        return "\(head); move its data onto the other members before the next reboot: they must hold all the store uses (btrfs filesystem usage \(mp.shellWord)), RAID profiles must be single or dup first (btrfs balance start -dconvert=single -mconvert=dup \(mp.shellWord)), then btrfs device remove \(devid) \(mp.shellWord)"
    }
}
