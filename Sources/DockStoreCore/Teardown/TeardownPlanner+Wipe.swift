/// `--wipe-device`: which device teardown wipes, and when there is none left to wipe.
///
/// The wipe comes right after the boot switch and before the fstab write (`TeardownStep`), so
/// that a run killed before it leaves fstab's `UUID=` line leading the next run to the device,
/// and a run killed after it leaves that line naming a UUID no device holds (`unheldFstabUUID`),
/// which the next run removes as its own, with nothing left to wipe.
extension TeardownPlanner {
    /// The wipe step, none when there is nothing left to wipe, or a refusal.
    static func wipeSteps(_ o: TeardownObservation, _ request: TeardownRequest, _ host: Host) throws -> [TeardownStep] {
        guard request.wipeDevice else { return [] }
        guard let device = o.device else {
            if let refusal = noDeviceRefusal(o, request, host) { throw refusal }
            return []
        }
        guard o.deviceMountedElsewhere.isEmpty else {
            throw DockStoreError.refused("refusing to wipe \(device): it is also mounted at \(o.deviceMountedElsewhere.joined(separator: ", "))")
        }
        guard let uuid = o.storeUUID else {
            throw DockStoreError.refused("refusing to wipe \(device): its filesystem UUID cannot be read")
        }
        guard o.storeMembers.count <= 1 else {
            throw DockStoreError.refused("refusing to wipe \(device): the store's btrfs spans \(o.storeMembers.count) devices (\(o.storeMembers.joined(separator: ", "))), and --wipe-device wipes one, which would leave the others holding part of it; nothing was changed: move the store onto one (btrfs device remove DEVICE \(o.mounted?.target.shellWord ?? "MOUNTPOINT") for each other) and re-run, or tear down without --wipe-device and wipe each device yourself (wipefs -a DEVICE)")
        }
        return [.wipeDevice(path: device, uuid: uuid)]
    }

    /// With no store device found: a refusal when the store is the image (mounted, attached,
    /// on disk, or named by fstab), when fstab has a line at the mountpoint teardown does not
    /// take as its own, or when only a killed provision's half-made format names a device;
    /// nil when nothing is left to wipe (a teardown `--wipe-device` wiped it, or the store is
    /// gone), which `wipeNote` says.
    static func noDeviceRefusal(_ o: TeardownObservation, _ request: TeardownRequest, _ host: Host) -> DockStoreError? {
        let fstab = FstabFile(bytes: o.fstab ?? [])
        let lines = fstab.entries(mountingAt: request.mountpoint).map(\.entry)
        if let found = o.formatRecord, o.unheldFstabUUID == nil { return halfMadeFormatRefusal(o, found, request, host) }
        // A UUID no device holds is a finished wipe only after a teardown got as far as its boot
        // switch (written before the wipe): without it the volume is detached or not attached
        // yet, and a run that removed the line would leave its data for good (attack 13 X3).
        if let uuid = o.unheldFstabUUID, !o.bootDisabled {
            return .refused("--wipe-device: no device this machine can read holds the filesystem UUID \(uuid) that fstab's line for \(host.real(request.mountpoint)) names, and no teardown got as far as wiping it: the volume is detached or not attached yet; attach it and re-run, or run teardown without --wipe-device to keep its data")
        }
        let isImage = o.mounted != nil || !o.imageLoops.isEmpty || o.imageExists
            || lines.contains { $0.normalizedSource.sameBytes(request.image.string) }
        guard isImage || !lines.allSatisfy({ isOurs($0, o, request) }) else { return nil }
        return .refused("--wipe-device: the store has no device (it is the image, or nothing is mounted at \(host.real(request.mountpoint)) and fstab names no device)")
    }

    /// The line teardown prints when `--wipe-device` finds no device left to wipe, so that a
    /// run with nothing to wipe never reads as a wipe done.
    public static func wipeNote(_ o: TeardownObservation, _ request: TeardownRequest, _ host: Host) -> String? {
        guard request.wipeDevice, o.device == nil, noDeviceRefusal(o, request, host) == nil else { return nil }
        if let uuid = o.unheldFstabUUID {
            return "--wipe-device: no device this machine can read holds the filesystem UUID \(uuid) that fstab's line for \(host.real(request.mountpoint)) names (a teardown --wipe-device killed after its wipe): nothing left to wipe; the line goes"
        }
        return "--wipe-device: nothing is mounted at \(host.real(request.mountpoint)) and fstab names no device, so there is no device left to wipe (a teardown --wipe-device wiped it, or the store was taken down without it: then wipefs -a the device yourself if that is what you want)"
    }
}
