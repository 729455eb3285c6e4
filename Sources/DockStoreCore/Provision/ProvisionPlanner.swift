/// The pure heart of `provision`: from what was observed and what was asked, the steps
/// that bring the host to the wanted state, or a refusal that changes nothing.
public enum ProvisionPlanner {
    /// The 0-based index of dockstore's own fstab line (its ordering option) that mounts the
    /// missing or emptied image at the mountpoint: provision wrote it once that store was
    /// mounted, so a store was here, and a new image starts empty. SUSE's legacy line is there
    /// before its image is first made (the first boot of every instance) and says nothing.
    static func lostImageLine(_ observed: ProvisionObservation, _ request: ProvisionRequest) -> Int? {
        guard let bytes = observed.fstab,
              let line = FstabFile(bytes: bytes).entries(mountingAt: request.mountpoint).first,
              line.entry.normalizedSource.sameBytes(request.image.string),
              line.entry.options.contains(ProvisionRequest.orderingOption) else { return nil }
        return line.index
    }

    /// The warning for `lostImageLine`: the store the line mounted is gone (attack 20 F6).
    static func lostStoreWarning(_ imagePath: String, state: String, line: Int, _ request: ProvisionRequest, _ host: Host,
                                 stale: StaleMountDropIn? = nil) -> String {
        "the image \(imagePath) that \(host.real(HostPaths.fstab)) line \(line + 1) mounts at \(host.real(request.mountpoint)) \(state): the store it held (Docker's images, containers and volumes) is not there, and provision makes a new, empty store in its place; if the image was only moved away or is on a disk that is not attached, put it back before Docker fills the new one (dockstore teardown --stop-docker --delete-image takes the new one down)"
            + (stale.map { "; when provision last ran, \(request.mountpoint) was \(MountUnitName.pathBytes(ofUnit: $0.unit).map(ShownBytes.text) ?? $0.unit) (docker.service's drop-in waits for \($0.unit)): a link on its path was changed since, and the store may be where it led then: point the link back before Docker fills the new one" } ?? "")
    }

