/// One idempotent step of teardown, in the order they run.
///
/// The boot switch comes after the unmount and the loop detach, not first: the unmount's
/// re-check is the last point where teardown can still refuse with the store's files as they
/// were, and a refusal leaves nothing changed (but a dockerd `--stop-docker` stopped, which the
/// refusal says). A kill or a reboot between any two steps leaves a consistent machine: up to
/// the fstab write, the store's fstab line still mounts it at boot and (without the switch)
/// dockstore-provision.service sets it up again as it was; from the switch on, the boot unit
/// stays off. A re-run of teardown finishes in every case. The wipe comes right after the
/// switch, before the fstab write: a kill before the wipe leaves fstab naming the device, and
/// a boot after it finds the boot unit off (so nothing sets up or formats the wiped device).
public enum TeardownStep: AppliedStep, Equatable {
    case stopDocker(pid: Int32, viaSystemd: Bool)
    /// Unmounts the store at `target`, if what is mounted there is still `identity`.
    case unmount(target: String, identity: MountedIdentity)
    case detachLoops([String])
    /// Leaves /etc/dockstore.disabled, so the boot unit does not set the store up again.
    case disableBoot
    /// Wipes `path` if it still holds the filesystem `uuid` the plan proved to be the store.
    /// Before the fstab write, the step that forgets which device the store is: until the
    /// wipe is done, fstab's `UUID=` line still leads a re-run to the device; once it is done,
    /// that line names a UUID no device holds, which teardown still recognises as its own
    /// (`TeardownPlanner.isOurs`), so a re-run removes it and has nothing left to wipe.
    case wipeDevice(path: String, uuid: String)
    /// Carries fstab as the plan read it (`FileBasis`): the write refuses a file changed since.
    case writeFstab(bytes: [UInt8], removed: String, basis: FileBasis)
    /// Removes /etc/fstab, which dockstore created (`FstabFile.createdByDockstore`) and which
    /// holds nothing else once its line is gone, while it still holds what the plan read.
    case removeFstab(removed: String, basis: FileBasis)
    /// Removes the drop-in, and its docker.service.d folder when nothing else is left in it:
    /// after DOCKER_OPTS and daemon.json no longer select the store's driver, so that no boot
    /// between the two starts Docker unguarded on the bare folder (attack 33 T 7c).
    case removeDropIn
    /// Removes the store's mount unit drop-in (`MountDropIn`) at `path`, while it is dockstore's.
    case removeMountDropIn(path: HostPath)
    case writeSysconfig(bytes: [UInt8], change: String, basis: FileBasis)
    /// Removes /etc/sysconfig/docker, which dockstore created (`SysconfigFile.createdByDockstore`)
    /// and which holds nothing else any more: the reverse of creating it.
    case removeSysconfig(change: String)
    /// Takes back what provision wrote to /etc/sysconfig/dockstore (`BootSettingsUndo`): the
    /// file without its lines, or, with `bytes` nil, the file removed; while it still holds
    /// what the plan read.
    case bootSettings(bytes: [UInt8]?, change: String, basis: FileBasis)
    /// Writes back daemon.json as it was before provision (`DaemonJSONRecord`), while it
    /// still holds what the plan read.
    case giveBackDaemonJSON(bytes: [UInt8], basis: FileBasis)
    /// Removes the record of daemon.json; `givenBack` says whether the file was given back
    /// (else it changed since provision and stays as it is).
    case removeDaemonJSONRecord(givenBack: Bool)
    /// Deletes the image at `path` while it is still `file`, the one the plan looked at.
    case deleteImage(path: String, file: FileIdentity)
    /// Deletes a leftover of dockstore's own unfinished work beside the image (`ImageLeftover`)
    /// while it is still `file`, a regular file no loop device holds. Its failpoint is the image's
    /// (`delete-image`): both delete image files the plan looked at, and neither needs the other.
    case deleteLeftover(ImageLeftover, file: FileIdentity)
    /// Removes the format record a `provision --device` killed inside mkfs left
    /// (`FormatRecordLeftover`) while it is still `file`, the one the plan read; before the
    /// folders, so that /var/lib/dockstore, which holds it, can go. The device stays as it is.
    case forgetFormatRecord(FormatRecord, file: FileIdentity, currentNames: [String] = [])
    /// Removes check's caches of this store (`CheckCacheLeftover`), each while it is still the
    /// file the plan read; before the folders, so that /var/lib/dockstore, which holds them, can go.
    case forgetCheckCaches([CheckCacheLeftover])
    /// Removes each of these folders provision created (`ProvisionFolderRecord`, and the
    /// drop-in's record of older trees) that is empty, still a folder and owned as the record is,
    /// deepest first; a folder with anything in it stays. With `record`, the record goes after
    /// the others, then the recorded folders that hold it (/var/lib/dockstore) while empty: when
    /// they hold nothing but the record, renamed away with it at once and removed
    /// (`Host.retireFolderChain`). `notMade`: folders the record names that teardown cannot judge
    /// provision's (`ProvisionFolderRecord.isMade`); they stay, each with a line saying why.
    case removeFolders([HostPath], record: Bool, notMade: [HostPath] = [])
    case reloadSystemd

