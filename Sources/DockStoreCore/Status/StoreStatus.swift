import FoundationEssentials

/// What `dockstore status` reports: where Docker's storage is, whether it is mounted, and
/// whether fstab, the docker.service drop-in and DOCKER_OPTS agree with it. The problems
/// are exactly what `provision` would change (or why it would refuse), so the two never
/// disagree about what "in place" means.
public struct StoreStatus: Codable, Sendable, Equatable {
    public struct Image: Codable, Sendable, Equatable {
        public var path: String
        public var exists: Bool
        public var apparentBytes: UInt64?
        public var allocatedBytes: UInt64?
        public var content: String?
    }

    public struct Device: Codable, Sendable, Equatable {
        public var path: String
        public var requested: String
        public var volumeID: String?
        public var sizeBytes: UInt64
        public var content: String
    }

    public struct Filesystem: Codable, Sendable, Equatable {
        public var type: String
        public var uuid: String?
        public var label: String?
        /// nil when statfs could not be read (`unreadable` says why).
        public var sizeBytes: UInt64?
        public var freeBytes: UInt64?
        /// btrfs only: how many devices the filesystem spans.
        public var devices: UInt64?
    }

    /// "image" or "device".
    public var store: String
    public var image: Image?
    public var device: Device?
    public var mountpoint: String
    public var mounted: Bool
    /// The block device mounted at the mountpoint (a loop device for an image).
    public var mountedFrom: String?
    public var filesystem: Filesystem?
    public var fstab: String
    /// systemd's mount unit for the mountpoint: whether it exists, where it came from, and
    /// whether it is active; or why it was not asked.
    public var systemdMount: String = "not asked: systemd does not run this root"
    public var dropIn: String
    public var dockerStorageDriver: String?
    public var dockerStorageDriverSource: String?
    public var dockerOpts: String
    public var problems: [String]
    /// Those of `problems` that are provision's pending steps, which a run of it takes; every
    /// other problem names its own way out (a missing device, a loop member no boot attaches:
    /// attack 52 V and 53 W, where the state line said "'dockstore provision' fixes what it
    /// can" over problems it does not fix).
    public var pendingSteps: [String] = []
    public var warnings: [String]
    /// Facts status could not read, each with why: shown as unreadable, never as absent or zero.
    public var unreadable: [String] = []
    /// The figures `check` judges, when the store is mounted.
    public var capacity: CapacityFigures?
    /// Subvolumes of Docker's btrfs driver no layer, container or image refers to.
    public var orphans: OrphanTally?
    /// The open migration's journal: onto which device, by which method, and its phase.
    public var migration: String?
    /// An open reclaim journal: the room it lent the store, since when, and that
    /// `dockstore reclaim` gives it back.
    public var reclaim: String?
    /// A killed `teardown --wipe-device` left the store half taken down (`InterruptedTeardown`):
    /// its problem is the only one, and teardown, not provision, finishes it.
    public var teardownInterrupted = false
    /// The real path of /etc/dockstore.disabled when it is there: a teardown took the store down
    /// (or was killed doing so), so the state names both ways out, not provision alone (attack
    /// 33 T 7c: after a killed teardown status sent the admin to provision only).
    public var bootDisabledMarker: String?
    /// provision's own refusal here, when it refuses (exit 2): the first problem, and the state
    /// says provision fixes nothing until it is resolved (attack 33 V C10: "'dockstore provision'
    /// fixes what it can" stood above a refusal of provision).
    public var provisionRefusal: String?
    /// That refusal rests on a filesystem instance no mount here shows (`DockStoreError`'s
    /// mark): a mount under way, which status awaits before it says it (attack 52 V F10).
    public var provisionRefusalRestsOnAnUnshownMount = false
    /// docker.service as systemd builds it from the tree; nil when the tree has none.
    public var dockerService: DockerServiceSummary?

    public var inPlace: Bool { problems.isEmpty }

    /// provision's refusal, as the first problem and once (`provisionRefusal`).
    mutating func recordProvisionRefusal(_ refusal: DockStoreError) {
        provisionRefusal = refusal.message
        provisionRefusalRestsOnAnUnshownMount = refusal.restsOnAnUnshownMount
        problems.removeAll { $0 == refusal.message }
        problems.insert(refusal.message, at: 0)
    }

