extension NodelessHolder {
    /// The refusal of a command that acts on a mounted btrfs store's devices while btrfs lists
    /// one under a path that is not its node in /dev (gone, or another device's: attack 49 S
    /// B8–B22), or while which device a member is cannot be told: what reads or writes the
    /// member through that path reaches nothing or the other device. Members listed as
    /// `/dev/NAME` are left to the readers that go by the kernel's name (attack 38 U). nil
    /// when no store is mounted or every member's path is its node.
    public static func recordedPathRefusal(_ store: StoreObservation, doing: String, sysfs: String = "/sys") throws -> DockStoreError? {
        guard let reading = try store.btrfs.value()?.reading else { return nil }
        return try recordedPathRefusal(reading.devices, mountpoint: store.mountpoint, doing: doing, sysfs: sysfs)
    }

    /// The same for the members `devices` of the store at `mountpoint`.
    public static func recordedPathRefusal(_ devices: [BtrfsReading.Device], mountpoint: String, doing: String, sysfs: String = "/sys") throws -> DockStoreError? {
        for device in devices where !device.isMissing {
            guard let name = device.kernelName else {
                return .refused("refusing to \(doing): \(device.deviceBytesUnreadable ?? "cannot tell which device btrfs device \(device.devid) of the store at \(mountpoint) is"); nothing was changed: give the device its own node (udevadm trigger), then btrfs device scan it, and re-run")
            }
            guard let holder = try device.staleListedPath(sysfs: sysfs) else { continue }
            let now = holder.nodeIsNow.map { "\(device.path) is \($0)" } ?? "there is no \(device.path)"
            return .refused("refusing to \(doing): btrfs lists device \(device.devid) of the store at \(mountpoint) as \(device.path), the kernel's \(name) (\(holder.major):\(holder.minor)), but \(now), and dockstore would read or change another device or none through that path; restore it (\(holder.restore)) and re-run; nothing was changed")
        }
        return nil
    }
}

extension BtrfsReading.Device {
    /// The member's own device when btrfs lists it under a path other than its `/dev/NAME` that
    /// is gone or another device's node (attack 49 S B8–B22); nil when the listed path is its
    /// node, or which device it is cannot be told (`kernelName` nil).
    func staleListedPath(sysfs: String = "/sys") throws -> NodelessHolder? {
        guard let name = kernelName, path != "/dev/\(name)" else { return nil }
        return try NodelessHolder.member(path, kernelName: name, sysfs: sysfs)
    }
}
