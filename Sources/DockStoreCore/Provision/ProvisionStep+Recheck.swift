/// What each provision step re-checks at the moment it acts (`StepEngine` runs it right
/// before the action): that what it changes is still what the plan meant.
extension ProvisionStep {
    public func recheck(_ provisioner: Provisioner) throws {
        let host = provisioner.host
        switch self {
        case .allocateImage(_, _, existing: true):
            try provisioner.refuseImageWithOtherNames(newImage: false)
            let image = host.real(provisioner.request.image)
            guard BlockProbe.probe(image) == .blank else {
                throw DockStoreError.refused("\(image) changed while dockstore looked at it and is no longer blank; nothing was changed: re-run to look again")
            }
        case .format(_, let uuid, let newImage):
            try provisioner.refuseImageWithOtherNames(newImage: newImage)
            let target = provisioner.formatTarget(newImage: newImage)
            _ = try FormatRecheck.image(BlockProbe.probe(target), uuid: uuid, image: target)
        case .recordFormat(let record, _):
            try provisioner.recheckFormatRecord(record)
        case .formatDevice(let filesystem, let uuid, let wipe, let volumeID):
            let device = try provisioner.plannedDevice(volumeID: volumeID)
            try BlockDevice.checkNotInUse(device.path)
            try Self.refuseBtrfsMember(device)
            _ = try FormatRecheck.device(BlockProbe.probe(device.path), filesystem: filesystem, label: provisioner.request.label, uuid: uuid,
                                         wipe: wipe, forced: provisioner.request.device?.force == true, device: device.label,
                                         isCanceledTarget: { try provisioner.isCanceledTarget(device) },
                                         isRecordedFormat: { try provisioner.isRecordedFormat(device, uuid: uuid) })
        default:
            break
        }
    }

    /// A device the kernel counts as a member of a btrfs it knows (mounted, or scanned) is
    /// never formatted, even when the mount table shows another member only.
    static func refuseBtrfsMember(_ device: ResolvedDevice) throws {
        guard let rdev = try FileStatus.following(device.path)?.rdev, let name = SysfsBlock().name(ofDevice: rdev) else {
            throw DockStoreError.failed("cannot find \(device.path) in /sys/dev/block; dockstore cannot tell whether it is in use")
        }
        if let uuid = try BtrfsSysfs.filesystem(withMember: name) {
            throw DockStoreError.refused("refusing: \(device.label) is a member of the mounted btrfs \(uuid); dockstore never formats it")
        }
    }
}

extension Provisioner {
    /// The file `.format` formats has only its own name, inside --root: a hard link put at its
    /// name would make mkfs write into a file that also lives elsewhere (outside --root, or
    /// someone's data), and make that file the store.
    func refuseImageWithOtherNames(newImage: Bool) throws {
        let path = newImage ? unfinishedImage.path : request.image
        guard let status = try host.statusInRoot(path) else {
            throw DockStoreError.refused("\(host.real(path)) is gone since dockstore looked at it; nothing was formatted: re-run")
        }
        guard status.kind == .regular else {
            throw DockStoreError.refused("\(host.real(path)) is a \(status.kind.rawValue) now, not the image file; nothing was formatted: look at it and re-run")
        }
        guard status.links == 1 else {
            throw DockStoreError.refused("\(host.real(path)) has \(status.links) names (hard links): another name may be outside --root or hold someone's data; dockstore formats only a file with one name: look at it (find / -samefile), remove the other names and re-run")
        }
    }

    /// The device is still exactly the partial copy a canceled migrate-ebs replace left, as
    /// its record says (the one case a wipe is planned without --force).
    func isCanceledTarget(_ device: ResolvedDevice) throws -> Bool {
        try CanceledReplaceTarget.recognizing(device.path, volumeID: device.volumeID?.description, storeUUID: nil, host: host) != nil
    }

    /// The file `.format` formats: the new image under its temporary name, else the image.
    func formatTarget(newImage: Bool) -> String {
        newImage ? host.real(unfinishedImage.path) : host.real(request.image)
    }

    /// The requested device as it resolves now, refused when it is gone or is no longer the
    /// EBS volume the plan saw.
    func plannedDevice(volumeID: EBSVolumeID?) throws -> ResolvedDevice {
        guard let deviceRequest = request.device, let device = try DeviceResolver().resolve(deviceRequest.spec) else {
            throw DockStoreError.refused("the device \(request.device?.spec.description ?? "?") is gone; nothing was changed: check the attachment and re-run")
        }
        if let volumeID, device.volumeID != volumeID {
            throw DockStoreError.refused("refusing: \(device.label) is now \(device.volumeID?.description ?? "no EBS volume"), not \(volumeID), which dockstore planned to format; nothing was changed: re-run to look again")
        }
        return device
    }
}
