/// The safe-format decision for `provision --device`, as a pure function: which device
/// states are refused (always, or unless --force), which are formatted, which are used as
/// they are. Modelled on kubernetes' formatAndMountSensitive and systemd-makefs, without
/// their hole: a device that cannot be read is never taken for blank.
enum DevicePlanner {
    static func plan(_ device: DeviceObservation, _ deviceRequest: DeviceRequest, _ observed: ProvisionObservation,
                     _ request: ProvisionRequest, _ host: Host, mounted: Bool) throws -> ProvisionPlanner.StorePlan {
        let label = device.device.label
        let fs = deviceRequest.filesystem

        if let wanted = deviceRequest.volumeID {
            guard let actual = device.device.volumeID else {
                throw DockStoreError.refused("refusing: \(label) has no EBS volume id to check against \(wanted) (it is not an EBS NVMe device); drop --volume-id or name the volume's device")
            }
            guard actual == wanted else {
                throw DockStoreError.refused("refusing: \(device.device.path) is \(actual), not \(wanted)")
            }
        }
        if !device.copies.isEmpty, case .signature(_, let uuid?, _) = device.content {
            throw StoreCopies.refusal(uuid: uuid, device.copies)
        }
        // Following a migration (its journal, or dockstore's volume line in fstab), a btrfs file
        // at the image's name is not the store (`MigratedStore`), and the volume is mounted.
        if !mounted, !request.followsMigration, case .file(_, _, .signature("btrfs", _, _)) = observed.image {
            throw DockStoreError.refused("Docker's storage is the loopback image \(host.real(request.image)) (not mounted now); to move it onto \(deviceRequest.spec) without losing a layer, run: dockstore migrate-ebs \(deviceRequest.spec); or remove the image if its data is not needed")
        }

        try refuseInUse(device, mountpoint: host.real(request.mountpoint))
        if request.followsMigration, !mounted, !holdsStore(device.content, fs, request.label) {
            throw DockStoreError.refused("refusing: Docker's storage was moved by migrate-ebs onto \(deviceRequest.spec), but \(label) holds \(device.content.summary), not the store's \(fs.rawValue) labelled '\(request.label)' (kernel names can change at boot); attach the volume that holds the store and re-run; dockstore never formats a device while it follows a migration")
        }
        if request.recordedInFstab, !mounted, !holdsStore(device.content, fs, request.label) {
            throw DockStoreError.refused("refusing: \(host.real(HostPaths.fstab)) mounts Docker's storage from \(deviceRequest.spec) (\(fs.rawValue)), but \(label) holds \(device.content.summary), not the store's \(fs.rawValue) labelled '\(request.label)'; attach the volume that holds the store and re-run; dockstore never formats a device it found through fstab")
        }
        var steps: [ProvisionStep] = []
        var uuid = device.newUUID
        let resumed = resumesFormat(device, fs, request.label) ? device.formatRecord : nil
        var recordedUUID = device.formatRecord?.uuid
        // A record this run's format replaces without finishing it (`--force`): forgotten as well.
        var superseded = false
        if !mounted {
            if device.readOnly {
                throw DockStoreError.refused("refusing: \(label) is read-only; attach the volume read-write")
            }
            switch device.content {
            case .signature(let type, let existing?, let existingLabel) where type == fs.rawValue && existingLabel == request.label:
                if let members = device.btrfsMembers, UInt64(members.attached.count) < members.expected {
                    throw DockStoreError.refused("refusing: the btrfs \(existing) on \(label) has \(members.expected) devices and \(members.attached.count) \(members.attached.count == 1 ? "is" : "are") attached (\(members.attached.joined(separator: ", "))); the kernel mounts it only with all of them, and nothing was changed: attach the missing one (a loop device added by hand is attached by no boot: losetup it again) and re-run")
                }
                uuid = existing
            case .blank:
                try checkSize(device, fs, label)
                try refuseOtherDevicesFormat(device, host: host)
                if let record = formatRecord(device, fs, request.label) {
                    // Written ahead of the format, so a run killed inside mkfs is finished by the next.
                    uuid = record.uuid
                    recordedUUID = record.uuid
                    if record != device.formatRecord {
                        let replaced = device.formatRecord.flatMap { $0.identity != device.identity ? $0 : nil }
                        steps.append(.recordFormat(record, replacing: replaced))
                    }
                }
                steps.append(.formatDevice(filesystem: fs, uuid: uuid, wipe: false, volumeID: device.device.volumeID))
            case .ambivalent, .unreadable:
                throw DockStoreError.refused("refusing: \(label) is \(device.content.summary); dockstore formats only a device it can read and knows to be blank")
            case .unrecognizedData where resumed != nil:
                // A format a killed run began on this very device: its record names the device's
                // identity and size, and the device carries mkfs.btrfs's temporary superblock with
                // the recorded UUID. Finished with the recorded UUID.
                try checkSize(device, fs, label)
                uuid = resumed?.uuid ?? uuid
                steps.append(.formatDevice(filesystem: fs, uuid: uuid, wipe: true, volumeID: device.device.volumeID))
            case .unrecognizedData where device.canceledReplaceTarget != nil:
                // The partial copy migrate-ebs --abort recorded, still exactly as it left it.
                try checkSize(device, fs, label)
                steps.append(.formatDevice(filesystem: fs, uuid: uuid, wipe: true, volumeID: device.device.volumeID))
            case .signature, .partitionTable, .unrecognizedData:
                guard deviceRequest.force else {
                    throw DockStoreError.refused("refusing: \(label) holds \(device.content.summary); dockstore never formats a device that holds data; if it is truly unwanted, re-run with --force (which wipes it)")
                }
                try checkSize(device, fs, label)
                steps.append(.formatDevice(filesystem: fs, uuid: uuid, wipe: true, volumeID: device.device.volumeID))
                // A record left by a killed format (of this device or another) names a format
                // this one supersedes: it goes after the fstab line, as the unforced path's own.
                superseded = device.formatRecord != nil
            }
        } else if case .signature(_, let existing?, _) = device.content {
            uuid = existing
        }
        // The record is done with once the format it names is there (planned after the fstab line).
        var after: [ProvisionStep] = []
        if let recordedUUID, superseded || recordedUUID.lowercased() == uuid.lowercased() {
            after.append(.forgetFormat(uuid: recordedUUID, superseded: superseded && recordedUUID.lowercased() != uuid.lowercased()))
        }
        return ProvisionPlanner.StorePlan(
            steps: steps, afterFstab: after, mountSource: device.device.path, fstabSource: "UUID=\(uuid)",
            fstabAliases: [device.device.path, device.device.requested, "/dev/disk/by-uuid/\(uuid)", "LABEL=\(request.label)"],
            fstype: fs.rawValue, fsckPass: fs.fsckPass, storageDriver: fs.storageDriver)
    }