    /// Its raw value is the step's id and failpoint name.
    public enum Kind: String, StepKind {
        case stopDocker = "stop-docker"
        case unmount
        case detachLoops = "detach-loop"
        case disableBoot = "disable-boot"
        case wipeDevice = "wipe-device"
        case writeFstab = "fstab"
        case removeMountDropIn = "mount-drop-in"
        case writeSysconfig = "sysconfig"
        case giveBackDaemonJSON = "daemon-json"
        case removeDaemonJSONRecord = "daemon-json-record"
        case removeDropIn = "drop-in"
        case deleteImage = "delete-image"
        case forgetFormatRecord = "forget-format-record"
        case forgetCheckCaches = "forget-check-caches"
        case bootSettings = "boot-settings"
        case removeFolders = "folders"
        case reloadSystemd = "daemon-reload"

        /// The failpoints inside the step: folders' between renaming the record's folder chain
        /// to its temporary name and removing it.
        public var inner: [String] { self == .removeFolders ? [ProvisionFolderRecord.retireFailpoint] : [] }
    }

    /// Every failpoint teardown can reach, each step's inner ones before its own.
    public static var failpoints: [String] { Kind.allCases.flatMap { $0.inner + [$0.rawValue] } }

    public var kind: Kind {
        switch self {
        case .disableBoot: return .disableBoot
        case .stopDocker: return .stopDocker
        case .unmount: return .unmount
        case .detachLoops: return .detachLoops
        case .writeFstab, .removeFstab: return .writeFstab
        case .removeDropIn: return .removeDropIn
        case .removeMountDropIn: return .removeMountDropIn
        case .writeSysconfig, .removeSysconfig: return .writeSysconfig
        case .bootSettings: return .bootSettings
        case .giveBackDaemonJSON: return .giveBackDaemonJSON
        case .removeDaemonJSONRecord: return .removeDaemonJSONRecord
        case .deleteImage, .deleteLeftover: return .deleteImage
        case .forgetFormatRecord: return .forgetFormatRecord
        case .forgetCheckCaches: return .forgetCheckCaches
        case .wipeDevice: return .wipeDevice
        case .removeFolders: return .removeFolders
        case .reloadSystemd: return .reloadSystemd
        }
    }

    /// The teardowner names the files (its host) and the mountpoint and image its steps re-check.
    public typealias Context = Teardowner

