/// Reads the host once for `provision` and `status`.
public struct ProvisionObserver: Sendable {
    public let host: Host
    public let resolver: DeviceResolver
    /// Whether the requested device is asked the kernel's in-use question (`DeviceInspector.asksKernel`):
    /// provision does, status does not.
    public var asksKernel = false
    /// How the command lets one wait longer for the device (`DeviceResolver.waitFor`); status has no way.
    public var waitHint: String? = "give --wait SECONDS"

    public init(host: Host, resolver: DeviceResolver = DeviceResolver(), asksKernel: Bool = false) {
        self.host = host
        self.resolver = resolver
        self.asksKernel = asksKernel
    }

    public func observe(_ request: ProvisionRequest, settings: StoreFact<ProvisionSettings>) throws -> ProvisionObservation {
        try observe(request, store: StoreObserver(host: host, image: request.image, mountpoint: request.mountpoint,
                                                  settings: settings).observe(.all))
    }

    /// Provision's input: the store as `store` saw it, plus what only provision reads (the
    /// requested device, the mountpoint folder, Docker's configuration files, free host space
    /// and systemd's mount unit).
    public func observe(_ request: ProvisionRequest, store: StoreObservation) throws -> ProvisionObservation {
        let imagePath = host.real(request.image)
        let mountpointPath = host.real(request.mountpoint)
        let mounts = MountTable(entries: try store.mounts.value())
        // A store hidden under a later mount above the mountpoint (`HiddenMount`) refuses here.
        _ = try store.mountedType.value()
        let device = try request.device.map { deviceRequest in
            var seen = try DeviceInspector(sysfs: resolver.sysfs, host: host, asksKernel: asksKernel)
                .observe(try resolver.waitFor(deviceRequest.spec, timeout: deviceRequest.wait, waitHint: waitHint,
                                              because: deviceRequest.awaitedBecause), mounts: mounts)
            if seen.kind == .blockDevice, seen.content == .unrecognizedData, !deviceRequest.force {
                seen.canceledReplaceTarget = try CanceledReplaceTarget.recognizing(seen.device.path, volumeID: seen.device.volumeID?.description,
                                                                                   storeUUID: nil, host: host)
            }
            if seen.kind == .blockDevice {
                seen.identity = try DeviceIdentity.of(seen.device)
                seen.formatRecord = try FormatRecord.read(host: host)
                if let record = seen.formatRecord, record.identity != seen.identity {
                    seen.formatRecordDeviceNow = try record.identity.currentDevices(resolver: resolver)
                }
                if seen.formatRecord != nil, seen.content == .unrecognizedData {
                    seen.temporaryBtrfsFSID = try BtrfsSuperblock.readTemporary(seen.device.path)?.fsid
                }
                if case .signature("btrfs", let uuid?, _) = seen.content { seen.copies = try StoreCopies.find(uuid: uuid) }
                // Not while a migration or a reclaim is open: its image, or the room it lent, is a
                // member that provision attaches itself.
                if seen.btrfsMemberOf == nil, case .signature("btrfs", let uuid?, _) = seen.content,
                   try store.migrationJournal.value() == nil, try !store.reclaimOpen.value(),
                   let block = try BtrfsSuperblock.read(seen.device.path), block.numDevices > 1 {
                    seen.btrfsMembers = .init(expected: block.numDevices, attached: try FilesystemMembers.devices(withUUID: uuid))
                }
            }
            return seen
        }

        let image = try store.image.value()
        let observedImage: ProvisionObservation.Image
        var imageLoops: [String] = []
        var unfitImageLoops: [String] = []
        var imageMountedAt: [String] = []
        var imageFilesystemOpen = false
        var imageCopies: [[StoreCopy]] = []
        switch image {
        case .file(let size, let allocated, let content, let loops):
            observedImage = .file(size: size, allocated: allocated, content: content)
            imageLoops = loops.map(\.path)
            unfitImageLoops = UnfitImageLoops.described(loops, fileSize: size)
            imageMountedAt = try store.imageMountedAt()
            if case .signature("btrfs", let uuid?, _) = content {
                // Open through one of the image's own loop devices: a copy of the image
                // (same UUID, another device) mounted elsewhere is not this store.
                let names = Set(loops.map { String($0.path.dropFirst("/dev/".count)) })
                imageFilesystemOpen = try BtrfsSysfs.members(uuid: uuid).contains { names.contains($0) }
                if request.device == nil { imageCopies = try StoreCopies.ofImage(imagePath, uuid: uuid) }
            }
        case .notRegular(let kind):
            observedImage = .notRegular(kind)
        case .missing:
            observedImage = .missing
        }
        // A device store makes no image: nothing to leave unfinished, no UUID to draw.
        let unfinishedImage: UnfinishedImage.Leftover = request.device == nil ? try UnfinishedImage(host: host, image: request.image).leftover() : .none
        let newImageUUID = request.device == nil ? RandomUUID.make() : ""
        let imageFolderExists = try FileStatus.following(host.realFollowing(request.image.parent))?.kind == .directory

        let mountpointStatus = try FileStatus.of(mountpointPath)
        let mountpointParentExists = try FileStatus.following(host.realFollowing(request.mountpoint.parent))?.kind == .directory
        let mountpoint: ProvisionObservation.Mountpoint
        var mountedImageDeleted = false
        var mountedImageMoved: MovedImage? = nil
        var mountedForeign: ForeignLoopStore? = nil
        var secondImageLoops: [SecondImageLoop] = []
        var mountedRoot: BtrfsRootState? = nil
        var mountedShrunk: [String] = []
        var mountedOver: MountedOver? = nil
        var mountAppeared = false
        switch mountpointStatus?.kind {
        case nil:
            mountpoint = .missing
        case .directory?:
            let canonical = store.mountpoint
            if let over = try coveredStore(store, mounts: mounts.entries, imageLoops: imageLoops, device: device) {
                // Another filesystem over the store: the mountpoint's path reaches the top one, so
                // nothing more is read through it; the planner refuses first (`MountedOver`).
                mountedOver = over.cover
                mountpoint = .mounted(over.store, ofImage: imageLoops.contains(over.store.source), ofDevice: !imageLoops.contains(over.store.source))
            } else if let entry = try store.mount() {
                var ofImage = imageMountedAt.contains(canonical)
                if !ofImage, entry.fstype == "btrfs", case .file = image {
                    ofImage = try store.btrfsSpansImage()
                    if ofImage { imageMountedAt.append(canonical) }
                }
                // A member of a btrfs of several devices is the store mounted there whichever
                // member the mount names (attack 53 W Z6a: the fstab UUID found the loop member,
                // the mount named the volume, and provision said to unmount the store).
                let ofDevice = device.map { $0.mountedAt.contains(canonical) || $0.btrfsMountedAt.contains(canonical) } ?? false
                if !ofImage, let backing = try store.mountedSource.value()?.loopBackingFile {
                    // Hard-linked, then unlinked: a rename to the other name (`MovedImage`), not a loss.
                    mountedImageDeleted = backing.sameBytes(imagePath + " (deleted)")
                        && LoopDevice.otherLink(of: entry.source, deletedName: imagePath) == nil
                    mountedForeign = try ForeignLoopStore.find(loop: entry.source, backingName: backing, image: imagePath)
                }
                // Following an open migration the image is still a member until the point of
                // return: renamed away and attached by hand, it is what the kernel mounted the
                // store through (attack 25 J8).
                if !ofImage, !mountedImageDeleted, request.device == nil || request.followsMigration, entry.fstype == "btrfs" {
                    mountedImageMoved = try MovedImage.find(store, host: host, mountpoint: request.mountpoint)
                }
                mountpoint = .mounted(entry, ofImage: ofImage, ofDevice: ofDevice)
                if (ofImage || ofDevice), entry.fstype == "btrfs" {
                    mountedRoot = try BtrfsRootState.read(at: mountpointPath)
                    mountedShrunk = ProvisionPlanner.shrunkDeviceWarnings(mountpoint: mountpointPath)
                }
                if ofImage { secondImageLoops = try secondLoops(store, mounts: mounts.entries, at: entry) + stackedImageLoops(store, mounts: mounts.entries) }
            } else {
                let names = try folderEntries(mountpointPath, limit: 4)
                mountpoint = names.isEmpty ? .emptyFolder : .nonEmptyFolder(names)
                // Something mounted there since the mount table was read (systemd's mount of the
                // fstab line racing provision at boot): the folder listed is that filesystem's.
                if !names.isEmpty, try MountRoot.isMountRoot(mountpointPath) == true { mountAppeared = true }
            }
        case let kind?:
            mountpoint = .notFolder(kind)
        }

        let systemdRunning = try store.systemdRunning.value()
        let sysconfig = try FileContents.read(HostPaths.sysconfigDocker, on: host)
        let daemonJSONPlace = try DockerdConfigPlace.orStandard(sysconfig: sysconfig, sysconfigPath: host.real(HostPaths.sysconfigDocker))
        var observation = ProvisionObservation(
            image: observedImage, unfinishedImage: unfinishedImage, newImageUUID: newImageUUID, imageFolderExists: imageFolderExists, mountpoint: mountpoint,
            mountpointParentExists: mountpointParentExists, imageMountedAt: imageMountedAt, imageLoops: imageLoops,
            unfitImageLoops: unfitImageLoops, imageFilesystemOpen: imageFilesystemOpen,
            mountedImageDeleted: mountedImageDeleted, bootDisabled: try store.bootDisabled.value(),
            mountUnit: systemdRunning ? try SystemdMountUnit.read(mountpoint: host.unitPath(request.mountpoint).string) : nil,
            fstab: try store.fstab.value(), dropIn: try FileContents.read(HostPaths.dockerDropIn, on: host),
            sysconfig: sysconfig, daemonJSON: try FileContents.read(daemonJSONPlace.path, on: host),
            hostAvailable: imageFolderExists ? try HostSpace.of(host.realFollowing(request.image.parent)).available : nil,
            systemdRunning: systemdRunning, device: device)
        observation.imageCopies = imageCopies
        observation.mountAppeared = mountAppeared
        var missing: [HostPath] = []
        switch observedImage {
        case .missing where imageFolderExists, .file(_, _, .blank) where imageFolderExists:
            observation.hostLargestFile = LargestFile.limit(in: host.realFollowing(request.image.parent), for: request.size)
        default: break
        }
        observation.mountUnitPath = host.unitPath(request.mountpoint)
        let mountDropIn = MountDropIn.path(unitPath: observation.unitPath(request))
        observation.mountDropIn = try MountDropIn.read(unitPath: observation.unitPath(request), on: host)
        let nameable = MountUnitName.fits(observation.unitPath(request))
        for file in [HostPaths.fstab, HostPaths.dockerDropIn, mountDropIn, HostPaths.sysconfigDocker, ProvisionFolderRecord.path] where nameable || file != mountDropIn {
            for folder in try host.missingFolders(file.parent) where !missing.contains(folder) { missing.append(folder) }
        }
        observation.missingFolders = missing
        observation.daemonJSONPlace = daemonJSONPlace
        observation.folderRecord = try FileContents.read(ProvisionFolderRecord.path, on: host)
        var imageUUID: String? = nil
        if case .file(_, _, .signature("btrfs", let uuid, _)) = observedImage { imageUUID = uuid }
        observation.secondImageLoops = secondImageLoops
        observation.mountedImageMoved = mountedImageMoved
        observation.mountedForeign = mountedForeign
        observation.mountedRoot = mountedRoot
        observation.mountedShrunk = mountedShrunk
        observation.mountedOver = mountedOver
        observation.otherImageLine = try OtherImageLine.find(fstab: observation.fstab, mountpoint: request.mountpoint, image: request.image, host: host,
                                                               forDevice: request.device != nil && !request.followsMigration)
        observation.finishedStoreElsewhere = try FinishedStoreElsewhere.observe(fstab: observation.fstab, mountpoint: request.mountpoint, host: host)
        observation.unmountedFstabFolder = try UnmountedFstabFolder.find(fstab: observation.fstab, mounts: mounts,
                                                                         image: request.device == nil ? request.image : nil,
                                                                         mountpoint: request.mountpoint, host: host)
        if systemdRunning, let dropIn = observation.dropIn, DockerDropIn.isLegacy(dropIn), observation.mountUnit?.activeState == "failed" {
            observation.dockerService = try SystemdService.read("docker.service")
        }
        observation.dockerServiceProblems = DockerServiceReading.problems(on: host)
        observation.bootSettingsFile = try FileContents.read(ProvisionSettings.path, on: host)
        observation.bootSettings = try store.settings.value()
        if observation.bootSettingsFile == nil {
            do {
                try ProvisionSettings.refuseLooseFolders(of: host.real(ProvisionSettings.path), root: host.root)
            } catch let error as DockStoreError where error.kind == .refused {
                observation.bootSettingsFolderProblem = error.message
            }
        }
        if request.device == nil {
            observation.interruptedDeviceFormat = try InterruptedDeviceFormat.observe(host: host, resolver: resolver)
        }
        observation.resolvedMountpoint = StorePlacement.resolved(request.mountpoint, root: host.root)
        observation.relinkedStore = try RelinkedStore.find(dropIn: observation.dropIn, mountpoint: request.mountpoint, unitPath: observation.unitPath(request),
                                                           mounts: mounts.entries, root: host.root, image: request.device == nil ? request.image : nil,
                                                           fstab: try store.fstab.value())
        observation.staleMountDropIn = try StaleMountDropIn.observe(dropIn: observation.dropIn, mountpoint: request.mountpoint,
                                                                    unitPath: observation.unitPath(request), host: host)
        observation.mountpointSystemFolder = try StorePlacement.systemFolder(holding: request.mountpoint, host: host)
        if request.device == nil, case .file = observation.image, let status = try host.statusInRoot(request.image) {
            observation.imageLinks = status.links
        }
        if request.device == nil {
            observation.resolvedImage = StorePlacement.resolved(request.image, root: host.root)
            observation.imageSystemFolder = try StorePlacement.systemFolder(holding: request.image, host: host)
        }
        if request.device == nil, imageFolderExists {
            observation.imageFolderInMemory = try MemoryFilesystem.holding(folder: host.realFollowing(request.image.parent), lines: try MountInfoLine.read("/proc/self/mountinfo"))
        }
        observation.storesElsewhere = try storesElsewhere(request, mounts: mounts.entries, store: store, image: imagePath, imageUUID: imageUUID,
                                                          folderRecord: observation.folderRecord)
        // Also with the store mounted: a line edited since, or options the settings add now,
        // are what the next boot mounts with (attack 26 L2, L3).
        observation.kernelRejectedOptions = kernelRejectedOptions(request, fstab: observation.fstab)
        if case .nonEmptyFolder = observation.mountpoint {
            observation.mountpointAside = AsideName.free(host.real(request.mountpoint), suffix: ".old")
        }
        if request.device == nil, observation.imageMountedAt.isEmpty, case .file(_, _, .signature("btrfs", _, _)) = observation.image {
            observation.imageClaimedBytes = try BtrfsSuperblock.read(imagePath)?.deviceBytes
        }
        if observation.mountedImageDeleted, case .mounted(let entry, _, _) = observation.mountpoint {
            let image = host.real(request.image)
            var unlinked = StoreCondition.Image(path: image, loop: entry.source, link: .deleted)
            unlinked.asideNames = .observe(beside: image)
            if case .file = observation.image {
                unlinked.link = .replaced
                if let btrfs = try store.btrfs.value(), let member = btrfs.members.first(where: { $0.devicePath == entry.source || $0.path == entry.source }) {
                    unlinked.copy = try StoreCondition.Image.copyAtName(image, loop: entry.source, uuid: btrfs.uuid, deviceBytes: member.size)
                }
            }
            observation.mountedImageUnlinked = unlinked
        }
        return observation
    }