    /// A step provision's plan holds, as a problem that a run of provision fixes.
    mutating func recordPendingStep(_ problem: String) {
        problems.append(problem)
        pendingSteps.append(problem)
    }

    /// Why this status may be a stale read while mounts come and go (`MountTableChange.steady`).
    public var doubt: MountTableChange.Doubt? {
        provisionRefusal.map { MountTableChange.Doubt($0, restsOnAnUnshownMount: provisionRefusalRestsOnAnUnshownMount) }
    }

    /// What a file's line says when a refusal stopped the plan before the file was judged.
    static let notChecked = "not checked (see the problems)"

    /// The request `status` checks against when the user names no device: a device store
    /// when a non-loop block device is mounted at the mountpoint, migrate-ebs moved the store
    /// onto one (`MigratedStore`, an open journal) or fstab mounts one there by UUID, the image
    /// otherwise.
    /// `store` is an observation of `image` and `mountpoint`.
    public static func detectRequest(host: Host, image: HostPath, mountpoint: HostPath,
                                     store: StoreObservation) throws -> ProvisionRequest {
        var spec: DeviceSpec? = nil
        var fstype: String? = nil
        // Under another filesystem mounted over it (a bind mount of a host folder, an ext4 volume:
        // attack 12, B02, B10) the store is the lowest mount there; a bind mount shows a folder
        // of some filesystem (the host's root disk), never a device store, and is not opened;
        // and an xfs or ext4 mounted where fstab (else the settings) configure a btrfs image is
        // not the store, whose line is then no line to remove.
        let fstab = try store.fstab.value()
        let configuredImage = try ConfiguredImage.find(host: host, mountpoint: mountpoint, fstab: fstab, settings: store.settings)
        // migrate-ebs moved the store past its point of return and was stopped before it rewrote
        // fstab (attack 18, B-F1): the store is on the volume, as the boot's provision finds it,
        // and the image line fstab still holds is the one provision replaces.
        let moved = try MigrationJournal.read(host: host, mountpoint: mountpoint, image: image) == nil ? nil : try MigratedStore.found(host: host, image: image, mountpoint: mountpoint)
        // A store hidden under a later mount above the mountpoint (`HiddenMount`, the mount type
        // unreadable for it): what is listed there tells no store; fstab's line does, and the
        // refusal is the status's problem (attack 44 O 1j: status exited 1 for a device store).
        var reachable = true
        if case .unreadable = store.mountedType { reachable = false }
        if reachable, let entry = try MountStack.at(store.mountpoint, in: store.mounts.value())?.entries.first ?? store.mount(),
           entry.root == "/", entry.source.hasPrefix("/dev/"), configuredImage == nil || entry.fstype == "btrfs",
           // btrfs names the mount by the path a member was mounted by, which may no longer be its node.
           case let source = try kernelNode(of: entry.source, store) ?? entry.source,
           let node = try FileStatus.following(source), node.kind == .blockDevice,
           try !isLoop(source, over: host.real(image)),
           try store.mountedSource.value()?.loopBackingFile.flatMap({ try ForeignLoopStore.find(loop: source, backingName: $0, image: host.real(image)) }) == nil,
           // Another root's store mounted in the tree is no device store of this one (attack 46 P F6).
           try configuredImage.map({ configured in
               try store.mountedSource.value()?.loopBackingFile.flatMap({ try ForeignLoopStore.outside(loop: source, backingName: $0, root: host.root, image: configured) }) == nil
           }) ?? true,
           try MovedImage.find(store, host: host, mountpoint: mountpoint) == nil,
           // A btrfs on loop devices while the configured image holds another: no device store
           // whose image line to remove, but what provision refuses as not the image (attack 52 V F1).
           try configuredImage.map({ configured in
               try store.btrfs.value().flatMap({ try OtherStoreMounted.find($0.reading, image: configured) })
           }) == nil {
            spec = .path(source)
            fstype = entry.fstype
        } else if let moved {
            spec = moved.spec
            fstype = "btrfs"
        } else if let bytes = fstab,
                  let entry = FstabFile(bytes: bytes).entries(mountingAt: mountpoint).first?.entry,
                  entry.source.hasPrefix("UUID=") {
            spec = .filesystemUUID(String(entry.source.dropFirst(5)))
            fstype = entry.fstype
        }
        guard let spec else { return try ProvisionRequest(image: image, mountpoint: mountpoint) }
        let filesystem = fstype.flatMap(DeviceFilesystem.init(rawValue:)) ?? .btrfs
        var device = try DeviceRequest(spec: spec, filesystem: filesystem, wait: 0)
        if let moved, moved.spec == spec { device.awaitedBecause = moved.awaitedBecause }
        var request = try ProvisionRequest(image: image, mountpoint: mountpoint, device: device)
        // dockstore's btrfs volume line is followed as the boot's provision follows it: a btrfs
        // file of another UUID at the image's name is no store to move (`MigratedStore`).
        let volumeLine = fstab.flatMap { MigratedStore.volumeLineUUID(FstabFile(bytes: $0), mountpoint: mountpoint) }
        request.followsMigration = moved != nil || (volumeLine != nil && spec == .filesystemUUID(volumeLine ?? ""))
        return request
    }