    public static func plan(_ observed: ProvisionObservation, _ request: ProvisionRequest,
                            _ host: Host) throws -> ProvisionPlan {
        var warnings: [String] = []
        // First, so that a drop-in holding an admin's lines refuses before anything is made.
        if let bytes = observed.dropIn, case .foreign(let reason) = DockerDropIn.ownership(of: bytes) {
            throw DockerDropIn.refusal(reason, path: host.real(HostPaths.dockerDropIn), command: "provision")
        }
        // At dockstore's name, as for docker.service's drop-in: never rewritten or removed when edited.
        if let bytes = observed.mountDropIn, case .foreign(let reason) = MountDropIn.ownership(of: bytes) {
            throw DockerDropIn.refusal(reason, path: host.real(MountDropIn.path(unitPath: observed.unitPath(request))), command: "provision")
        }
        let unitPath = observed.unitPath(request)
        if unitPath != request.mountpoint, !unitPath.isRoot, !MountUnitName.fits(unitPath) {
            throw DockStoreError.refused("refusing: \(request.mountpoint) resolves through a symbolic link to \(ShownBytes.text(unitPath.string)), whose systemd mount unit name would be longer than \(MountUnitName.maxLength) bytes: systemd names such a mount by a hash, so docker.service could not be ordered after it, and its drop-in folder would be longer than a file name may be; shorten the link's target or give another --mountpoint; nothing was changed")
        }
        if let relinked = observed.relinkedStore {
            throw relinked.refusal(mountpoint: request.mountpoint, resolved: unitPath, command: "provision")
        }
        if let unmounted = observed.unmountedFstabFolder {
            throw unmounted.refusal(fstabPath: host.real(HostPaths.fstab), host: host)
        }
        try StorePlacement.refuseReached(observed, request)
        if request.device == nil, let volatile = observed.imageFolderInMemory {
            // Outside attack 14, Y-ROOT-3: every reboot would give a new, empty store; also on a
            // filesystem that itself lives in memory (attack 55 Z 3: an ext4 in a file in /dev/shm).
            throw DockStoreError.refused("refusing: the folder of the image \(host.real(request.image)) is on \(volatile), which every boot empties: Docker's store would start empty after each reboot; put the image on a disk filesystem (--image or DOCKSTORE_IMAGE); nothing was changed")
        }
        let mounted = try checkMountpoint(observed, request, host)
        if mounted, case .mounted(let entry, _, _) = observed.mountpoint, entry.options.split(separator: ",").contains("ro") {
            // Not provision's to change (status lists it too): said at every boot, not hidden by "nothing to do".
            warnings.append(readOnlyStore(host.real(request.mountpoint)))
        }
        if mounted { warnings += try checkMountedRoot(observed, host.real(request.mountpoint)) + observed.mountedShrunk }
        // Said at every boot: the storage flags provision sets would not reach dockerd.
        warnings += observed.dockerServiceProblems

        // The store: what to create or format, what to mount, how fstab names it.
        let store: StorePlan
        if let deviceRequest = request.device {
            guard let device = observed.device else {
                throw DockStoreError.failed("internal: the device \(deviceRequest.spec) was not observed")
            }
            store = try DevicePlanner.plan(device, deviceRequest, observed, request, host, mounted: mounted)
        } else {
            store = try imageSteps(observed, request, host, mounted: mounted, warnings: &warnings)
        }
        var steps = store.steps
        // One store per root: a store dockstore set up mounted elsewhere in it refuses, after
        // the mountpoint's, the image's and the device's own refusals (a device in use names
        // its use first), before fstab and the files are planned.
        if let other = observed.storesElsewhere.first {
            throw other.refusal(asked: host.real(request.mountpoint), host: host)
        }
        if let other = observed.finishedStoreElsewhere {
            throw other.refusal(asked: request.mountpoint, host: host)
        }
        // After the one-store rule: a device store a killed run mounted before it forgot its
        // record is named as that store, not as an unfinished format.
        if let interrupted = observed.interruptedDeviceFormat, store.steps.contains(where: { if case .format = $0 { true } else { false } }) {
            throw interrupted.refusal(image: host.real(request.image), host: host)
        }

        // fstab: its line decides the mount options, so it is planned before the mount.
        let fstabPath = host.real(HostPaths.fstab)
        // No fstab (a fresh image tree): the one dockstore creates is marked, for teardown.
        var fstab = FstabFile(bytes: observed.fstab ?? FstabFile.createdByDockstore)
        var replacedImageLine: String? = nil
        if request.followsMigration, let old = fstab.entries(mountingAt: request.mountpoint).first,
           old.entry.normalizedSource.sameBytes(request.image.string) {
            let line = FstabEntry(source: store.fstabSource, target: request.mountpoint.string, fstype: store.fstype,
                                  options: request.requiredMountOptions, pass: store.fsckPass)
            fstab.replace(lineAt: old.index, with: line)
            replacedImageLine = "the store moved to \(store.fstabSource): replace line \(old.index + 1) '\(old.entry.rendered)' with '\(line.rendered)'"
        }
        if let other = observed.otherImageLine, !store.fstabAliases.contains(where: { $0.sameBytes(other.image) }) {
            throw other.refusal(fstab: fstabPath, mountpoint: request.mountpoint, request: request, host: host)
        }
        let edit = try fstab.storeLineEdit(source: store.fstabSource, aliases: store.fstabAliases,
                                           target: request.mountpoint, fstype: store.fstype,
                                           requiredOptions: request.requiredMountOptions, pass: store.fsckPass,
                                           path: fstabPath)
        let entry: FstabEntry
        var fstabStep: ProvisionStep? = nil
        switch edit {
        case .inPlace(let existing):
            entry = existing
            var ended = fstab
            let index = fstab.entries(mountingAt: request.mountpoint).first?.index ?? -1
            if ended.endLine(at: index) {
                let change = "end line \(index + 1) '\(existing.rendered)' with a newline (it had none: a line appended to the file would glue onto it)"
                fstabStep = .writeFstab(bytes: ended.bytes, change: replacedImageLine.map { $0 + "; " + change } ?? change,
                                        basis: FileBasis(observed.fstab))
            } else if let replacedImageLine {
                fstabStep = .writeFstab(bytes: fstab.bytes, change: replacedImageLine, basis: FileBasis(observed.fstab))
            }
        case .append(let new):
            entry = new
            var updated = fstab
            updated.append(new)
            fstabStep = .writeFstab(bytes: updated.bytes, change: "add the line '\(new.rendered)'", basis: FileBasis(observed.fstab))
        case .adopt(let index, let old, let new):
            entry = new
            var updated = fstab
            updated.replace(lineAt: index, with: new)
            _ = updated.endLine(at: index)
            fstabStep = .writeFstab(bytes: updated.bytes, change: "adopt line \(index + 1) '\(old.rendered)' as '\(new.rendered)'",
                                     basis: FileBasis(observed.fstab))
        }

        try refuseUnusableLineOptions(entry, fstab: fstab, mountpoint: request.mountpoint, path: fstabPath)
        try refuseKernelRejectedOptions(entry, observed, request, fstype: store.fstype, fstab: fstab, path: fstabPath)
        warnings.insert(contentsOf: MountOptions.containerEffects(entry.options), at: 0)

        if case .missing = observed.mountpoint { steps.append(.createMountpoint) }
        if !mounted {
            steps.append(.mount(source: store.mountSource, fstype: store.fstype, options: entry.options.joined(separator: ",")))
        }
        if let fstabStep { steps.append(fstabStep) }
        steps += store.afterFstab

        // Before docker.service's drop-in, which names the old unit until it is rewritten: the
        // record that lets a killed run find this one again.
        if let stale = observed.staleMountDropIn {
            steps.append(.writeMountDropIn(path: stale.path, text: nil, change: stale.change(now: observed.unitPath(request)), basis: FileBasis(stale.bytes)))
        }
        // The folders it creates are recorded ahead, in their own file (`folderRecordStep`); a
        // record in the drop-in's first line, as provision wrote it before, moves there when
        // the drop-in is rewritten.
        let dropIn = DockerDropIn.render(mountpoint: request.mountpoint, unit: MountUnitName.of(observed.unitPath(request)))
        // A drop-in that differs only by the record an older provision wrote there stays as it is.
        if observed.dropIn.map({ DockerDropIn.createdFolders(in: $0).rest }) != Array(dropIn.utf8) {
            steps.append(.writeDropIn(text: dropIn, change: observed.dropIn == nil
                ? "create it: docker.service waits for \(MountUnitName.of(observed.unitPath(request))) and starts only when \(request.mountpoint) is mounted"
                : "rewrite it: docker.service waits for \(MountUnitName.of(observed.unitPath(request))) and starts only when \(request.mountpoint) is mounted", basis: FileBasis(observed.dropIn)))
        }

        if let step = mountDropInStep(observed, request, host) { steps.append(step) }

        let driver = try chosenDriver(request, fstype: store.fstype, default: store.storageDriver, host: host)
        try refuseQuotaOptions(request, observed, fstype: store.fstype, line: entry, host: host)
        let addDataRoot = try dataRootToAdd(observed, host, mountpoint: request.mountpoint)
        try refuseOtherDriver(observed, host, driver: driver)
        steps += try storageSteps(observed, host, driver: driver,
                                  options: request.driverOptions.isEmpty ? nil : request.driverOptions.map(\.description),
                                  addDataRoot: addDataRoot, &warnings)

        // First (after the folder record): until the settings name the store's place, a boot
        // after a kill would look for it at the defaults (attack 16, C4).
        if let settings = try BootSettingsEdit.plan(current: observed.bootSettingsFile, settings: observed.bootSettings, request: request,
                                                    path: host.real(ProvisionSettings.path)) {
            if let problem = observed.bootSettingsFolderProblem {
                throw DockStoreError.refused("provision would write \(host.real(ProvisionSettings.path)) so that the boot unit finds the store at \(request.mountpoint), but the boot would refuse that file: \(problem); nothing was changed")
            }
            steps.insert(.writeBootSettings(bytes: settings.bytes, change: settings.change, basis: FileBasis(observed.bootSettingsFile)), at: 0)
        }
        if observed.systemdRunning, steps.contains(where: { if case .writeFstab = $0 { return true }; if case .writeDropIn = $0 { return true }
                                                         if case .writeMountDropIn = $0 { return true }; return false }) {
            steps.append(.reloadSystemd)
        }
        if observed.dockerService?.enabledButDown == true, steps.contains(where: { if case .writeDropIn = $0 { true } else { false } }) {
            steps.append(.startDocker)
        }
        if observed.bootDisabled { steps.append(.enableBoot) }
        if let record = try folderRecordStep(observed, request, host, steps: steps) { steps.insert(record, at: 0) }
        // Said when provision makes the store or its line, not at every boot that finds it in place.
        if steps.contains(where: { if case .formatDevice = $0 { true } else if case .writeFstab = $0 { true } else { false } }) {
            if let refusal = observed.device?.inMemoryRefusal { throw refusal }
            if let warning = observed.device?.notAttachedAtBootWarning(mountpoint: host.real(request.mountpoint)) {
                warnings.append(warning)
            }
        }
        return ProvisionPlan(steps: steps, warnings: warnings + store.warnings)
    }