    /// The btrfs mounts inside the root that are a store dockstore set up, elsewhere than the
    /// mountpoint asked for (`StoreElsewhere.find`): only btrfs mounts inside the root are
    /// probed, a device store's only at one of this root's own mountpoints. `folderRecord` is the
    /// observation's bytes of the folder record: the plan and this rule see one read.
    func storesElsewhere(_ request: ProvisionRequest, mounts: [MountEntry], store: StoreObservation,
                         image: String, imageUUID: String?, folderRecord: [UInt8]?) throws -> [StoreElsewhere] {
        let mountpoint = store.mountpoint
        let elsewhere = mounts.filter {
            $0.fstype == "btrfs" && StoreElsewhere.inside($0.target, root: host.root)
                && !$0.target.sameBytes(mountpoint) && !$0.target.hasBytePrefix(mountpoint + "/")
        }
        guard !elsewhere.isEmpty else { return [] }
        let own = try ownPlaces(store, folderRecord: folderRecord)
        let candidates = try elsewhere
            .compactMap { entry -> StoreElsewhere.Candidate? in
                let backing = try LoopDevice.backingFile(of: entry.source)
                if backing == nil || !StoreElsewhere.inside(backing ?? "", root: host.root) {
                    guard own.targets.contains(entry.target) else { return nil }
                }
                guard case .signature("btrfs", let uuid, let label) = BlockProbe.probe(entry.source) else {
                    return StoreElsewhere.Candidate(entry: entry, label: nil, uuid: nil, backingFile: backing)
                }
                return StoreElsewhere.Candidate(entry: entry, label: label, uuid: uuid, backingFile: backing)
            }
        guard !candidates.isEmpty else { return [] }
        return StoreElsewhere.find(candidates, root: host.root, mountpoint: store.mountpoint,
                                   mountedDevice: try store.mount()?.device, image: image,
                                   imageUUID: imageUUID, label: request.label, own: own)
    }

