/// Observes and grows a mounted btrfs store online: the image file, the loop device's
/// idea of its size, then the filesystem by devid.
public struct Grower: Sendable {
    public let host: Host
    public let mountpoint: String
    /// /etc/sysconfig/dockstore as this run read it, or why it was not (`StorePaths.mountpoint`).
    public let settings: StoreFact<ProvisionSettings>
    /// The mountpoint as the user gave it (inside --root), where fstab's line or the settings
    /// name the image the store is configured with (`ConfiguredImage`); nil: not compared.
    public let given: HostPath?

    public init(host: Host, mountpoint: String, settings: StoreFact<ProvisionSettings>, given: HostPath? = nil) {
        self.host = host
        self.mountpoint = mountpoint
        self.settings = settings
        self.given = given
    }

    /// - Parameter target: `--to`, which the image's filesystem is asked whether it allows.
    public func observe(target: UInt64? = nil) throws -> GrowObservation {
        var store = StoreObserver(host: host, imagePath: nil, mountpointPath: mountpoint, sysfs: "/sys", settings: settings).observe([.mount, .files])
        if let given {
            let (host, fstab, settings) = (host, store.fstab, settings)
            store.configuredImage = .reading {
                try ConfiguredImage.find(host: host, mountpoint: given, fstab: try fstab.value(), settings: settings)
            }
            store.configuredDevice = .reading { ConfiguredImage.namesDevice(mountpoint: given, fstab: try fstab.value()) }
            // The journal judged against the configured image too, as check judges it (attack 27 J4).
            store.migrationJournal = StoreObserver.readJournal(host: host, mountpoint: store.mountpoint, inRoot: given, mountedType: store.mountedType,
                                                               btrfs: store.btrfs, imagePath: store.configuredImage.known ?? nil,
                                                               image: StoreObserver.notAsked("the image"), fstab: store.fstab)
        }
        try GrowObservation.refuseLostImage(store, mountpoint: mountpoint)
        if let refusal = try MountedOver.refusal(at: store.mountpoint, doing: "grow the store") { throw refusal }
        if let refusal = try NodelessHolder.recordedPathRefusal(store, doing: "grow the store") { throw refusal }
        var observed = try GrowObservation(store: store, mountpoint: mountpoint, blockSize: { try BlockDeviceSize.bytes(of: $0.path) },
                                           backing: { member, uuid in
            CapacityProbe.hostBacking(BtrfsReading(uuid: uuid, spaces: [], devices: [member]), sysfs: "/sys")
        })
        if observed.reclaimOpen { observed.reclaimRoomLent = ReclaimJournal.openRoomLent(host: host) }
        if let entry = try store.mount(), try HostSpace.of(entry.target).readOnly {
            observed.readOnly = try CapacityProbe.readOnlyKind(entry.target)
        }
        // dockstore's own volume store line (UUID= and the ordering before the boot unit): a loop
        // member is the store's volume (a loop device standing in for an EBS volume), grown to
        // the device's size as any volume is, never an image to extend (attack 13 X12).
        if let given, try store.fstabEntries(mountingAt: given).first.map({
            $0.source.hasPrefix("UUID=") && $0.options.contains(ProvisionRequest.orderingOption)
        }) == true {
            for index in observed.devices.indices { observed.devices[index].image = nil }
        }
        for index in observed.devices.indices {
            if let image = observed.devices[index].image, try host.liesOutside(image.image) {
                observed.devices[index].imageOutsideRoot = host.root
            }
            if let image = observed.devices[index].image, let target, target > image.apparentBytes {
                observed.devices[index].imageLargestFile = LargestFile.limit(in: AtomicFile.parentFolder(of: image.image), for: target)
                observed.devices[index].imageSiblings = try LoopDevice.siblings(of: observed.devices[index].path)
                observed.devices[index].imageUnchangeable = try InPlaceChange.obstacle(image.image, verb: "extended")
            }
        }
        return observed
    }

    public func apply(_ steps: [GrowStep], sweeping sweep: DebrisSweep?, progress: (GrowStep) -> Void) throws {
        try StepEngine.apply(steps, in: self, sweeping: sweep, progress: progress) { step in
            switch step {
            case .extendImage(let path, let loop, _, let to, let preallocate):
                try host.extendImage(path, to: to, behind: loop, preallocate: preallocate)
            case .refreshLoop(let device):
                try LoopDevice.refreshCapacity(device)
                // What the loop device holds now, not what the plan meant: the resize takes its size.
                let planned = steps.lazy.compactMap { step -> UInt64? in
                    if case .extendImage(_, _, _, let to, _) = step { return to } else { return nil }
                }.first
                if let planned, case let holds = try BlockDeviceSize.bytes(of: device), holds < planned {
                    throw DockStoreError.failed("told \(device) its image grew to \(ByteSize.format(planned)), but it holds \(ByteSize.format(holds)) still; the store was not resized: look at it (losetup -l \(device)) and re-run dockstore grow")
                }
            case .resizeFilesystem(let devid, let uuid, _, _):
                // The re-check refused a plan without the UUID; the unwrap only names it.
                guard let uuid else { try GrowStep.checkStore(nil, planned: uuid, mountpoint: mountpoint); return }
                do {
                    try host.growBtrfs(devid, at: mountpoint, uuid: uuid)
                } catch let error as DockStoreError where steps.count > 1 {
                    // The image and its loop device hold the new size already (attack 50 T B4: a
                    // mount that hid the mountpoint for a moment left the grow half done, unsaid).
                    throw DockStoreError(error.kind, "\(error.message); the device holds its new size already, only the filesystem was not resized: re-run dockstore grow to finish", code: error.code)
                }
            }
        }
    }
}