    /// What the image or device part of the plan decided.
    struct StorePlan {
        var steps: [ProvisionStep]
        /// Planned after the fstab line: `forget-format-record`.
        var afterFstab: [ProvisionStep] = []
        var mountSource: String
        var fstabSource: String
        var fstabAliases: [String]
        var fstype: String
        var fsckPass: String
        var storageDriver: String
        var warnings: [String] = []
    }

    /// Refuses a mountpoint the store cannot go on; true when the store is already mounted there.
    static func checkMountpoint(_ observed: ProvisionObservation, _ request: ProvisionRequest, _ host: Host) throws -> Bool {
        let mountpointPath = host.real(request.mountpoint)
        switch observed.mountpoint {
        case .missing:
            guard observed.mountpointParentExists else {
                throw DockStoreError.refused("the folder \(host.real(request.mountpoint.parent)) that should hold \(mountpointPath) does not exist; create it or give another --mountpoint")
            }
            return false
        case .notFolder(let kind):
            throw DockStoreError.refused("\(mountpointPath) is a \(kind.rawValue), not a folder: Docker's storage can only be mounted on a folder; move it away or give another --mountpoint")
        case .emptyFolder:
            return false
        case .nonEmptyFolder(let names):
            let shown = names.prefix(3).joined(separator: ", ") + (names.count > 3 ? ", …" : "")
            throw DockStoreError.refused("\(mountpointPath) is not a mount point but holds files (\(shown)): mounting the store there would hide Docker's existing data; stop Docker and move them aside (mv -n \(mountpointPath.shellWord) \((observed.mountpointAside ?? mountpointPath + ".old").shellWord)), then re-run")
        case .mounted(let entry, let ofImage, let ofDevice):
            if let over = observed.mountedOver {
                throw DockStoreError.refused("\(over.verdict(mountpoint: mountpointPath)), then re-run; nothing was changed")
            }
            if let foreign = observed.mountedForeign {
                throw DockStoreError.refused("\(foreign.verdict(mountpoint: mountpointPath)), then re-run; nothing was changed")
            }
            if let device = request.device {
                if ofDevice { return true }
                if ofImage {
                    throw DockStoreError.refused("Docker's storage is the loopback image \(host.real(request.image)), mounted at \(mountpointPath); to move it onto \(device.spec) without losing a layer, run: dockstore migrate-ebs \(device.spec)")
                }
                throw DockStoreError.refused("\(mountpointPath) already has \(entry.source) (\(entry.fstype)) mounted on it, not \(device.spec); unmount it or give another --mountpoint")
            }
            if let unlinked = observed.mountedImageUnlinked, let verdict = unlinked.verdict(mountpoint: mountpointPath) {
                throw DockStoreError.refused("refusing: \(verdict); nothing was changed")
            }
            // Unmounting would make the next mount use what now has the image's name (A-7, B05).
            if let moved = observed.mountedImageMoved { throw moved.refusal(mountpoint: mountpointPath) }
            guard ofImage else {
                // The store fstab mounts there, another image than the one asked for (settings
                // changed under it: outside attack 14, Y-MSG-1): the way out is to name it, not
                // to unmount Docker's live store.
                if let other = observed.otherImageLine {
                    throw other.refusal(fstab: host.real(HostPaths.fstab), mountpoint: request.mountpoint, request: request, host: host)
                }
                throw DockStoreError.refused("\(mountpointPath) already has \(entry.source) (\(entry.fstype)) mounted on it, not \(host.real(request.image)); unmount it or give another --mountpoint")
            }
            return true
        }
    }

