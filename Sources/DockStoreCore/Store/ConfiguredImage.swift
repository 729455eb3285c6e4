/// The image the store at a mountpoint is configured with, as `check` (which takes no `--image`)
/// reads it: the path the next boot mounts there.
enum ConfiguredImage {
    /// fstab's line for `mountpoint` when its source is a file (an image line: not `UUID=`,
    /// `LABEL=` or a /dev node); with no line there, DOCKSTORE_IMAGE when the settings were read,
    /// set it and name no device. nil for a device store or a store nothing configures.
    /// A real path under `host`.
    static func find(host: Host, mountpoint: HostPath, fstab: [UInt8]?, settings: StoreFact<ProvisionSettings>) throws -> String? {
        if let line = FstabFile(bytes: fstab ?? []).entries(mountingAt: mountpoint).first?.entry {
            let source = line.normalizedSource
            guard source.hasPrefix("/"), !source.hasPrefix("/dev/") else { return nil }
            return host.real(try HostPath(source, what: "the image fstab mounts at \(mountpoint)"))
        }
        guard case .read(let file) = settings, file.device == nil, file.volumeID == nil, let image = file.image else { return nil }
        return host.real(image)
    }

    /// fstab's line for `mountpoint` names a device (`UUID=`, `LABEL=`, a /dev node): the store
    /// is a device store, whatever file a loop device under it is bound to.
    static func namesDevice(mountpoint: HostPath, fstab: [UInt8]?) -> Bool {
        guard let line = FstabFile(bytes: fstab ?? []).entries(mountingAt: mountpoint).first?.entry else { return false }
        let source = line.normalizedSource
        return !source.hasPrefix("/") || source.hasPrefix("/dev/")
    }
}