    /// The image's loop devices that are not the store at the mountpoint's (`entry`): not its
    /// mount's source, and not a member of its btrfs by /sys/fs/btrfs/<uuid>/devices (a store
    /// mid-migration spans the image's loop device and a device).
    func secondLoops(_ store: StoreObservation, mounts: [MountEntry], at entry: MountEntry) throws -> [SecondImageLoop] {
        let loops = try store.imageLoops()
        guard loops.count > 1 || loops.contains(where: { $0.path != entry.source }) else { return [] }
        let btrfs = try store.btrfs.value()
        let storeUUID = btrfs?.uuid.lowercased()
        let storeBytes = btrfs?.reading.devices.first { $0.path == entry.source }?.size
        var found: [SecondImageLoop] = []
        for loop in loops where loop.path != entry.source {
            let name = String(loop.path.dropFirst("/dev/".count))
            let filesystem = try BtrfsSysfs.filesystem(withMember: name)?.lowercased()
            if filesystem != nil, filesystem == storeUUID { continue }
            let targets = mounts.filter { $0.source == loop.path }.map(\.target)
            found.append(SecondImageLoop(loop: loop.path, mountedAt: targets, mounted: filesystem != nil || !targets.isEmpty,
                                         offset: loop.offset > 0 ? loop.offset : nil,
                                         bytes: LoopDevice.sysfsBytes(String(loop.path.dropFirst("/dev/".count)), sysBlock: "/sys/block"),
                                         storeBytes: storeBytes))
        }
        return found
    }