    /// The store's btrfs mounted showing another subvolume than its top level refuses: Docker
    /// would start on a tree without its images, containers and volumes and write into that
    /// subvolume from then on; refusing at boot keeps Docker down (its data stays as it is)
    /// until the admin sets the default back. A subvolume flagged read-only or a data root
    /// with chattr's i or a is a warning, as a read-only mount is: dockerd fails on it anyway,
    /// and provision does not change it.
    static func checkMountedRoot(_ observed: ProvisionObservation, _ mountpoint: String) throws -> [String] {
        guard let root = observed.mountedRoot else { return [] }
        if root.subvolumeID != BtrfsRootState.topLevel {
            throw DockStoreError.refused(RootStateRules.subvolumeNotTopLevel(mountpoint: mountpoint, id: "\(root.subvolumeID)"))
        }
        return RootStateRules.evaluate(root, mountpoint: mountpoint).map(\.message)
    }

    /// A store mounted read-only: provision's warning at every boot and one of status's problems.
    public static func readOnlyStore(_ mountpoint: String) -> String {
        "the store at \(mountpoint) is mounted read-only: dockerd cannot write a layer or a container there, and provision does not remount it; remount it read-write (mount -o remount,rw \(mountpoint.shellWord)), or find why the kernel made it read-only (dmesg) if no one asked for it"
    }

