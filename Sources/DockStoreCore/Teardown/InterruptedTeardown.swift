/// A `teardown --wipe-device` killed after its wipe and before its fstab write (attack 11
/// teardown writes /etc/dockstore.disabled before it wipes and removes fstab's line
/// after, so the marker there, nothing mounted at the mountpoint and dockstore's `UUID=` line
/// naming a filesystem no device holds is exactly what that kill leaves (or a volume detached
/// after a teardown that stopped there). Re-running the same teardown finishes it (it takes
/// that line as its own: `TeardownPlanner.isOurs`); provision cannot, and the volume is not
/// "missing from AWS". Read by status, which reports it instead of provision's refusal.
public enum InterruptedTeardown {
    /// The problem status reports in that state, or nil in any other.
    public static func problem(store: StoreObservation, mountpoint: HostPath, host: Host) throws -> String? {
        guard try store.bootDisabled.value(), try store.mount() == nil,
              let line = try store.fstabEntries(mountingAt: mountpoint).first, line.source.hasPrefix("UUID="),
              line.fstype == "btrfs", line.options.contains(ProvisionRequest.orderingOption) else { return nil }
        let uuid = String(line.source.dropFirst(5))
        guard try BlockProbe.device(withUUID: uuid) == nil else { return nil }
        return words(host: host, mountpoint: mountpoint, uuid: uuid)
    }

    /// Provision's refusal in that state, told by the marker (`bootDisabled`, read here) where
    /// provision finds no device for fstab's `UUID=` line: not "attach the volume" (attack 55 A
    /// F: the volume was attached, and the admin's own teardown had wiped it).
    static func refusal(host: Host, mountpoint: HostPath, uuid: String, line: FstabEntry) throws -> DockStoreError? {
        guard line.options.contains(ProvisionRequest.orderingOption), try host.statusInRoot(HostPaths.bootDisabled) != nil else { return nil }
        return .refused("refusing: \(words(host: host, mountpoint: mountpoint, uuid: uuid)); nothing was changed")
    }

    static func words(host: Host, mountpoint: HostPath, uuid: String) -> String {
        "a dockstore teardown was interrupted: \(host.real(HostPaths.bootDisabled)) is there, nothing is mounted at \(host.real(mountpoint)) and fstab's line for it still names UUID=\(uuid), which no device this machine can read holds (a teardown --wipe-device killed after its wipe, or the volume was detached since); run the same dockstore teardown --wipe-device again to finish it (it removes that line)"
    }
}