    public func plannedWrites(_ teardowner: Teardowner) -> [WritePreflight.PlannedWrite] {
        let host = teardowner.host
        return switch self {
        case .writeFstab(let bytes, _, _): [.at(HostPaths.fstab, on: host, bytes: bytes.count).renaming(HostPaths.fstab, on: host, backup: true)]
        case .disableBoot:
            [.at(HostPaths.bootDisabled, on: host, bytes: Teardowner.bootDisabledText.utf8.count).renaming(HostPaths.bootDisabled, on: host, backup: false)]
        case .writeSysconfig(let bytes, _, _):
            [.at(HostPaths.sysconfigDocker, on: host, bytes: bytes.count).renaming(HostPaths.sysconfigDocker, on: host, backup: true)]
        case .removeFstab: [.removal(HostPaths.fstab, on: host)]
        case .removeDropIn: [.removal(HostPaths.dockerDropIn, on: host)]
        case .removeMountDropIn(let path): [.removal(path, on: host)]
        case .removeSysconfig: [.removal(HostPaths.sysconfigDocker, on: host)]
        case .bootSettings(let bytes?, _, _):
            [.at(ProvisionSettings.path, on: host, bytes: bytes.count).renaming(ProvisionSettings.path, on: host, backup: true)]
        case .bootSettings(nil, _, _): [.removal(ProvisionSettings.path, on: host)]
        case .giveBackDaemonJSON(let bytes, _): [.at(HostPaths.daemonJSON, on: host, bytes: bytes.count).renaming(HostPaths.daemonJSON, on: host, backup: true)]
        case .removeDaemonJSONRecord: [.removal(DaemonJSONRecord.path, on: host)]
        case .deleteImage: [.removal(teardowner.request.image, on: host)]
        case .deleteLeftover(let leftover, _): [.removal(leftover.path, on: host)]
        case .forgetFormatRecord: [.removal(FormatRecord.path, on: host)]
        case .forgetCheckCaches(let caches): caches.map { .removal($0.which.path, on: host) }
        // The record goes, or, while a filesystem is mounted on a folder it names, is rewritten
        // in place naming fewer folders (`Teardowner.removeFolders`): both are checked.
        case .removeFolders(let folders, true, _):
            [.removal(ProvisionFolderRecord.path, on: host),
             .at(ProvisionFolderRecord.path, on: host, bytes: ProvisionFolderRecord.render(folders).count)
                .renaming(ProvisionFolderRecord.path, on: host, backup: false)]
                + folders.map { .folderRemoval($0, on: host) }
        case .removeFolders(let folders, false, _): folders.map { .folderRemoval($0, on: host) }
        default: []
        }
    }

    public func describe(_ host: Host) -> String {
        switch self {
        case .disableBoot:
            return "create \(host.real(HostPaths.bootDisabled)): dockstore-provision.service no longer sets the store up at boot (dockstore provision removes it)"
        case .stopDocker(let pid, let viaSystemd):
            return viaSystemd ? "systemctl stop docker.service docker.socket" : "stop dockerd (pid \(pid)) with SIGTERM"
        case .unmount(let target, _): return "unmount \(target)"
        case .detachLoops(let loops): return "detach \(loops.joined(separator: ", "))"
        case .writeFstab(_, let removed, _): return "\(host.real(HostPaths.fstab)): remove the line '\(removed)'"
        case .removeFstab(let removed, _): return "remove \(host.real(HostPaths.fstab)) (dockstore created it; nothing but the line '\(removed)' was added to it)"
        case .removeDropIn: return "remove \(host.real(HostPaths.dockerDropIn))"
        case .removeMountDropIn(let path): return "remove \(host.real(path))"
        case .writeSysconfig(_, let change, _): return "\(host.real(HostPaths.sysconfigDocker)): \(change)"
        case .removeSysconfig(let change): return "remove \(host.real(HostPaths.sysconfigDocker)): \(change)"
        case .bootSettings(_, let change, _): return "\(host.real(ProvisionSettings.path)): \(change)"
        case .giveBackDaemonJSON:
            return "\(host.real(HostPaths.daemonJSON)): give back the storage keys provision removed (the file as it was before provision, byte for byte)"
        case .removeDaemonJSONRecord(let givenBack):
            return "remove \(host.real(DaemonJSONRecord.path)) (daemon.json as it was before provision)"
                + (givenBack ? "" : "; \(host.real(HostPaths.daemonJSON)) changed since provision edited it, so it stays as it is now")
        case .deleteImage(let path, _): return "delete \(path)"
        case .deleteLeftover(let leftover, _): return "delete \(host.real(leftover.path)) (\(leftover.which.what)\(leftover.allocatedText))"
        case .forgetFormatRecord(let record, _, let names):
            let device = names.count == 1 ? names[0] : record.device
            return "remove \(host.real(FormatRecord.path)) (the record of a format of \(record.whereNow(names)) a killed provision began: \(record.filesystem) UUID \(record.uuid)); \(names.isEmpty ? "that device" : device) stays as it is"
        case .forgetCheckCaches(let caches):
            return "remove " + caches.map { "\(host.real($0.which.path)) (check's \($0.which.rawValue) of this store)" }.joined(separator: ", ")
        case .wipeDevice(let path, _): return "wipe every signature on \(path) (like wipefs -a); its data stays on disk but is no longer recognised"
        case .removeFolders(let folders, let record, let notMade):
            var parts: [String] = []
            if !folders.isEmpty { parts.append("remove the folders provision created, each while it is empty: \(folders.map { host.real($0) }.joined(separator: ", "))") }
            if record {
                parts.append("remove \(host.real(ProvisionFolderRecord.path)), the record of the folders provision created"
                    + " (or, while a filesystem is mounted on one of them, rewrite it to name only the folders still to remove, for a teardown after the unmount)")
            }
            if !notMade.isEmpty {
                parts.append("keep \(notMade.map { host.real($0) }.joined(separator: ", ")), which the record names but which is neither a folder provision makes for its files nor this teardown's mountpoint")
            }
            return parts.joined(separator: "; ")
        case .reloadSystemd: return "systemctl daemon-reload"
        }
    }
}