    /// The systemd row when the observation stopped before it asked systemd (attack 18, B-F5:
    /// with a device store's volume gone, status said systemd did not run a root it ran).
    static func systemdRow(_ store: StoreObservation, mountpoint: HostPath) -> String {
        do {
            guard try store.systemdRunning.value() else { return "not asked: systemd does not run this root" }
            return try SystemdMountUnit.read(mountpoint: mountpoint.string).summary
        } catch let error as DockStoreError {
            return "cannot tell: \(error.message)"
        } catch {
            return "cannot tell: \(error)"
        }
    }

    /// The kernel's node (`/dev/NAME`) of the mounted btrfs's member btrfs lists as `source`
    /// when that path is not the member's node (gone, or another device's: attack 49 S B22,
    /// status described the other device); nil when it is, or the member is not known.
    static func kernelNode(of source: String, _ store: StoreObservation) throws -> String? {
        guard let member = try store.btrfs.value()?.reading.devices.first(where: { $0.path == source }),
              let name = member.kernelName, try member.staleListedPath() != nil else { return nil }
        return "/dev/\(name)"
    }

    /// True when `device` is a loop device whose backing file is `image`.
    static func isLoop(_ device: String, over image: String) throws -> Bool {
        guard let loop = try LoopDevice.status(device) else { return false }
        // Deleted while mounted, or replaced (another file has its name since: attack 11 B05b):
        // still the image's store, whose loop device keeps it alive.
        if try LoopDevice.backingFile(of: device)?.sameBytes(image + " (deleted)") == true { return true }
        guard let file = try FileStatus.of(image) else { return false }
        return loop.backingDevice == file.device && loop.backingInode == file.inode
    }

    /// A status request for a named device; the filesystem is read from the device itself.
    public static func deviceRequest(host: Host, image: HostPath, mountpoint: HostPath, device: String) throws -> ProvisionRequest {
        let spec = try DeviceSpec(device)
        var filesystem = DeviceFilesystem.btrfs
        if let resolved = try DeviceResolver().resolve(spec),
           case .signature(let type, _, _) = BlockProbe.probe(resolved.path), let fs = DeviceFilesystem(rawValue: type) {
            filesystem = fs
        }
        return try ProvisionRequest(image: image, mountpoint: mountpoint,
                                    device: DeviceRequest(spec: spec, filesystem: filesystem, wait: 0))
    }

