extension DeviceIdentity {
    /// The devices that carry this identity now: the NVMe device whose serial is the volume id,
    /// or the loop devices over the recorded file at the recorded offset and size limit. Kernel
    /// names change at reboot, so a record's name is found again this way, never by its name.
    public func currentDevices(resolver: DeviceResolver = DeviceResolver()) throws -> [String] {
        if let volumeID {
            guard let id = EBSVolumeID(volumeID), let device = try resolver.resolve(.volume(id)) else { return [] }
            return [device.path]
        }
        guard let loopFileDevice, let loopFileInode else { return [] }
        return try LoopDevice.devices(backingDevice: loopFileDevice, inode: loopFileInode, sysBlock: "\(resolver.sysfs.root)/block")
            .filter { $0.offset == (loopOffset ?? 0) && $0.sizeLimit == (loopSizeLimit ?? 0) }
            .map(\.path)
    }
}

extension FormatRecord {
    /// The recorded device as it is found now (`DeviceIdentity.currentDevices`), for messages:
    /// its name now, which a reboot may have changed, or that it is not attached.
    public func whereNow(_ names: [String]) -> String {
        switch names.count {
        case 0: return "\(device) as recorded (\(identity.summary); not attached now)"
        case 1 where names[0] == device: return device
        case 1: return "\(names[0]) (recorded as \(device): a reboot renamed it)"
        default: return "\(names.joined(separator: ", ")) (each is \(identity.summary), recorded as \(device))"
        }
    }

    /// What `provision --device` takes to finish the format: the one name it has now, else the
    /// volume id, else (not attached: the recorded name may be another device's after a reboot,
    /// attack 33 V C4d) a placeholder for the name it will have.
    public func deviceArgument(_ names: [String]) -> String {
        if names.count == 1 { return names[0] }
        return identity.volumeID ?? (names.isEmpty ? "ITS-DEVICE" : device)
    }
}