    /// Refuses to mount the image when doing so could make a second, independent instance
    /// of its filesystem: it is mounted elsewhere, the kernel has it open where this mount
    /// namespace cannot see, or more than one loop device is bound to it.
    static func checkImageMountable(_ observed: ProvisionObservation, _ request: ProvisionRequest, _ host: Host) throws {
        let imagePath = host.real(request.image)
        if let other = observed.imageMountedAt.first {
            // Most often the store itself at the mountpoint an earlier provision was given (attack 15, C24): never advise unmounting it.
            let shown = StoreElsewhere.hostPath(other, root: host.root)
            throw DockStoreError.refused("\(imagePath) is mounted at \(other), not at \(host.real(request.mountpoint)), and a btrfs image is mounted once; nothing was changed: if that is Docker's store, give --mountpoint \(shown.shellWord) (and set DOCKSTORE_MOUNTPOINT=\(shown.shellWord) in \(host.real(ProvisionSettings.path)), which the boot unit reads); if it is a stray second mount, unmount it there (umount \(other.shellWord)) and re-run")
        }
        if observed.imageLoops.count > 1 {
            throw DockStoreError.refused("\(observed.imageLoops.count) loop devices are bound to \(imagePath) (\(observed.imageLoops.joined(separator: ", "))) and none is mounted at \(host.real(request.mountpoint)); mounting through two would make two independent copies of one filesystem: detach all but one (losetup -d) and re-run")
        }
        if let group = observed.imageCopies.first, case .file(_, _, .signature(_, let uuid?, _)) = observed.image {
            throw StoreCopies.refusal(uuid: uuid, [group])
        }
        // Both rest on what a `mount -o loop` under way shows before its mount (a loop device
        // bound, its size not yet set; the filesystem open): a mount is awaited before they
        // stand (attack 52 V F10: status said them under a mount racer at the mountpoint).
        if let unfit = observed.unfitImageLoops.first, observed.imageMountedAt.isEmpty {
            throw DockStoreError.refused(UnfitImageLoops.refusal(unfit, image: imagePath)).unshownMount()
        }
        if let claimed = observed.imageClaimedBytes, case .file(let size, _, _) = observed.image, size < claimed {
            throw DockStoreError.refused("\(imagePath) is \(size) bytes long, shorter than the \(claimed) bytes its btrfs claims on it (cut by a truncate, or a copy cut short), and the kernel does not mount it; nothing was changed: grow it back (truncate -s \(claimed) \(imagePath.shellWord)), look at it (btrfs check --readonly \(imagePath.shellWord): what was cut off reads as zeros), then re-run")
        }
        if observed.imageFilesystemOpen {
            throw DockStoreError.refused("the kernel has the btrfs filesystem in \(imagePath) mounted, but not at \(host.real(request.mountpoint)) nor anywhere this mount namespace shows (another namespace holds it, or a lazy unmount is still busy); mounting it again would make a second copy of it: find the holder (grep -l btrfs /proc/*/mountinfo) and re-run").unshownMount()
        }
    }

