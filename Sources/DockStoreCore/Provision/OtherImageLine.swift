/// fstab's line at the mountpoint mounting another image than the one asked for (attack 12,
/// B20): SUSE's older setup wrote `/var/lib/docker.img /var/lib/docker btrfs loop 0 0` for an
/// image of another name. A regular file holding btrfs is a store with Docker's data: removing
/// the line, as the generic refusal said, makes the next run create a new, empty store and
/// mount it over the mountpoint, the data stranded in that file. The refusal says how to take
/// it over (`--image PATH`) instead; a line that mounts no store keeps the generic advice.
public struct OtherImageLine: Sendable, Equatable {
    /// 0-based line number in fstab.
    public var index: Int
    /// The line's source, a path inside the root as fstab writes it.
    public var image: String
    public var uuid: String?
    public var label: String?

    public init(index: Int, image: String, uuid: String?, label: String?) {
        self.index = index
        self.image = image
        self.uuid = uuid
        self.label = label
    }

    /// The line at `mountpoint` when its source is a path other than `image` naming, inside the
    /// root, a regular file (not followed through a link) with a btrfs signature; nil otherwise.
    static func find(fstab: [UInt8]?, mountpoint: HostPath, image: HostPath, host: Host) throws -> OtherImageLine? {
        guard let bytes = fstab, let line = FstabFile(bytes: bytes).entries(mountingAt: mountpoint).first else { return nil }
        let source = line.entry.normalizedSource
        guard source.hasPrefix("/"), !source.hasPrefix("/dev/"), !source.sameBytes(image.string) else { return nil }
        let path: HostPath
        do {
            path = try HostPath(source, what: "the image fstab mounts at \(mountpoint)")
        } catch {
            return nil // no path dockstore can read: the line is judged as the generic refusal judges it
        }
        guard path != image, try host.statusInRoot(path)?.kind == .regular,
              case .signature("btrfs", let uuid, let label) = BlockProbe.probe(host.real(path)) else { return nil }
        return OtherImageLine(index: line.index, image: source, uuid: uuid, label: label)
    }

    /// The refusal: the line, what it mounts, and how to keep that store's data.
    func refusal(fstab: String, mountpoint: HostPath, request: ProvisionRequest, host: Host) -> DockStoreError {
        let facts = [label.map { "label '\($0)'" }, uuid.map { "UUID \($0)" }].compactMap { $0 }.joined(separator: ", ")
        let what = "\(fstab) line \(index + 1) mounts \(image), a btrfs image\(facts.isEmpty ? "" : " (\(facts))"), at \(mountpoint): it is a store and may hold Docker's data"
        let settings = host.real(ProvisionSettings.path)
        if let device = request.device {
            return DockStoreError.refused("\(what); to keep it, take it over first (dockstore provision --image \(image.shellWord)), then move it onto \(device.spec) with dockstore migrate-ebs \(device.spec.description.shellWord); to set up an empty store instead, choose another --mountpoint; nothing was changed")
        }
        return DockStoreError.refused("\(what), which this run would leave behind for a new, empty \(request.image); to take it over, give --image \(image.shellWord) (or DOCKSTORE_IMAGE=\(image.shellWord) in \(settings)); to set up an empty store instead, choose another --mountpoint; nothing was changed")
    }
}
