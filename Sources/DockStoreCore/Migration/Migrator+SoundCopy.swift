/// The judgement before the point of no return (`MovedStoreDamage`): the steps that let go of
/// the image (resize, the fstab switch, detach, delete) and the run's final "Verified" line
/// each ask it at the moment they act.
extension Migrator {
    /// Throws the one line that stops the move (exit 1: this run changed the store) when the
    /// store on the device(s) it moved onto is damaged or cannot be judged.
    public func requireSoundCopy() throws {
        let mountpoint = storePath
        let reading = try CapacityProbe.readBtrfs(mountpoint, sysfs: "/sys")
        let damage = try MovedStoreDamage.read(reading, mountpoint: mountpoint, isImage: isImageLoop)
        if let damage {
            let member = try reading.devices.contains { try isImageLoop($0) }
            throw DockStoreError.failed(damage.verdict(mountpoint: mountpoint, image: host.real(image), imageIsMember: member))
        }
    }

    /// A member that is a loop device reading the image (its device and inode).
    func isImageLoop(_ member: BtrfsReading.Device) throws -> Bool {
        guard member.path.split(separator: "/").last?.hasPrefix("loop") == true,
              let loop = try LoopDevice.status(member.path) else { return false }
        return try backsImage(loop)
    }
}