    static func imageSteps(_ observed: ProvisionObservation, _ request: ProvisionRequest, _ host: Host,
                           mounted: Bool, warnings: inout [String]) throws -> StorePlan {
        let imagePath = host.real(request.image)
        var steps: [ProvisionStep] = []
        if !mounted { try checkImageMountable(observed, request, host) }
        for second in observed.secondImageLoops {
            if second.mounted { throw second.refusal(image: imagePath, mountpoint: host.real(request.mountpoint)) }
            warnings.append(second.warning(image: imagePath, mountpoint: host.real(request.mountpoint)))
        }
        // A new image killed before it was renamed into place: dockstore's own unfinished work.
        let temporary = host.real(UnfinishedImage(host: host, image: request.image).path)
        var freedByLeftover: UInt64 = 0
        switch observed.unfinishedImage {
        case .none:
            break
        case .removable(let device, let inode, let allocated):
            steps.append(.removeUnfinishedImage(device: device, inode: inode, allocated: allocated))
            freedByLeftover = allocated
        case .held(let loop):
            throw DockStoreError.refused("\(temporary) (an image a killed provision left unfinished) is attached to \(loop); dockstore removes it only when nothing holds it: detach it (losetup -d \(loop)) and re-run")
        case .foreign(let kind):
            throw DockStoreError.refused("\(temporary) is a \(kind.rawValue), not an image dockstore left unfinished (dockstore builds a new image under that name): move it away and re-run")
        }
        if let largest = observed.hostLargestFile {
            throw DockStoreError.refused("the filesystem holding \(imagePath) allows files of at most \(largest) bytes, less than --size \(ByteSize.format(request.size)) (\(request.size) bytes); nothing was changed: give --size \(LimitRules.exactSize((largest >> 20) << 20)) or less")
        }
        switch observed.image {
        case .missing:
            guard observed.imageFolderExists else {
                throw DockStoreError.refused("the folder \(host.real(request.image.parent)) that should hold \(imagePath) does not exist; create it or give another --image")
            }
            if request.thick, let available = observed.hostAvailable.map({ $0 + freedByLeftover }), available < request.size {
                throw DockStoreError.refused("--thick needs \(ByteSize.format(request.size)) for \(imagePath) but its filesystem has only \(ByteSize.format(available)) free; free space, give a smaller --size, or drop --thick")
            }
            if let lost = lostImageLine(observed, request) {
                // Attack 20 F6: a store was here (fstab mounts the image), and its data is not.
                warnings.append(lostStoreWarning(imagePath, state: "is missing", line: lost, request, host, stale: observed.staleMountDropIn))
            }
            steps.append(.allocateImage(size: request.size, thick: request.thick, existing: false))
            steps.append(.format(label: request.label, uuid: observed.newImageUUID, newImage: true))
            steps.append(.installImage(uuid: observed.newImageUUID))
        case .notRegular(let kind):
            let what = kind == .symlink ? "a symbolic link (dockstore never follows one there)" : "a \(kind.rawValue), not a regular file"
            throw DockStoreError.refused("\(imagePath) is \(what); remove it or give another --image")
        case .file(let size, _, let content):
            switch content {
            case .signature(let type, _, _) where type == "btrfs":
                if let warning = sizeNotApplied(fileSize: size, request, imagePath: imagePath) { warnings.append(warning) }
            case .blank:
                // Attack 30 1a: a hard link to an empty /etc/fstab was sized to the image before
                // the format's own re-check refused it.
                guard observed.imageLinks == 1 else {
                    throw DockStoreError.refused("\(imagePath) has \(observed.imageLinks) names (hard links): another name may be outside --root or hold someone's data (an empty system file), and dockstore adopts as a blank image only a file with one name; nothing was changed: look at it (find / -samefile), remove the other names or give another --image, and re-run")
                }
                if let lost = lostImageLine(observed, request) {
                    // Attack 21 F6: emptied (truncated, zeroed) under its fstab line.
                    warnings.append(lostStoreWarning(imagePath, state: "holds no filesystem (\(ByteSize.format(size)), no signature, its first and last MiB zero)", line: lost, request, host))
                }
                steps.append(.allocateImage(size: request.size, thick: request.thick, existing: true))
                steps.append(.format(label: request.label, uuid: observed.newImageUUID, newImage: false))
            case .unreadable(let reason):
                throw DockStoreError.failed("cannot read \(imagePath): \(reason)")
            default:
                throw DockStoreError.refused("\(imagePath) holds \(content.summary), not btrfs: dockstore never reformats it; move it away or give another --image")
            }
        }

        // Overcommit: the host must be able to back what the image promises.
        if !request.thick, let available = observed.hostAvailable {
            let apparent: UInt64
            let allocated: UInt64
            if case .file(let size, let used, let content) = observed.image, content != .blank {
                (apparent, allocated) = (size, used)
            } else {
                (apparent, allocated) = (request.size, 0)
            }
            let promise = apparent > allocated ? apparent - allocated : 0
            if available < promise {
                warnings.append("the filesystem holding \(imagePath) has \(ByteSize.format(available)) free, less than the \(ByteSize.format(promise)) the image can still grow by (apparent size \(ByteSize.format(apparent))); Docker's writes fail with I/O errors when it fills: grow the root volume, give a smaller --size, or move the store to EBS (dockstore migrate-ebs)")
            }
        }
        return StorePlan(steps: steps, mountSource: imagePath, fstabSource: request.image.string, fstabAliases: [],
                         fstype: "btrfs", fsckPass: "0", storageDriver: "btrfs")
    }

