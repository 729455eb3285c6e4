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
    /// dockstore's own line (`x-systemd.before=dockstore-provision.service`) whose image is not
    /// there (attack 21 F7: DOCKSTORE_IMAGE changed after the image was moved away): removing
    /// the line gives up that store, so the refusal says how to keep it.
    public var missing: Bool

    public init(index: Int, image: String, uuid: String?, label: String?, missing: Bool = false) {
        self.index = index
        self.image = image
        self.uuid = uuid
        self.label = label
        self.missing = missing
    }

    /// The line at `mountpoint` when its source is a path other than `image` naming, inside the
    /// root, a regular file (not followed through a link) with a btrfs signature, or nothing
    /// when the line is dockstore's own (`missing`); nil otherwise.
    /// For a device store (`forDevice`) the line's image is another store also when it is
    /// `image`: found then only when it is missing (attack 22 G4).
    static func find(fstab: [UInt8]?, mountpoint: HostPath, image: HostPath, host: Host, forDevice: Bool = false) throws -> OtherImageLine? {
        guard let bytes = fstab, let line = FstabFile(bytes: bytes).entries(mountingAt: mountpoint).first else { return nil }
        let source = line.entry.normalizedSource
        let same = source.sameBytes(image.string)
        guard source.hasPrefix("/"), !source.hasPrefix("/dev/"), !same || forDevice else { return nil }
        let path: HostPath
        do {
            path = try HostPath(source, what: "the image fstab mounts at \(mountpoint)")
        } catch {
            return nil // no path dockstore can read: the line is judged as the generic refusal judges it
        }
        guard path != image || forDevice else { return nil }
        let status = try host.statusInRoot(path)
        if status == nil, line.entry.options.contains(ProvisionRequest.orderingOption) {
            return OtherImageLine(index: line.index, image: source, uuid: nil, label: nil, missing: true)
        }
        guard !same, path != image, status?.kind == .regular,
              case .signature("btrfs", let uuid, let label) = BlockProbe.probe(host.real(path)) else { return nil }
        return OtherImageLine(index: line.index, image: source, uuid: uuid, label: label)
    }

    /// The refusal: the line, what it mounts, and how to keep that store's data.
    func refusal(fstab: String, mountpoint: HostPath, request: ProvisionRequest, host: Host) -> DockStoreError {
        let facts = [label.map { "label '\($0)'" }, uuid.map { "UUID \($0)" }].compactMap { $0 }.joined(separator: ", ")
        let what = "\(fstab) line \(index + 1) mounts \(image), a btrfs image\(facts.isEmpty ? "" : " (\(facts))"), at \(mountpoint): it is a store and may hold Docker's data"
        let settings = host.real(ProvisionSettings.path)
        if missing {
            let keep = request.device.map { "put it back there and take it over (dockstore provision --image \(image.shellWord)), then move it onto \($0.spec) with dockstore migrate-ebs \($0.spec.description.shellWord)" }
                ?? "put it back there and give --image \(image.shellWord) (or DOCKSTORE_IMAGE=\(image.shellWord) in \(settings))"
            return DockStoreError.refused("\(fstab) line \(index + 1) mounts \(image) at \(mountpoint), the store dockstore set up in that image, and no file is at that path in this root (moved or deleted); to keep that store, \(keep); remove that line only to give up that store and the data in it; nothing was changed")
        }
        if let device = request.device {
            return DockStoreError.refused("\(what); to keep it, take it over first (dockstore provision --image \(image.shellWord)), then move it onto \(device.spec) with dockstore migrate-ebs \(device.spec.description.shellWord); to set up an empty store instead, choose another --mountpoint; nothing was changed")
        }
        return DockStoreError.refused("\(what), which this run would leave behind for a new, empty \(request.image); to take it over, give --image \(image.shellWord) (or DOCKSTORE_IMAGE=\(image.shellWord) in \(settings)); to set up an empty store instead, choose another --mountpoint; nothing was changed")
    }
}