/// The pure decision behind `teardown`: the reverse of provision.
public enum TeardownPlanner {
    public static func plan(_ o: TeardownObservation, _ request: TeardownRequest, _ host: Host) throws -> [TeardownStep] {
        var steps: [TeardownStep] = []
        if let device = o.device, let reason = notProvenStore(o, request) {
            throw DockStoreError.refused("refusing: \(host.real(request.mountpoint)) has \(device) mounted, which dockstore cannot prove is the store it set up (\(reason)); teardown takes down only dockstore's store: unmount or wipe it yourself if that is what you want")
        }
        // A line naming the store that libmount cannot read (an admin's line glued onto it) is
        // lost at boot, and teardown cannot tell whether it is the store's: nothing is changed,
        // least of all the image deleted, while fstab still names it that way.
        let names = [request.mountpoint.string, request.image.string] + [o.storeUUID, o.unheldFstabUUID].compactMap { $0.map { "UUID=\($0)" } }
        if let bad = FstabFile(bytes: o.fstab ?? []).unreadableLine(naming: names) {
            throw DockStoreError.refused("\(host.real(HostPaths.fstab)) line \(bad.index + 1) names \(bad.name) but is not a valid fstab line (\(bad.reason)); nothing was changed: fix that line (an appended line glued onto dockstore's goes on a line of its own) and re-run teardown")
        }
        if o.reclaimOpen {
            throw ReclaimJournal.openRefusal(lent: o.reclaimRoomLent, host: host, then: "tear down")
        }
        // Mounted from the image it may span the image and the device; mounted from the device
        // (a move killed after the kernel's replace) fstab still names the image, which holds no
        // store any more: either way only migrate-ebs knows how to finish or undo it.
        if o.migrationOpen, o.mounted != nil {
            let from = o.device == nil ? "still mounted from the image: it may span the image and a device" : "mounted from \(o.device ?? "the device") while fstab and the journal still describe the move"
            throw DockStoreError.refused("a migrate-ebs migration is under way (\(host.real(MigrationJournal.path))) and the store at \(host.real(request.mountpoint)) is \(from); finish it with dockstore migrate-ebs DEVICE, or undo it with dockstore migrate-ebs DEVICE --abort, then tear down")
        }
        if let pid = o.dockerdPID {
            guard request.stopDocker else {
                let which = pid > 0 ? "pid \(pid)" : "its socket answers"
                throw DockStoreError.refused("dockerd is running (\(which)); stop Docker first (systemctl stop docker) or pass --stop-docker")
            }
            steps.append(.stopDocker(pid: pid, viaSystemd: o.systemdRunning))
        }
        if let mounted = o.mounted { steps.append(.unmount(target: mounted.target, identity: MountedIdentity(device: mounted.device, uuid: o.storeUUID, fstype: mounted.fstype))) }
        if !o.imageLoops.isEmpty { steps.append(.detachLoops(o.imageLoops)) }
        if !o.bootDisabled { steps.append(.disableBoot) }
        steps += try wipeSteps(o, request, host)

        let fstab = FstabFile(bytes: o.fstab ?? [])
        var updated = fstab
        var removed: [String] = []
        for (index, entry) in fstab.entries(mountingAt: request.mountpoint).reversed() where isOurs(entry, o, request) {
            removed.append(ShownBytes.text(fstab.lines[index].raw))
            updated.remove(lineAt: index)
        }
        if !removed.isEmpty {
            let shown = removed.joined(separator: "', '")
            steps.append(updated.bytes == FstabFile.createdByDockstore ? .removeFstab(removed: shown, basis: FileBasis(o.fstab))
                : .writeFstab(bytes: updated.bytes, removed: shown, basis: FileBasis(o.fstab)))
        }
        // docker.service's guard goes only once Docker's configuration no longer selects the
        // store's driver (below): a boot after a kill between the two would start dockerd on the
        // bare folder with the btrfs driver, fail, and leave its folders there (attack 33 T 7c).
        let removeDropIn: Bool
        switch o.dropIn {
        case nil: removeDropIn = false
        case .dockstore: removeDropIn = true
        case .foreign(let reason):
            throw DockerDropIn.refusal(reason, path: host.real(HostPaths.dockerDropIn), command: "teardown")
        }
        // The mount unit's drop-in goes when it is dockstore's. One an admin edited is refused, as an
        // edited docker.service drop-in is: kept, its condition on the deleted image would skip every
        // later mount at the mountpoint (attack 20, E-F5).
        switch o.mountDropIn {
        case nil: break
        case .dockstore: steps.append(.removeMountDropIn(path: MountDropIn.path(unitPath: o.mountUnitPath ?? request.mountpoint)))
        case .foreign(let reason):
            throw DockerDropIn.refusal(reason, path: host.real(MountDropIn.path(unitPath: o.mountUnitPath ?? request.mountpoint)), command: "teardown")
        }
        if let stale = o.staleMountDropIn { steps.append(.removeMountDropIn(path: stale.path)) }
        if let bytes = o.sysconfig {
            var file = try SysconfigFile(path: host.real(HostPaths.sysconfigDocker), bytes: bytes)
            let removal = try file.removeDockstoreStorage(dataRoot: request.mountpoint == HostPaths.defaultMountpoint ? nil : request.mountpoint.string)
            if file.bytes == SysconfigFile.createdByDockstore {
                steps.append(.removeSysconfig(change: "dockstore created it, and nothing but dockstore's storage flags was added to it"))
            } else if let removal {
                steps.append(.writeSysconfig(bytes: file.bytes, change: removal, basis: FileBasis(bytes)))
            }
        }
        if let record = o.daemonJSONRecord {
            let given = DaemonJSONRecord.givenBack(record: record, current: o.daemonJSON, path: host.real(HostPaths.daemonJSON))
            if let given { steps.append(.giveBackDaemonJSON(bytes: given, basis: FileBasis(o.daemonJSON))) }
            steps.append(.removeDaemonJSONRecord(givenBack: given != nil || o.daemonJSON == record))
        }
        if removeDropIn { steps.append(.removeDropIn) }
        if request.deleteImage && o.imageExists {
            guard let file = o.imageFile else {
                throw DockStoreError.refused("--delete-image: cannot tell which file \(host.real(request.image)) is (it changed while teardown looked at it); nothing was changed: re-run")
            }
            if let volume = Self.volumeStore(o, request) {
                throw Self.notTheVolumeStore(o.imageContent, path: host.real(request.image), volume: volume)
            }
            if let refusal = Self.notStoreImage(o.imageContent, path: host.real(request.image)) { throw refusal }
            steps.append(.deleteImage(path: host.real(request.image), file: file))
        }
        steps += try leftoverSteps(o, request, host)
        if let found = o.formatRecord { steps.append(.forgetFormatRecord(found.record, file: found.file, currentNames: found.currentNames)) }
        if !o.checkCaches.isEmpty { steps.append(.forgetCheckCaches(o.checkCaches)) }
        // Last before the folders: until it is done, a re-run of plain teardown still finds the
        // store's mountpoint and image there.
        if let bytes = o.bootSettings, let undo = try BootSettingsUndo.plan(bytes, request: request, path: host.real(ProvisionSettings.path)) {
            steps.append(.bootSettings(bytes: undo.bytes, change: undo.change, basis: FileBasis(bytes)))
        }
        // The drop-in's record (older trees) counts only while the drop-in is dockstore's.
        let dropInFolders: [HostPath]
        if case .dockstore? = o.dropIn { dropInFolders = o.createdFolders } else { dropInFolders = [] }
        // Only folders provision can have made for this store (`ProvisionFolderRecord.isMade`).
        let folders = ProvisionFolderRecord.merging(o.folderRecord ?? [], dropInFolders)
        if !folders.isEmpty || o.folderRecord != nil {
            let unitPath = o.mountUnitPath ?? request.mountpoint
            let made = folders.filter { ProvisionFolderRecord.isMade($0, mountpoint: request.mountpoint, unitPath: unitPath) }
            steps.append(.removeFolders(made.sorted { $0.components.count > $1.components.count }, record: o.folderRecord != nil,
                                        notMade: folders.filter { !made.contains($0) }))
        }
        // Docker's configuration serving another store stays with it (`configurationNote` says so).
        if o.configuredForOtherStore != nil { steps.removeAll { $0.isConfiguration } }
        if o.systemdRunning, steps.contains(where: { ["fstab", "drop-in", "mount-drop-in"].contains($0.id) }) { steps.append(.reloadSystemd) }
        // Nothing to take down and nothing that would set the store up at boot: like
        // `systemctl disable` on a disabled unit, nothing needs doing (no marker, no lock).
        // Deleting a leftover beside the image or a format record sets nothing up at boot either.
        if steps.filter({ !$0.setsNothingUp }) == [.disableBoot], !o.provisionUnitEnabled { return steps.filter { $0 != .disableBoot } }
        return steps
    }