    /// DOCKER_OPTS (and, where it conflicts, daemon.json) must select `driver`; the shared
    /// `StorageSelection` decides how.
    static func storageSteps(_ observed: ProvisionObservation, _ host: Host, driver: String, options: [String]?,
                             addDataRoot: String? = nil, _ warnings: inout [String]) throws -> [ProvisionStep] {
        let selection = try StorageSelection.plan(
            driver: driver, options: options, sysconfigBytes: observed.sysconfig,
            sysconfigPath: host.real(HostPaths.sysconfigDocker), daemonJSONBytes: observed.daemonJSON,
            daemonJSONPath: host.real(observed.daemonJSONPlace.path), addDataRoot: addDataRoot)
        warnings += selection.warnings
        var steps: [ProvisionStep] = []
        // provision edits, records and teardown gives back only /etc/docker/daemon.json.
        if selection.daemonJSON != nil, observed.daemonJSONPlace.given {
            throw DockStoreError.refused("\(host.real(observed.daemonJSONPlace.path)) (the --config-file DOCKER_OPTS names) sets storage keys provision would have to remove; run dockstore backend \(driver) to settle it, then re-run provision; nothing was changed")
        }
        if let edit = selection.daemonJSON { steps.append(.writeDaemonJSON(bytes: edit.bytes, change: edit.change, basis: FileBasis(observed.daemonJSON))) }
        if let edit = selection.sysconfig { steps.append(.writeSysconfig(bytes: edit.bytes, change: edit.change, basis: FileBasis(observed.sysconfig))) }
        return steps
    }
}
