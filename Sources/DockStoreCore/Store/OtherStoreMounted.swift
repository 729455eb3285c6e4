/// A btrfs mounted at the mountpoint from loop devices, none of them the image's, while the
/// configured image holds a btrfs of its own with another fsid (on disk, both superblocks
/// read): the next boot mounts the image, and what Docker writes now goes elsewhere. Attack
/// 52 V F1: a btrfs mounted there with `mount -o loop` was called the image moved away (the
/// advice put it in the image's place), status called it a device store whose image line to
/// remove, and check said OK.
public struct OtherStoreMounted: Sendable, Equatable, Codable {
    public var image: String
    public var imageUUID: String
    /// A loop member of the mounted btrfs, and the file it is bound to (the kernel's name).
    public var loop: String
    public var file: String
    public var mountedUUID: String

    /// nil when the image holds no btrfs (nothing there, another kind of file: `MovedImage`'s
    /// and provision's cases), when a member is not a loop device (a device store), or when
    /// the image's btrfs is the mounted one.
    public static func find(_ reading: BtrfsReading, image: String, sysfs: String = "/sys") throws -> OtherStoreMounted? {
        guard let status = try FileStatus.following(image), status.kind == .regular else { return nil }
        var first: (loop: String, file: String)? = nil
        for device in reading.devices where !device.isMissing {
            let name = device.devicePath.split(separator: "/").last.map(String.init) ?? ""
            guard name.hasPrefix("loop"),
                  let text = try LoopDevice.sysfsBackingFile(name, sysBlock: "\(sysfs)/block"),
                  !text.sameBytes(image) else { return nil }
            if first == nil { first = (device.devicePath, text) }
        }
        guard let first, let imageBlock = try BtrfsSuperblock.read(image), let mounted = try BtrfsSuperblock.read(first.loop),
              imageBlock.fsid.lowercased() != mounted.fsid.lowercased() else { return nil }
        return OtherStoreMounted(image: image, imageUUID: imageBlock.fsid, loop: first.loop, file: first.file, mountedUUID: mounted.fsid)
    }

    /// For the commands that observe a store: the image it is configured with there
    /// (`ConfiguredImage`), as `MovedImage.find` reads it.
    static func find(_ store: StoreObservation, host: Host, mountpoint: HostPath) throws -> OtherStoreMounted? {
        guard let btrfs = try store.btrfs.value(),
              let configured = try ConfiguredImage.find(host: host, mountpoint: mountpoint, fstab: try store.fstab.value(),
                                                        settings: store.settings) else { return nil }
        return try find(btrfs.reading, image: configured)
    }

    /// A changing command's refusal.
    func refusal(mountpoint: String) -> DockStoreError {
        .refused("refusing: \(verdict(mountpoint: mountpoint)); nothing was changed")
    }

    /// check's CRITICAL message.
    public func verdict(mountpoint: String) -> String {
        "\(loop) at \(mountpoint) runs on \(file), a btrfs (\(mountedUUID)) other than the image \(image) (\(imageUUID)) the next boot mounts there: what Docker writes now is not in that store; stop Docker (systemctl stop docker), copy off what you need, unmount it (umount \(mountpoint.shellWord)) and run dockstore provision, which mounts the image"
    }
}