    /// This root's own places (`StoreElsewhere.OwnPlaces`): the settings file's paths, else
    /// the defaults, and the folders its record names (`folderRecord`, the bytes the observation
    /// read), as the mount table names them.
    func ownPlaces(_ store: StoreObservation, folderRecord: [UInt8]?) throws -> StoreElsewhere.OwnPlaces {
        let configured = try StorePaths.resolve(image: nil, mountpoint: nil, settings: store.settings)
        var targets: Set<String> = [canonicalPath(host.real(configured.mountpoint))]
        if let bytes = folderRecord, let folders = ProvisionFolderRecord.folders(in: bytes) {
            for folder in folders { targets.insert(canonicalPath(host.real(folder))) }
        }
        var inFstab: Set<String> = []
        for line in FstabFile(bytes: try store.fstab.value() ?? []).lines {
            guard let entry = line.entry, let target = try? HostPath(entry.normalizedTarget, what: "an fstab target") else { continue }
            // A target dockstore cannot read as a path counts as no line: the store there stays counted (refused).
            inFstab.insert(canonicalPath(host.real(target)))
        }
        return StoreElsewhere.OwnPlaces(targets: targets, images: [canonicalPath(host.real(configured.image))], inFstab: inFstab)
    }

    /// The path with its folders' symlinks resolved (the mount table holds canonical paths);
    /// the last component is known not to be a symlink.
    func canonicalPath(_ path: String) -> String { Self.canonicalPath(path) }