    /// A record of a killed format of another device, which is attached now (under any name) or
    /// was recorded under the very name given: the run that was killed is that device's to
    /// finish, and the name given is, after a reboot, likely the old name of the recorded
    /// device now held by another (attack 33 U F1: the refusal's own advice, `--device
    /// /dev/loop1`, formatted the disk that took that name and dropped the record). Refused,
    /// naming both; to format this device instead, the admin removes the record. A record of a
    /// device not attached, under another name, is superseded (the plan says so).
    static func refuseOtherDevicesFormat(_ device: DeviceObservation, host: Host) throws {
        guard let record = device.formatRecord, record.identity != device.identity else { return }
        let names = device.formatRecordDeviceNow
        let tookItsName = device.device.path == record.device || device.device.requested == record.device
        guard !names.isEmpty || tookItsName else { return }
        let other = tookItsName ? "\(device.device.label) is another device now (\(device.identity?.summary ?? "no identity dockstore trusts")), which took the recorded name" : "\(device.device.label) is another device"
        let finish = names.isEmpty ? "attach it and finish that format with dockstore provision --device \(record.identity.volumeID ?? "ITS-DEVICE")" : "finish that format with dockstore provision --device \(record.deviceArgument(names))"
        throw DockStoreError.refused("refusing: a provision --device of \(record.whereNow(names)) was killed before it finished (\(host.real(FormatRecord.path)) records it), and \(other); nothing was changed: \(finish), or, to format \(device.device.requested) instead, remove \(host.real(FormatRecord.path)) and re-run")
    }

    /// The record to write before formatting the blank device: the one already there when it
    /// names this device (a re-run keeps its UUID), else a new one; nil for a device without an
    /// identity dockstore trusts (no record: a killed format of it stays refused).
    static func formatRecord(_ device: DeviceObservation, _ fs: DeviceFilesystem, _ label: String) -> FormatRecord? {
        guard let identity = device.identity else { return nil }
        if namesDevice(device, fs, label), let record = device.formatRecord { return record }
        return FormatRecord(identity: identity, size: device.size, filesystem: fs.rawValue, label: label,
                            uuid: device.newUUID, device: device.device.path)
    }

    /// Whether the format record names this device (its identity and size) and this format.
    static func namesDevice(_ device: DeviceObservation, _ fs: DeviceFilesystem, _ label: String) -> Bool {
        guard let identity = device.identity, let record = device.formatRecord else { return false }
        return record.names(identity, size: device.size, filesystem: fs, label: label)
    }

