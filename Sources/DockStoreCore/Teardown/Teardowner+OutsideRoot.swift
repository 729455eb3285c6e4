extension Teardowner {
    /// A loop device mounted at the mountpoint over a file outside --root, where fstab's line
    /// for it names no device: another root's store, not this tree's (attack 46 P F6: teardown
    /// advised unmounting the other root's mountpoints, outside the tree). A device store's
    /// device may be such a loop device (a volume lent to a container), and fstab says so.
    /// Only where the tree configures an image: with nothing configured, what is mounted may be
    /// a volume lent to the tree as well as another root's image, and teardown takes it down.
    static func refuseOutsideRoot(_ o: TeardownObservation, host: Host, settings: StoreFact<ProvisionSettings>, mountpoint: HostPath, target: String) throws {
        guard o.mounted != nil, let device = o.device,
              let image = try ConfiguredImage.find(host: host, mountpoint: mountpoint, fstab: o.fstab, settings: settings),
              let name = try LoopDevice.backingFile(of: device),
              let foreign = try ForeignLoopStore.outside(loop: device, backingName: name, root: host.root, image: image) else { return }
        throw DockStoreError.refused("refusing: \(foreign.verdict(mountpoint: target)); teardown takes down only this root's store, and nothing was changed")
    }
}