    /// The status of `request`'s store as `store` (an observation of its image and
    /// mountpoint) saw it.
    public static func inspect(host: Host, request: ProvisionRequest, store: StoreObservation) throws -> StoreStatus {
        // The driver the boot's provision sets is the settings' (attack 14, Y-BOOT-1): status
        // judges DOCKER_OPTS against it. Settings that cannot be read stop the provisioner's
        // observation below, which reports them.
        var request = request
        if request.driver == nil, case .read(let settings) = store.settings {
            request.driver = settings.backend
            request.driverOptions = try settings.driverOptions()
        }
        let provisioner = Provisioner(host: host, request: request, settings: store.settings)
        var status = StoreStatus(store: request.device == nil ? "image" : "device",
                                 mountpoint: host.realFollowing(request.mountpoint), mounted: false,
                                 fstab: Self.notChecked, dropIn: Self.notChecked, dockerOpts: Self.notChecked,
                                 problems: [], warnings: [])
        if store.bootDisabled.known == true { status.bootDisabledMarker = host.real(HostPaths.bootDisabled) }
        do {
            status.dockerService = try DockerServiceSummary.read(on: host)
        } catch let error as DockStoreError {
            status.unreadable.append("how docker.service is built: \(error.message)")
        }
        // A killed teardown --wipe-device: the same teardown finishes it, provision does not (A-14).
        let interrupted: String?
        do {
            interrupted = try InterruptedTeardown.problem(store: store, mountpoint: request.mountpoint, host: host)
        } catch let error as DockStoreError {
            interrupted = nil
            status.unreadable.append("whether a teardown was interrupted: \(error.message)")
        }
        if let interrupted {
            status.teardownInterrupted = true
            status.problems.append(interrupted)
            return status
        }
        let observed: ProvisionObservation
        do {
            var observer = ProvisionObserver(host: host)
            observer.waitHint = nil
            observed = try observer.observe(request, store: store)
        } catch let error as DockStoreError where error.kind != .failed {
            // What Docker is set to does not depend on the store being there (attack 15, C10).
            status.readDriver(fromFilesOn: host)
            status.device = request.device.map { Device(path: $0.spec.description, requested: $0.spec.description,
                                                        volumeID: nil, sizeBytes: 0, content: "not looked at (see the problems)") }
            if error.kind == .refused { status.recordProvisionRefusal(error) } else { status.problems.append(error.message) }
            status.systemdMount = systemdRow(store, mountpoint: host.unitPath(request.mountpoint))
            return status
        }
        if request.device == nil, case .missing = observed.image, let interrupted = observed.interruptedDeviceFormat {
            // The store asked for was a device whose format a killed run began (attack 16, B1):
            // shown as that device, as it is found now, not as a missing image.
            let record = interrupted.record
            status.store = "device"
            status.device = Device(path: interrupted.currentNames.count == 1 ? interrupted.currentNames[0] : record.device,
                                   requested: record.whereNow(interrupted.currentNames), volumeID: record.identity.volumeID,
                                   sizeBytes: record.size, content: "the unfinished format of a killed provision --device (see the problems)")
        } else if request.device == nil {
            let imagePath = host.real(request.image)
            switch observed.image {
            case .file(let size, let allocated, let content):
                status.image = Image(path: imagePath, exists: true, apparentBytes: size, allocatedBytes: allocated,
                                     content: content.summary)
            case .notRegular(let kind):
                status.image = Image(path: imagePath, exists: true, content: kind.rawValue)
            case .missing:
                status.image = Image(path: imagePath, exists: false)
            }
        }
        if let device = observed.device {
            status.device = Device(path: device.device.path, requested: device.device.requested,
                                   volumeID: device.device.volumeID?.description, sizeBytes: device.size,
                                   content: device.content.summary)
        }
        if let (entry, ofImage, ofDevice) = try Self.mounted(observed, store: store) {
            // The loop device of an image renamed, deleted or replaced while mounted is the store
            // mounted, running on that file (its problem says so).
            let ofMovedImage = observed.mountedImageMoved != nil || observed.mountedImageDeleted
            status.mounted = request.device == nil ? ofImage || ofMovedImage : ofDevice
            status.mountedFrom = entry.source
            var filesystem = Filesystem(type: entry.fstype)
            // Covered by another filesystem, the store cannot be read through the mountpoint:
            // its problem says so, and no figure of the one on top passes for the store's.
            let covered = observed.mountedOver != nil
            do {
                guard !covered else { throw DockStoreError.failed("another filesystem is mounted over it (see the problems)") }
                let space = try HostSpace.of(status.mountpoint)
                (filesystem.sizeBytes, filesystem.freeBytes) = (space.total, space.available)
            } catch {
                status.unreadable.append("the size and free space of \(status.mountpoint): \(Self.message(error))")
            }
            if case .signature(_, let uuid, let label) = BlockProbe.probe(entry.source) {
                filesystem.uuid = uuid
                filesystem.label = label
            }
            do {
                if !covered {
                    // The store status inspects is the request's: its image, or a device.
                    var asked = store
                    asked.configuredImage = .read(request.device == nil ? host.real(request.image) : nil)
                    asked.configuredDevice = .read(request.device != nil)
                    status.capacity = try CapacityProbe.read(asked)
                }
            } catch {
                status.unreadable.append("the capacity figures of \(status.mountpoint): \(Self.message(error))")
            }
            if entry.fstype == "btrfs", let capacity = status.capacity {
                filesystem.uuid = capacity.uuid ?? filesystem.uuid
                filesystem.devices = UInt64(capacity.devices.count)
            }
            if let capacity = status.capacity, let warning = Self.growUnfinished(capacity, image: status.image, mounted: status.mounted && request.device == nil) {
                status.warnings.append(warning)
            }
            if var capacity = status.capacity {
                capacity.remedyContext = RemedyContext.read(host: host, figures: capacity, deviceStore: request.device != nil)
                // check's CRITICALs that provision does not change, in its words: a missing device,
                // another subvolume than the top level mounted, a data root no write can succeed in;
                // with the journals read, a loop member no boot attaches that is no migration's or
                // reclaim's (attack 51 U 3b: status said "in place" while check said the next boot's
                // mount fails). A member btrfs lists by a path that is gone or another device's is a
                // warning (teardown, grow, migrate-ebs and reclaim refuse until it is scanned again).
                let told: Set<String> = ["device_missing", "subvolume_not_top_level", "subvolume_read_only", "data_root_attribute", "mounted_in_data_root", "device_not_attached_at_boot", "device_in_memory"]
                let conditions = capacity.filesystem == "btrfs" ? ConditionRules.evaluate(capacity) : []
                status.problems += conditions.filter { told.contains($0.figure) }.map(\.message)
                status.warnings += conditions.filter { $0.figure == "device_node_missing" }.map(\.message)
                // The limits below btrfs's free estimate (a device smaller than the filesystem, a
                // qgroup limit, inodes), by check's default thresholds: a CRITICAL is a problem,
                // a WARNING a warning.
                do {
                    for reason in LimitRules.evaluate(capacity, try CapacityPolicy()) {
                        if reason.state == .critical { status.problems.append(reason.message) } else { status.warnings.append(reason.message) }
                    }
                } catch {
                    status.unreadable.append("check's default thresholds: \(Self.message(error))")
                }
            }
            // noexec / nosymfollow on the live mount (whatever set them): no container could start.
            if status.mounted, let capacity = status.capacity { status.problems += MountOptionRules.evaluate(capacity).map(\.message) }
            status.filesystem = filesystem
            if status.mounted, entry.options.split(separator: ",").contains("ro") {
                status.problems.append(ProvisionPlanner.readOnlyStore(status.mountpoint))
            }
            if entry.fstype == "btrfs", !covered { status.orphans = OrphanTally.count(dataRoot: status.mountpoint) }
        }
        do {
            if let journal = try MigrationJournal.read(host: host) {
                // The journal's kernel name is the one the migration began with; after a reboot the
                // target carries the store under another: name the member it is now, as migrate-ebs does.
                // Any loop member reads as an "image" to the capacity probe; the journal's image is this one.
                let journalImage: String?
                do { journalImage = host.real(try HostPath(journal.image, what: "the migration journal's image")) } catch { journalImage = nil }
                let imageLoop = status.capacity?.condition.image.flatMap { image in journalImage.map { image.path.sameBytes($0) } == true ? image.loop : nil }
                // The image renamed while the migration is open is no target either (attack 23 H3).
                let movedLoop = status.capacity?.condition.movedImage?.loop
                var targets = (status.capacity?.devices ?? []).filter { !$0.isMissing && $0.path != imageLoop && $0.path != movedLoop }.map(\.path)
                if status.capacity == nil, let uuid = journal.filesystemUUID {
                    // Not mounted (attack 19, N1: the volume back under another name, the boot's
                    // mount failed): the devices that hold the store's filesystem now, by UUID.
                    targets = try journalImage.map { try FilesystemMembers.devices(withUUID: uuid, besidesImage: $0, imageInode: journal.imageInode) } ?? FilesystemMembers.devices(withUUID: uuid)
                    if targets.isEmpty {
                        status.problems.append("the open migration's volume (\(journal.deviceLabel)) is not attached: no device holds the store's filesystem \(uuid) now; attach it, then run dockstore provision")
                    }
                }
                status.migration = try journal.standing(targets: targets)
                // A copy on the device that btrfs forced read-only or counts errors on is no
                // move to finish (migrate-ebs refuses it, A4): a problem, in migrate-ebs's words.
                if let capacity = status.capacity, let image = journalImage,
                   let damage = MovedStoreDamage.judge(capacity.devices.filter { !$0.isMissing && $0.path != imageLoop }, uuid: capacity.uuid,
                                                       forcedReadOnly: capacity.condition.readOnly == .forced) {
                    status.migration = "onto \(journal.deviceLabel) by \(journal.recordedMethod.rawValue), phase: \(journal.phase), stopped: the copy on the device is damaged"
                    status.problems.append(damage.verdict(mountpoint: status.mountpoint, image: image, imageIsMember: imageLoop != nil))
                } else if let row = status.migration {
                    // Half moved, the store is not in place, whether migrate-ebs still runs or was
                    // killed (attack 54 X 3: "in place" while the journal stayed open): in the row's
                    // words, which name the device as it is now.
                    status.problems.append(MigrationJournal.openProblem(standing: row))
                }
            }
        } catch let error as DockStoreError {
            status.warnings.append(error.message)
        }
        do {
            if let journal = try ReclaimJournal.read(host: host) {
                if var capacity = status.capacity, journal.filesystemUUID == capacity.uuid {
                    capacity.remedyContext = RemedyContext.read(host: host, figures: capacity, deviceStore: request.device != nil)
                    status.reclaim = LentRoom(journal, figures: capacity, now: WallClock.seconds()).summary(reclaim: Remedy.reclaim(capacity))
                } else if let mounted = status.capacity?.uuid {
                    status.reclaim = "a reclaim journal of the btrfs \(journal.filesystemUUID) is open (\(host.real(ReclaimJournal.path))), not of the btrfs \(mounted) mounted here; dockstore reclaim finishes it once that store is mounted"
                } else {
                    status.reclaim = "a reclaim journal of the btrfs \(journal.filesystemUUID) is open (\(host.real(ReclaimJournal.path))) and no btrfs is mounted at \(status.mountpoint); mount the store (dockstore provision attaches a temporary member first), then dockstore reclaim finishes it"
                }
            }
        } catch let error as DockStoreError {
            status.warnings.append(error.message)
        }
        if let unit = observed.mountUnit {
            status.systemdMount = unit.summary
            if unit.loadState == "loaded", unit.activeState == "failed" {
                status.warnings.append("systemd's mount of the store (\(unit.name)) failed at its last start: journalctl -u \(unit.name) says why")
            }
        }
        status.readDriver(observed, host)
        // check's storage_driver_elsewhere, as a warning: the settings asked for that driver, so
        // DOCKER_OPTS is "in place", yet Docker does not see the store's images (attack 33 T 13).
        if status.mounted, let filesystem = status.filesystem?.type, let driver = status.dockerStorageDriver,
           let source = status.dockerStorageDriverSource,
           let why = DriverCondition.elsewhere(DockerdDriverSetting(driver: driver, source: source), filesystem: filesystem,
                                               bootBackend: store.settings.known?.backend, settingsPath: host.real(ProvisionSettings.path)) {
            status.warnings.append(why)
        }
        // DOCKER_OPTS decides nothing when docker.service does not hand it to dockerd.
        status.problems += observed.dockerServiceProblems
        // Nothing mounted while a dockerd writes into the bare folder (attack 15, Y3), as check says it.
        if case .read(nil) = store.mountedType {
            do {
                let elsewhere = StoreFact<String?>.reading { try DataRootCondition.elsewhere(host: host, mountpoint: request.mountpoint) }
                if let bare = try DockerOnBareFolder.find(host: host, mountpoint: status.mountpoint, dataRootElsewhere: elsewhere) {
                    status.problems.append(bare.message)
                }
            } catch {
                status.unreadable.append("whether a dockerd runs on the bare folder \(status.mountpoint): \(Self.message(error))")
            }
        }

        do {
            let plan = try provisioner.plan(observed)
            (status.fstab, status.dropIn, status.dockerOpts) = ("in place", "in place", "in place")
            // A shrunk device is one of the problems already, in check's words.
            status.warnings += plan.warnings.filter { $0 != ProvisionPlanner.readOnlyStore(status.mountpoint) && !status.problems.contains($0) && !observed.mountedShrunk.contains($0) }
            for step in plan.steps {
                let text = step.describe(request, host)
                switch step {
                case .forgetFormat: status.warnings.append("pending: \(text); the next provision does it")
                case .removeUnfinishedImage: status.warnings.append("pending: \(text); the next provision does it")
                case .allocateImage, .format, .installImage, .recordFormat, .formatDevice: status.recordPendingStep("the store is not ready: \(text) is pending")
                case .createMountpoint, .mount: status.recordPendingStep("not mounted: \(text) is pending")
                case .writeFstab(_, let change, _): status.fstab = change; status.recordPendingStep("fstab: \(change)")
                case .writeDropIn(_, let change, _): status.dropIn = change; status.recordPendingStep("docker.service drop-in: \(change)")
                case .writeMountDropIn(let path, _, let change, _): status.recordPendingStep("\(MountDropIn.unit(ofPath: path)) drop-in: \(change)")
                case .writeSysconfig(_, let change, _): status.dockerOpts = change; status.recordPendingStep("DOCKER_OPTS: \(change)")
                case .writeDaemonJSON(_, let change, _): status.recordPendingStep("daemon.json: \(change)")
                case .writeBootSettings(_, let change, _): status.recordPendingStep("boot settings \(host.real(ProvisionSettings.path)): \(change)")
                case .reloadSystemd, .recordFolders: break
                case .startDocker: status.recordPendingStep("docker.service: \(text)")
                case .enableBoot: status.recordPendingStep("boot: \(text): dockstore-provision.service skips every boot while it exists")
                }
            }
        } catch let error as DockStoreError {
            if error.kind == .refused {
                status.recordProvisionRefusal(error)
            } else if !status.problems.contains(error.message) {
                status.problems.append(error.message)
            }
        }
        return status
    }