    /// Why the device at the mountpoint is not provably dockstore's store, or nil when it is:
    /// it carries the store's label and the fstab line, the migration journal or the format
    /// record dockstore wrote names its UUID.
    static func notProvenStore(_ o: TeardownObservation, _ request: TeardownRequest) -> String? {
        guard let uuid = o.storeUUID else { return "its filesystem UUID cannot be read" }
        guard o.deviceLabel == ProvisionRequest.defaultLabel else {
            return "its label is \(o.deviceLabel.map { "'\($0)'" } ?? "empty"), not '\(ProvisionRequest.defaultLabel)'"
        }
        let fstab = FstabFile(bytes: o.fstab ?? [])
        // A line dockstore wrote carries its ordering option; an admin's own `UUID=` line for a
        // volume made by hand proves nothing (outside attack 14, X4: such a volume was wiped).
        if fstab.entries(mountingAt: request.mountpoint).contains(where: {
            $0.entry.source == "UUID=\(uuid)" && $0.entry.options.contains(ProvisionRequest.orderingOption)
        }) { return nil }
        if o.journalUUID == uuid { return nil }
        // provision --device killed after its mount, before its fstab line: the format record it
        // wrote ahead names the UUID it gave mkfs.
        if o.formatRecord?.record.uuid == uuid { return nil }
        return "neither an fstab line dockstore wrote for \(request.mountpoint) (with \(ProvisionRequest.orderingOption)), a migration journal nor a format record of provision names UUID=\(uuid)"
    }

    /// dockstore's own line: the image's, or the store device's by UUID; or a btrfs, xfs or ext4
    /// line (a filesystem `provision --device` makes) with dockstore's ordering option naming a
    /// UUID no device holds (`unheldFstabUUID`: the device a killed `--wipe-device` run wiped,
    /// or one detached since), which mounts nothing.
    static func isOurs(_ entry: FstabEntry, _ o: TeardownObservation, _ request: TeardownRequest) -> Bool {
        if entry.normalizedSource.sameBytes(request.image.string) { return true }
        if let uuid = o.storeUUID, entry.source == "UUID=\(uuid)" { return true }
        if let uuid = o.unheldFstabUUID, entry.source == "UUID=\(uuid)", DeviceFilesystem(rawValue: entry.fstype) != nil,
           entry.options.contains(ProvisionRequest.orderingOption) { return true }
        return false
    }
}
