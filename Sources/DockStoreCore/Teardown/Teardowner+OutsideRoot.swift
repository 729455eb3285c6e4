extension Teardowner {
    /// A loop device mounted at the mountpoint over a file outside --root, where fstab's line
    /// for it names no device: another root's store, not this tree's (attack 46 P F6: teardown
    /// advised unmounting the other root's mountpoints, outside the tree). A device store's
    /// device may be such a loop device (a volume lent to a container), and fstab says so.
    static func refuseOutsideRoot(_ o: TeardownObservation, host: Host, image: HostPath, mountpoint: HostPath, target: String) throws {
        guard o.mounted != nil, let device = o.device, !ConfiguredImage.namesDevice(mountpoint: mountpoint, fstab: o.fstab),
              let name = try LoopDevice.backingFile(of: device),
              let foreign = try ForeignLoopStore.outside(loop: device, backingName: name, root: host.root, image: host.real(image)) else { return }
        throw DockStoreError.refused("refusing: \(foreign.verdict(mountpoint: target)); teardown takes down only this root's store, and nothing was changed")
    }
}
