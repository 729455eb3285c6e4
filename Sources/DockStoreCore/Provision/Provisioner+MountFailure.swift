extension Provisioner {
    /// A mount that fails right after this run created and formatted a new image leaves
    /// nothing behind, as a failed create does: the image (only while it is still a regular
    /// file holding the btrfs with the UUID this run formatted, that no loop device holds) and
    /// the mountpoint folder the run made (only while empty) are removed again, and the folder
    /// record it created (`undoFolderRecord`). The message
    /// names the extra mount options, which are what usually makes a fresh store fail to mount.
    func undoAfterMountFailure(_ error: Error, of plan: ProvisionPlan) -> Error {
        let message = (error as? DockStoreError)?.message ?? "\(error)"
        let options = request.extraMountOptions.joined(separator: ",")
        let filesystem = request.device?.filesystem.rawValue ?? "btrfs"
        var named = options.isEmpty ? message
            : "\(message); the extra mount options were '\(options)' (--mount-options or DOCKSTORE_MOUNT_OPTIONS): correct them (\(filesystem)(5) lists what \(filesystem) takes; dmesg says which one the kernel refused, or which feature it lacks) and re-run"
        if options.isEmpty, (error as? DockStoreError)?.code == Errno.invalidArgument, let kept = fstabLineOptions(of: plan) {
            // A kernel that judges options only at the mount (btrfs before Linux 6.8): provision
            // could not ask it beforehand (`KernelMountOptions`), so the line is named now.
            named += "; fstab's line mounts it with the options '\(kept)' besides dockstore's own: if the kernel rejected one of them (dmesg says which), correct that line in \(host.real(HostPaths.fstab)) and re-run"
        }
        if request.followsMigration, imageMissing(), migrationOpen() {
            // Attack 23 H1: a bare "No such file or directory" when the image renamed away took
            // part of the store with it.
            named += "; the open migration's image \(host.real(request.image)) is not there (moved away or deleted), and until the move passes its point of return the volume holds only part of the store: put the image back under that name and re-run"
        } else if filesystem == "btrfs", (error as? DockStoreError)?.code == Errno.noSuchFileOrDirectory {
            // Attack 52 V F6: a device store whose second member no boot attached was blamed on
            // a migration that never ran (every device store's line is a volume line).
            named += "; the kernel mounts a btrfs of several devices only with all of them, and one is missing: attach it (btrfs filesystem show lists the store's devices; dmesg names the missing devid) and re-run"
        }
        if let failed = error as? DockStoreError, failed.kind == .failed,
           let (device, filesystem, uuid) = plan.steps.lazy.compactMap(formattedDevice).first {
            return undoAfterDeviceMountFailure(failed, named: named, plan: plan, device: device, filesystem: filesystem, uuid: uuid)
        }
        guard let error = error as? DockStoreError, error.kind == .failed,
              let uuid = plan.steps.lazy.compactMap(Self.newImageUUID).first else {
            let original = error as? DockStoreError
            return DockStoreError(original?.kind ?? .failed, named, code: original?.code)
        }
        var undone: [String] = []
        do {
            let image = host.real(request.image)
            if let status = try host.statusInRoot(request.image), status.kind == .regular,
               case .signature("btrfs", uuid, _) = BlockProbe.probe(image) {
                LoopDevice.waitUntilReleased(try LoopDevice.devices(backing: status).map(\.path))
                try host.removeFile(request.image, ifStill: status.device, status.inode, what: "the image this run created")
                undone.append("dockstore removed the new image \(image) again")
            }
            if plan.steps.contains(.createMountpoint), try host.removeFolderIfEmpty(request.mountpoint) {
                undone.append("and the folder \(host.real(request.mountpoint)) it made")
            }
            if try undoFolderRecord(of: plan) {
                undone.append("and its record of folders \(host.real(ProvisionFolderRecord.path))")
            }
        } catch let cleanup as DockStoreError {
            return DockStoreError(.failed, "\(named); the new image was not removed: \(cleanup.message)")
        } catch {
            return DockStoreError(.failed, "\(named); the new image was not removed: \(error)")
        }
        return DockStoreError(error.kind, undone.isEmpty ? named : "\(named); \(undone.joined(separator: " "))", code: error.code)
    }

    /// A migration journal is there, for the messages only: one that cannot be read is not said to be open.
    func migrationOpen() -> Bool {
        do {
            return try MigrationJournal.read(host: host) != nil
        } catch {
            return false
        }
    }

    /// No file at the image's path, for the messages only (here and `StoreMounter`'s advice): a
    /// path that cannot be looked at is not said to be missing.
    func imageMissing() -> Bool {
        do {
            return try host.statusInRoot(request.image) == nil
        } catch {
            return false
        }
    }

    /// A device this run formatted keeps its new filesystem when the mount fails (attack 26 L7:
    /// the folders it made were left, and nothing said what the device now held): the format
    /// record stays, so the re-run with corrected options mounts it without formatting again;
    /// the mountpoint folder and the folder record this run made go, as after an image's.
    private func undoAfterDeviceMountFailure(_ error: DockStoreError, named: String, plan: ProvisionPlan,
                                             device: String, filesystem: String, uuid: String) -> Error {
        var removed: [String] = []
        var undone: [String] = []
        do {
            if plan.steps.contains(.createMountpoint), try host.removeFolderIfEmpty(request.mountpoint) {
                removed.append("the folder \(host.real(request.mountpoint)) it made")
            }
            if try undoFolderRecord(of: plan) {
                removed.append("its record of folders \(host.real(ProvisionFolderRecord.path))")
            }
            if !removed.isEmpty { undone.append("dockstore removed \(removed.joined(separator: " and "))") }
        } catch {
            undone.append("the folders it made were not removed: \((error as? DockStoreError)?.message ?? "\(error)")")
        }
        undone.append("\(device) keeps the \(filesystem) this run made (UUID \(uuid)), recorded in \(host.real(FormatRecord.path)), so the re-run mounts it without formatting again (dockstore teardown --wipe-device gives the device back blank)")
        return DockStoreError(error.kind, "\(named); \(undone.joined(separator: "; "))", code: error.code)
    }

    private func formattedDevice(_ step: ProvisionStep) -> (String, String, String)? {
        guard case .formatDevice(let filesystem, let uuid, _, _) = step, let device = request.device else { return nil }
        return (device.spec.description, filesystem.rawValue, uuid)
    }

    private static func newImageUUID(_ step: ProvisionStep) -> String? {
        if case .format(_, let uuid, newImage: true) = step { return uuid }
        return nil
    }
}

extension Provisioner {
    /// The options of the mount step that go to the filesystem and are not dockstore's own:
    /// those an adopted or hand-edited fstab line brought; nil when there are none.
    func fstabLineOptions(of plan: ProvisionPlan) -> String? {
        for case .mount(_, _, let options) in plan.steps {
            let own = Set(request.requiredMountOptions)
            let kept = KernelMountOptions.filesystemOptions(options.split(separator: ",").map(String.init)).filter { !own.contains($0) }
            return kept.isEmpty ? nil : kept.joined(separator: ",")
        }
        return nil
    }
}