    public func renderJSON() throws -> String { try JSONText.encode(self) }

    /// `{"error": "…"}`: what `status --json` prints when the system cannot be read.
    public static func renderErrorJSON(_ message: String) throws -> String { try JSONText.encode(["error": message]) }

    public func renderText() -> String {
        var lines: [String] = []
        func row(_ key: String, _ value: String) { lines.append(key.padding(13) + value) }
        if let image {
            row("store:", "image \(image.path)")
            if image.exists, let apparent = image.apparentBytes, let allocated = image.allocatedBytes {
                row("image:", "\(ByteSize.format(apparent)) apparent, \(ByteSize.format(allocated)) allocated, \(image.content ?? "")")
            } else {
                row("image:", image.content.map { "a \($0) (not usable)" } ?? "missing")
            }
        }
        if let device {
            row("store:", "device \(device.requested)" + (device.path != device.requested ? " (\(device.path))" : ""))
            var facts = ["\(ByteSize.format(device.sizeBytes))", device.content]
            if let id = device.volumeID { facts.insert("EBS \(id)", at: 0) }
            row("device:", facts.joined(separator: ", "))
        }
        if mounted {
            row("mounted:", "yes, \(mountedFrom ?? "?") at \(mountpoint)")
        } else if let mountedFrom {
            // Something else is mounted there: its filesystem line follows, so say whose it is.
            row("mounted:", "no: \(mountedFrom) is mounted at \(mountpoint), not this store")
        } else {
            row("mounted:", "no (\(mountpoint))")
        }
        if let fs = filesystem {
            var text = "\(fs.type)"
            if let uuid = fs.uuid { text += " \(uuid)" }
            if let label = fs.label { text += " label '\(label)'" }
            if let size = fs.sizeBytes, let free = fs.freeBytes {
                text += ", \(ByteSize.format(size)) size, \(ByteSize.format(free)) free"
            } else {
                text += ", size unreadable"
            }
            if let devices = fs.devices { text += ", \(devices) device(s)" }
            row("filesystem:", text)
        }
        if let c = capacity { lines += Self.usageRows(c) }
        if let orphans {
            if let count = orphans.count {
                row("orphans:", count == 0 ? "none among \(orphans.subvolumes ?? 0) subvolume(s) of Docker's btrfs driver"
                    : "\(count) of \(orphans.subvolumes ?? 0) subvolume(s) of Docker's btrfs driver referenced by no layer, container or image (dockstore reclaim --orphans --dry-run lists them)")
            } else {
                row("orphans:", "cannot tell: \(orphans.unreadable ?? "?")")
            }
        }
        if let migration { row("migration:", migration) }
        if let reclaim { row("reclaim:", reclaim) }
        row("fstab:", fstab)
        row("systemd:", systemdMount)
        row("drop-in:", dropIn)
        row("DOCKER_OPTS:", dockerOpts)
        row("driver:", dockerStorageDriver.map { "\($0) (from \(dockerStorageDriverSource ?? "?"))" }
            ?? (dockerStorageDriverSource == Self.unreadableSource ? "unreadable (see below)" : "not set (dockerd picks one)"))
        for fact in unreadable { lines.append("unreadable: \(fact)") }
        for warning in warnings { lines.append("warning: \(warning)") }
        if problems.isEmpty {
            row("state:", "in place")
        } else {
            row("state:", teardownInterrupted ? "\(problems.count) problem(s); 'dockstore teardown --wipe-device' finishes it:"
                : bootDisabledMarker.map { "\(problems.count) problem(s); a dockstore teardown took the store down (\($0) is there): 'dockstore teardown' finishes taking it down, 'dockstore provision' sets it up again:" }
                ?? (provisionRefusal != nil ? "\(problems.count) problem(s); 'dockstore provision' refuses until the first is resolved:"
                    : Self.stateHeading(problems: problems.count, pendingSteps: problems.filter(pendingSteps.contains).count)))
            for problem in problems { lines.append("  - \(problem)") }
        }
        return lines.joined(separator: "\n")
    }
}

