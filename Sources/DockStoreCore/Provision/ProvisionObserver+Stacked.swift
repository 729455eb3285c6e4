extension ProvisionObserver {
    /// Loop devices stacked on any loop device of the image (the store's own, or a second one),
    /// at any depth (issue 15, attack 9): the image's bytes through another loop device, so a
    /// second instance of the store as a second loop device over the image is
    /// (`SecondImageLoop`). Members of the store's own btrfs are not second instances.
    func stackedImageLoops(_ store: StoreObservation, mounts: [MountEntry]) throws -> [SecondImageLoop] {
        let loops = try store.imageLoops().map(\.path)
        guard !loops.isEmpty else { return [] }
        let btrfs = try store.btrfs.value()
        let storeUUID = btrfs?.uuid.lowercased()
        var found: [SecondImageLoop] = []
        for stacked in try LoopDevice.stacked(over: loops, excluding: Set(loops)) {
            let name = String(stacked.loop.dropFirst("/dev/".count))
            let filesystem = try BtrfsSysfs.filesystem(withMember: name)?.lowercased()
            if filesystem != nil, filesystem == storeUUID { continue }
            let targets = mounts.filter { $0.source == stacked.loop }.map(\.target)
            found.append(SecondImageLoop(loop: stacked.loop, mountedAt: targets, mounted: stacked.mounted || !targets.isEmpty, over: stacked.over,
                                         offset: stacked.offset, bytes: stacked.bytes,
                                         storeBytes: btrfs?.reading.devices.first { $0.path == stacked.over }?.size))
        }
        return found
    }
}

extension ProvisionObserver {
    /// Another filesystem mounted over the store at its mountpoint (`MountStack`): the store is
    /// the lowest mount there that is one of the image's loop devices, or for a device request
    /// the device; nil when none is, or nothing else is above it.
    func coveredStore(_ store: StoreObservation, mounts: [MountEntry], imageLoops: [String],
                      device: DeviceObservation?) throws -> (store: MountEntry, cover: MountedOver)? {
        guard let stack = MountStack.at(store.mountpoint, in: mounts) else { return nil }
        let deviceNumber = try device.flatMap { try FileStatus.following($0.device.path) }.flatMap { $0.kind == .blockDevice ? $0.rdev : nil }
        func isStore(_ entry: MountEntry) throws -> Bool {
            if imageLoops.contains(entry.source) { return true }
            guard let deviceNumber, entry.source.hasPrefix("/dev/"), let node = try FileStatus.following(entry.source) else { return false }
            return node.kind == .blockDevice && node.rdev == deviceNumber
        }
        guard let cover = try stack.covering(isStore), let entry = try stack.entries.first(where: isStore) else { return nil }
        return (entry, cover)
    }
}
