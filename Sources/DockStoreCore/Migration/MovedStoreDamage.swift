/// Why the store, on the device(s) it moves onto, is not fit to become the only copy: the move
/// stops there and keeps the image (outside attack 12, A4: a target whose writes failed under a
/// device replace that the kernel still reported finished; the image was deleted and 9 of 15
/// files then read EIO).
///
/// Judged by what `check` judges (`CapacityProbe`): btrfs forced the filesystem read-only
/// under a read-write mount (`CapacityProbe.readOnlyKind` says `.forced`: an error it cannot
/// survive), or an error counter (write, read, flush, corruption, generation:
/// /sys/fs/btrfs/UUID/devinfo/DEVID/error_stats, the figures of `btrfs device stats`) of a
/// member other than the image's loop device is not zero.
///
/// Zero is required, no baseline is compared: the device a move adds starts with no errors, so
/// any count on it is this move's (or a damaged device's); errors that predate the move (a
/// replace target inherits its source's devid, and with it a record of the image's own errors)
/// stop it too, until an admin has scrubbed and reset them (`btrfs device stats -z`). Counters
/// that cannot be read, or a kernel that keeps none in sysfs (before 5.14), cannot tell: the
/// move stops as for damage.
public struct MovedStoreDamage: Sendable, Equatable {
    /// btrfs turned the filesystem read-only under its read-write mount.
    public var forcedReadOnly = false
    /// "devid 1 (/dev/loop5): corruption_errs=66", one a member with non-zero counters.
    public var counters: [String] = []
    /// Members whose counters could not be read, with why.
    public var unreadable: [String] = []
    /// The members judged (the device(s) the store moved onto).
    public var devices: [String] = []

    public init() {}

    /// Reads the store mounted at `mountpoint` as btrfs read it (`reading`): nil when sound.
    /// Members for which `isImage` holds (the image's loop device) are not judged.
    public static func read(_ reading: BtrfsReading, mountpoint: String,
                            isImage: (BtrfsReading.Device) throws -> Bool) throws -> MovedStoreDamage? {
        let forced = try HostSpace.of(mountpoint).readOnly && CapacityProbe.readOnlyKind(mountpoint) == .forced
        return judge(try reading.devices.filter { try !isImage($0) }, uuid: reading.uuid, forcedReadOnly: forced)
    }

    /// The verdict on `devices` (the members other than the image's), as read: nil when sound.
    public static func judge(_ devices: [BtrfsReading.Device], uuid: String?, forcedReadOnly: Bool) -> MovedStoreDamage? {
        var damage = MovedStoreDamage()
        damage.forcedReadOnly = forcedReadOnly
        for device in devices {
            damage.devices.append(device.path)
            let name = "devid \(device.devid) (\(device.path))"
            if let why = device.errorsUnreadable {
                damage.unreadable.append(why)
                continue
            }
            let read = DeviceErrorCounters.names.filter { device.errors[$0] != nil }
            if read.isEmpty {
                damage.unreadable.append("the kernel reports no error counters for \(name) (no /sys/fs/btrfs/\(uuid ?? "UUID")/devinfo/\(device.devid)/error_stats, Linux before 5.14)")
                continue
            }
            let nonZero = read.filter { (device.errors[$0] ?? 0) > 0 }
            if !nonZero.isEmpty {
                damage.counters.append("\(name): " + nonZero.map { "\($0)=\(device.errors[$0] ?? 0)" }.joinedText(" "))
            }
        }
        return damage.forcedReadOnly || !damage.counters.isEmpty || !damage.unreadable.isEmpty ? damage : nil
    }

    /// The one line the move stops with: what is wrong, that the image is kept, what to do.
    ///
    /// What is said of the image must be true (attack 13 X8): while its loop device is a member
    /// the image is still part of the store; once a replace ended the kernel has erased the
    /// store's superblock on it (and a removed device's likewise), so it no longer mounts.
    public func verdict(mountpoint: String, image: String, imageIsMember: Bool) -> String {
        let on = devices.isEmpty ? "the device it moved onto" : devices.joinedText(", ")
        var what: [String] = []
        if forcedReadOnly { what.append("btrfs forced it read-only") }
        what += counters
        let head = counters.isEmpty && !forcedReadOnly
            ? "cannot tell whether the copy of the store on \(on) is sound (\(unreadable.joinedText("; ")))"
            : "the copy of the store on \(on) is damaged (\(what.joinedText("; ")))"
        let kept = imageIsMember
            ? "the move stops and keeps the image \(image) (not deleted, its loop device not detached), still a member of the store"
            : "the move stops and keeps the image \(image) (not deleted), which is no longer part of the store: the kernel erased the store's superblock on it when it let go of it, so it does not mount as it is, but its blocks still hold the store as it was then"
        return "\(head): \(kept); stop Docker, read the cause (dmesg | grep -i btrfs), look with btrfs device stats \(mountpoint.shellWord) and btrfs scrub start -B \(mountpoint.shellWord) (which files still read), copy off what you need, and keep the image until the store is recovered; re-run migrate-ebs only once scrub finds no errors and the counters are reset (btrfs device stats -z \(mountpoint.shellWord))"
    }
}