extension StoreStatus {
    /// The state line over `problems` problems that provision does not refuse, `pendingSteps`
    /// of them steps a run of provision takes.
    static func stateHeading(problems: Int, pendingSteps: Int) -> String {
        if pendingSteps >= problems { return "\(problems) problem(s); 'dockstore provision' fixes them:" }
        if pendingSteps == 0 { return "\(problems) problem(s), which 'dockstore provision' does not fix; each says what to do:" }
        return "\(problems) problem(s); 'dockstore provision' fixes the \(pendingSteps) pending step(s), each other problem says what to do:"
    }

    /// One row a figure, with a bar of how much is used.
    static func usageRows(_ c: CapacityFigures) -> [String] {
        func bar(_ used: UInt64, _ total: UInt64) -> String {
            let width = 20
            let share = total == 0 ? 0 : min(1, Double(used) / Double(total))
            let filled = Int((share * Double(width)).rounded())
            let percent = String(percent: share * 100)
            return "[" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled) + "] "
                + String(repeating: " ", count: max(0, 6 - percent.count)) + percent
        }
        var rows = ["data:".padding(13) + bar(c.dataUsed, c.dataCapacity)
                    + "  \(ByteSize.format(c.dataFree)) free of \(ByteSize.format(c.dataCapacity))"]
        if c.filesystem == "btrfs" {
            rows.append("metadata:".padding(13) + bar(c.metadataUsed, c.metadataSize)
                        + "  \(ByteSize.format(c.metadataUsed)) used or reserved of \(ByteSize.format(c.metadataSize)) (global reserve \(ByteSize.format(c.globalReserve)))")
            rows.append("allocated:".padding(13) + bar(c.deviceSize - c.unallocated, c.deviceSize)
                        + "  \(ByteSize.format(c.unallocated)) unallocated of \(ByteSize.format(c.deviceSize)); a metadata chunk needs \(ByteSize.format(c.metadataChunkNeed))")
        }
        if let host = c.host {
            rows.append("image:".padding(13) + bar(host.allocatedBytes, host.apparentBytes)
                        + "  \(ByteSize.format(host.allocatedBytes)) allocated of \(ByteSize.format(host.apparentBytes)); host has \(ByteSize.format(host.hostAvailableBytes)) free for the \(ByteSize.format(host.unbackedPromise)) promised")
        }
        if let inodes = c.inodes {
            rows.append("inodes:".padding(13) + bar(inodes.total - inodes.free, inodes.total) + "  \(inodes.free) free of \(inodes.total)")
        }
        let limit = c.effectiveLimit
        if c.host != nil || limit.free != c.dataFree || c.quota?.tightest != nil {
            let by = switch limit.by {
            case "host": "limited by the host"
            case "device": "limited by a device smaller than the filesystem"
            case "qgroup": "limited by qgroup \(c.quota?.tightest?.group.qgroup ?? "?")"
            default: "limited by \(limit.by)"
            }
            rows.append("effective:".padding(13) + "\(ByteSize.format(limit.free)) Docker can still write (\(by))")
        }
        return rows
    }
}

extension String {
    func padding(_ width: Int) -> String {
        count >= width ? self + " " : self + String(repeating: " ", count: width - count)
    }
}