    static func canonicalPath(_ path: String) -> String {
        let folder = AtomicFile.parentFolder(of: path)
        guard case .success(let base) = PathCalls.realPath(folder) else { return path }
        let name = path.split(separator: "/").last.map(String.init) ?? ""
        return base == "/" ? "/" + name : base + "/" + name
    }

    func folderEntries(_ path: String, limit: Int) throws -> [String] {
        guard let names = FolderEntries.names(path, limit: limit) else {
            throw DockStoreError.system("cannot list", path, errno: Errno.current)
        }
        return names.sorted()
    }
}

extension ProvisionObserver {
    /// The kernel's verdict (`KernelMountOptions`) on every option the store could be mounted
    /// with: those of fstab's lines at the mountpoint (one is adopted or is dockstore's),
    /// provision's own and the extra ones asked for, for the filesystem the store has or gets.
    /// Asked whether or not the store is mounted now: the line is what every boot mounts with.
    func kernelRejectedOptions(_ request: ProvisionRequest, fstab: [UInt8]?) -> KernelRejectedOptions? {
        var options = request.requiredMountOptions
        for (_, entry) in FstabFile(bytes: fstab ?? []).entries(mountingAt: request.mountpoint) { options += entry.options }
        var seen = Set<String>()
        options = options.filter { seen.insert($0).inserted }
        let fstype = request.device?.filesystem.rawValue ?? "btrfs"
        return KernelMountOptions.rejected(options, fstype: fstype).map { KernelRejectedOptions(filesystem: fstype, rejected: $0) }
    }
}