    /// Whether a killed format of this device is finished: the record names it and the device
    /// itself proves the recorded format began on it (its temporary btrfs superblock carries the
    /// recorded UUID). The record alone is never proof.
    static func resumesFormat(_ device: DeviceObservation, _ fs: DeviceFilesystem, _ label: String) -> Bool {
        guard namesDevice(device, fs, label), let record = device.formatRecord else { return false }
        return record.isProven(byTemporaryFSID: device.temporaryBtrfsFSID)
    }

    static func holdsStore(_ content: BlockContent, _ fs: DeviceFilesystem, _ label: String) -> Bool {
        if case .signature(let type, _, let existing) = content { return type == fs.rawValue && existing == label }
        return false
    }

    /// What --force never overrides: not a block device, the root disk, mounted anywhere
    /// but `mountpoint`, a member of a mounted btrfs, active swap, held by device-mapper,
    /// LVM or md, or held by another program (the kernel refuses an exclusive open).
    ///
    /// Mounted below `mountpoint` while mounted at it is the store's own filesystem again, not
    /// elsewhere: dockerd's graph drivers bind-mount their home (`DATA_ROOT/btrfs`,
    /// `DATA_ROOT/overlay2`) onto itself at every start (attack 13 X1).
    static func refuseInUse(_ device: DeviceObservation, mountpoint: String) throws {
        let label = device.device.label
        guard device.kind == .blockDevice else {
            throw DockStoreError.refused("\(label) is a \(device.kind.rawValue), not a block device; give the EBS volume's device")
        }
        if let disk = device.rootDisk {
            throw DockStoreError.refused("refusing: \(label) is on \(disk), the disk the root filesystem lives on")
        }
        if let disk = device.partitionOf {
            throw DockStoreError.refused("refusing: \(label) is a partition of \(disk); Docker's storage takes a whole EBS volume: give the volume itself (after checking it holds nothing)")
        }
        let atMountpoint = device.mountedAt.contains { $0.sameBytes(mountpoint) }
        let elsewhere = device.mountedAt.filter { !$0.sameBytes(mountpoint) && !(atMountpoint && $0.hasBytePrefix(mountpoint + "/")) }
        if !elsewhere.isEmpty {
            throw DockStoreError.refused("refusing: \(label) is mounted at \(elsewhere.joined(separator: ", ")); unmount it first")
        }
        // A member of the btrfs of several devices mounted at the mountpoint is the store in place.
        if let uuid = device.btrfsMemberOf, !device.mountedAt.contains(mountpoint), !device.btrfsMountedAt.contains(mountpoint) {
            let foreign = device.mountedInOtherNamespaces
            if !foreign.isEmpty {
                throw DockStoreError.refused("refusing: \(label) holds the btrfs \(uuid), which is mounted in another mount namespace (\(foreign.described)) and nowhere this namespace shows; dockstore does not mount it a second time; nothing was changed: \(foreign.remedy), then re-run")
            }
            guard device.btrfsMountedAt.isEmpty else {
                throw DockStoreError.refused("refusing: \(label) is a member of the btrfs \(uuid) mounted at \(device.btrfsMountedAt.joined(separator: ", ")) (btrfs filesystem show \(uuid) lists its devices); remove it from that filesystem first")
            }
            // Open in the kernel, yet no mount here or in any namespace a process here shows
            // (a process in another PID namespace, a lazy unmount still busy): "remove it from
            // that filesystem" (device remove of its only device) is no remedy (attack 33 U).
            throw DockStoreError.refused("refusing: \(label) holds the btrfs \(uuid), which the kernel has open (/sys/fs/btrfs/\(uuid)) but which no mount this namespace shows, nor any other mount namespace of a process visible here; a process in another PID namespace (a container) may hold it, or a lazy unmount is still busy; dockstore does not mount it a second time; nothing was changed: end what holds it (look from the host: grep -l \(device.device.path.dropFirst("/dev/".count)) /proc/*/mountinfo) and re-run")
        }
        if device.swap {
            throw DockStoreError.refused("refusing: \(label) is in use as swap; swapoff it first")
        }
        if !device.holders.isEmpty {
            throw DockStoreError.refused("refusing: \(label) is in use by \(device.holders.joined(separator: ", ")); release it first")
        }
        if device.heldByAnotherProgram {
            throw DockStoreError.refused("refusing: the kernel says \(label) is in use (held by another program: it refuses an exclusive open, and it is neither mounted, a btrfs member, swap nor under device-mapper or RAID); release it first (fuser -v \(device.device.path) names the program); nothing was changed")
        }
    }

    static func checkSize(_ device: DeviceObservation, _ fs: DeviceFilesystem, _ label: String) throws {
        if device.size < fs.minimumSize {
            throw DockStoreError.refused("refusing: \(label) is \(ByteSize.format(device.size)), too small for \(fs.rawValue) (at least \(ByteSize.format(fs.minimumSize)))")
        }
    }
}
