/// Observes and grows a mounted btrfs store online: the image file, the loop device's
/// idea of its size, then the filesystem by devid.
public struct Grower: Sendable {
    public let mountpoint: String

    public init(mountpoint: String) { self.mountpoint = mountpoint }

    public func observe() throws -> GrowObservation {
        guard let entry = try MountTable.read().mount(at: mountpoint) else {
            throw DockStoreError.refused("nothing is mounted at \(mountpoint); run dockstore provision first")
        }
        guard entry.fstype == "btrfs" else { return GrowObservation(mountpoint: mountpoint, fstype: entry.fstype, devices: []) }
        let reading = try CapacityProbe.readBtrfs(mountpoint, sysfs: "/sys")
        let devices = try reading.devices.map { device -> GrowObservation.Device in
            let block = try BlockDevice(path: device.path, lock: false)
            let single = BtrfsReading(uuid: reading.uuid, spaces: [], devices: [device])
            return GrowObservation.Device(devid: device.devid, path: device.path, btrfsSize: device.size,
                                          blockSize: try block.size(), image: CapacityProbe.hostBacking(single, sysfs: "/sys"))
        }
        return GrowObservation(mountpoint: mountpoint, fstype: "btrfs", devices: devices)
    }

    public func apply(_ steps: [GrowStep], progress: (GrowStep) -> Void) throws {
        for step in steps {
            switch step {
            case .extendImage(let path, _, let to):
                try ImageFile.extend(path, to: to)
            case .refreshLoop(let device):
                try LoopDevice.refreshCapacity(device)
            case .resizeFilesystem(let devid, _, _):
                try BtrfsFilesystem.resize(devid, to: nil, at: mountpoint)
            }
            progress(step)
            Failpoint.reached(step.id)
        }
    }
}
