/// What names a device across a kill and a reboot, never its kernel name: the EBS volume id
/// when it has one; for a loop device over a regular file, the file's (device, inode) and the
/// loop's offset and size limit. Any other device has none dockstore trusts (/sys diskseq is
/// counted per boot, a kernel name can change): nil, and what needs an identity (`FormatRecord`)
/// is not written for it, so a killed format of it stays refused (fail closed).
public struct DeviceIdentity: Codable, Sendable, Equatable {
    public var volumeID: String?
    public var loopFileDevice: UInt64?
    public var loopFileInode: UInt64?
    public var loopOffset: UInt64?
    public var loopSizeLimit: UInt64?

    public init(volumeID: String? = nil, loopFileDevice: UInt64? = nil, loopFileInode: UInt64? = nil,
                loopOffset: UInt64? = nil, loopSizeLimit: UInt64? = nil) {
        self.volumeID = volumeID
        self.loopFileDevice = loopFileDevice
        self.loopFileInode = loopFileInode
        self.loopOffset = loopOffset
        self.loopSizeLimit = loopSizeLimit
    }

    /// The identity of `device` read now; nil when it has none (see the type). A loop status
    /// that cannot be read is an error, not "no identity".
    public static func of(_ device: ResolvedDevice) throws -> DeviceIdentity? {
        if let volumeID = device.volumeID { return DeviceIdentity(volumeID: volumeID.description) }
        guard device.name.hasPrefix("loop"), let loop = try LoopDevice.status(device.path), loop.backingRdevice == 0 else { return nil }
        return DeviceIdentity(loopFileDevice: loop.backingDevice, loopFileInode: loop.backingInode,
                              loopOffset: loop.offset, loopSizeLimit: loop.sizeLimit)
    }

    /// For messages.
    public var summary: String {
        if let volumeID { return volumeID }
        return "a loop device over the file with device \(loopFileDevice ?? 0), inode \(loopFileInode ?? 0), offset \(loopOffset ?? 0)"
    }
}
