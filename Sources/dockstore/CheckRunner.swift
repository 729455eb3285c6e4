import DockStoreCore

/// Runs a check and prints it; returns the Nagios exit status. Whatever fails — a bad
/// threshold, an unreadable store, the error record, the textfile — the result is printed
/// in the requested format, and the exit status is the most severe of what was found in
/// monitoring-plugins' `max_state_alt` order (OK < UNKNOWN < WARNING < CRITICAL).
enum CheckRunner {
    static func run(_ options: CheckOptions) -> Int32 {
        let timestamp = WallClock.now()
        let policy: CapacityPolicy
        let host: Host
        var store: StoreObservation
        do {
            host = try Host(root: options.root)
        } catch {
            return unknown(error, options, host: nil, timestamp: timestamp)
        }
        // Watched from before the store is looked at: the look and the figures are one read.
        let change = MountTableChange()
        do {
            store = try StoreObserver.checkView(host: host, mountpoint: options.mountpoint, sysfs: "/sys")
            policy = try CapacityPolicy(dataWarning: options.warning, dataCritical: options.critical,
                                        metadataWarning: options.metadataWarning, metadataCritical: options.metadataCritical,
                                        unallocatedWarning: options.unallocatedWarning,
                                        unallocatedCritical: options.unallocatedCritical,
                                        hostWarning: options.hostWarning, hostCritical: options.hostCritical,
                                        errorHold: options.errorHold)
        } catch {
            return unknown(error, options, host: host, timestamp: timestamp)
        }
        var probed: Result<CapacityFigures, Error>
        let unsteady: Bool
        (store, probed, unsteady) = probe(store, watched: change, options, host: host, policy: policy, timestamp: timestamp)
        let mountpoint = store.mountpoint
        var report: CapacityReport
        do {
            var figures = try probed.get()
            if figures.filesystem == "btrfs" {
                figures.orphans = OrphanTallyCache.count(dataRoot: mountpoint, cacheFile: OrphanTallyCache.defaultPath, on: host,
                                                         limit: OrphanTally.checkLimit, now: timestamp)
            }
            figures.maintenance = MaintenanceRecord.read(host: host, fsid: figures.uuid,
                                                         top: figures.filesystem == "btrfs" ? mountpoint : nil)
            figures.remedyContext = RemedyContext.read(host: host, figures: figures, deviceStore: store.configuredDevice.known ?? false)
            // The driver is judged against the store's own filesystem, also under another one mounted over it (`mounted_over`).
            DockerdStartSettings.record(store.dockerdSettings, filesystem: figures.condition.mountedOver?.store.fstype ?? figures.filesystem,
                                   bootBackend: store.settings.known?.backend, host: host, into: &figures.condition)
            if !(figures.maintenance?.unreadable.isEmpty ?? true) || !figures.condition.unreadable.isEmpty {
                figures.condition.user = CurrentUser.describe()
            }
            var record: DeviceErrorRecord? = nil
            let ledger = try HostPath(options.stateFile, what: "--state-file")
            if DeviceErrorLedger.needed(figures) {
                figures.condition.errorBaseline = DeviceErrorLedger.load(ledger, on: host)
                if case .unreadable = figures.condition.errorBaseline { figures.condition.user = CurrentUser.describe() }
                record = DeviceErrorLedger.updated(figures, now: timestamp)
            } else {
                record = DeviceErrorLedger.reset(figures, baseline: DeviceErrorLedger.load(ledger, on: host))
            }
            report = CapacityReport(figures: figures, policy: policy, timestamp: timestamp)
            if let record {
                do {
                    try DeviceErrorLedger.save(record, at: ledger, on: host)
                } catch {
                    report.add(CapacityReason(state: .unknown, figure: "unreadable",
                        message: "cannot record the device error counters in \(host.real(ledger)), so the next check cannot tell a rise: \(message(error)); check ran as \(CurrentUser.describe())"))
                }
            }
        } catch {
            report = CapacityReport(unknown: "\(message(error)); check ran as \(CurrentUser.describe())",
                                    mountpoint: mountpoint, timestamp: timestamp)
            if case .read(nil) = store.mountedType {
                // The store still mounted there, under a later mount on a folder above (attack 43 P C10).
                var hidden: HiddenMount? = nil
                do {
                    hidden = try HiddenMount.find(at: mountpoint)
                } catch {
                    report.add(CapacityReason(state: .unknown, figure: "unreadable", message: "cannot tell whether a later mount above \(mountpoint) hides the store: \(message(error))"))
                }
                if let hidden {
                    report = CapacityReport(unknown: "nothing is reachable at \(mountpoint): \(hidden.described); \(hidden.remedy(then: "run dockstore check again"))",
                                            mountpoint: mountpoint, timestamp: timestamp)
                }
                // The store a link on the mountpoint's path led to, still mounted there (attack 33 V C10).
                var relinkedFound = hidden != nil
                do {
                    if let path = store.mountpointPath,
                       let relinked = try RelinkedStore.find(host: host, mountpoint: path, image: StorePaths.read(host: host, image: nil, mountpoint: nil).image,
                                                             mounts: MountTable.read().entries) {
                        report = CapacityReport(unknown: "nothing is mounted at \(mountpoint): \(relinked.described(mountpoint: path, resolved: host.unitPath(path)))",
                                                mountpoint: mountpoint, timestamp: timestamp)
                        relinkedFound = true
                    }
                } catch {
                    report.add(CapacityReason(state: .unknown, figure: "unreadable", message: "cannot tell whether the store is mounted where a link on the path to \(mountpoint) led before: \(message(error))"))
                }
                // A loop device over the image that provision refuses (attack 39 T F7): named as what
                // stops the store from coming up. The image is the one the check already read (fstab's
                // line, else the settings); without root, by the kernel's name of each one's file.
                if !relinkedFound, store.configuredDevice.known != true {
                    do {
                        if let image = try store.configuredImage.value(),
                           let unfit = try (CurrentProcess.isRoot ? UnfitImageLoops.find(image: image) : UnfitImageLoops.findByName(image: image)).first {
                            report = CapacityReport(unknown: "nothing is mounted at \(mountpoint): Docker's storage is not there, and dockstore provision cannot mount it: \(UnfitImageLoops.refusal(unfit, image: image, then: "run dockstore provision"))",
                                                    mountpoint: mountpoint, timestamp: timestamp)
                        }
                    } catch {
                        report.add(CapacityReason(state: .unknown, figure: "unreadable", message: "cannot tell whether a loop device over the image stops dockstore provision: \(message(error))"))
                    }
                }
                do {
                    if let bare = try DockerOnBareFolder.find(host: host, mountpoint: mountpoint, dataRootElsewhere: store.dockerdSettings.map(\.dataRootElsewhere), hidden: hidden) {
                        report = CapacityReport(without: bare, mountpoint: mountpoint, timestamp: timestamp)
                    }
                } catch {
                    report.add(CapacityReason(state: .unknown, figure: "unreadable", message: "cannot tell whether a dockerd runs on the bare folder \(mountpoint): \(message(error))"))
                }
            } else if case .read(let type?) = store.mountedType, type != "btrfs" {
                // The bare folder bound onto itself by a dockerd started on it (attack 42 Q F5).
                do {
                    if let bare = try DockerOnBareFolder.findBehindItsBind(host: host, mountpoint: mountpoint, dataRootElsewhere: store.dockerdSettings.map(\.dataRootElsewhere)) {
                        report = CapacityReport(without: bare, mountpoint: mountpoint, timestamp: timestamp)
                    }
                } catch {
                    report.add(CapacityReason(state: .unknown, figure: "unreadable", message: "cannot tell whether a dockerd runs on the bare folder \(mountpoint) bound onto itself: \(message(error))"))
                }
            }
        }
        if unsteady {
            report.add(CapacityReason(state: .unknown, figure: "unreadable",
                message: "the mounts at \(mountpoint) kept changing while check read the store (\(probeTries) reads), so what it read may be stale; run check again once nothing mounts or unmounts there"))
        }
        writeTextfile(&report, options, host: host)
        print(report, options.format, policy: policy)
        return report.state.rawValue
    }

    /// The store's figures, read again (up to `probeTries` in all) while they are not OK and a
    /// mount came or went as they were read: a store unmounted between the mount table's read
    /// and its device's size was CRITICAL "the device holds only 0 B" (a loop device detached
    /// after its last unmount). `store` is the first observation, made again for each try.
    /// `unsteady`: every try saw a mount come or go, and either the mounts at or above the
    /// mountpoint differed between two reads (attack 50 T B3: "not mounted" of a store a bind
    /// mount came and went over) or the last try's btrfs ioctl on the mountpoint reached no
    /// btrfs (ENOTTY) though the table listed it there, a cover come and gone between the two
    /// reads (the harness's ci of a50077a): the verdict is then said to be of a moving table.
    static func probe(_ store: StoreObservation, watched: MountTableChange?, _ options: CheckOptions, host: Host, policy: CapacityPolicy,
                      timestamp: Double) -> (store: StoreObservation, figures: Result<CapacityFigures, Error>, unsteady: Bool) {
        var store = store
        var tries = 0
        var seen = MountTableChange.WatchedMounts.readable([store.mountpoint])
        var moved = false
        var change = watched
        while true {
            tries += 1
            let figures = Result { () throws -> CapacityFigures in
                let figures = try CapacityProbe.read(store)
                if let why = NotTheStore.reason(figures, configuredImage: store.configuredImage) { throw DockStoreError.refused(why) }
                return figures
            }
            if case .success(let read) = figures, CapacityReport(figures: read, policy: policy, timestamp: timestamp).state == .ok { return (store, figures, false) }
            guard change?.happened == true else { return (store, figures, false) }
            let now = MountTableChange.WatchedMounts.readable([store.mountpoint])
            if let now, let before = seen, now != before { moved = true }
            seen = now
            guard tries < probeTries else { return (store, figures, moved || reachedNoBtrfs(figures)) }
            change = MountTableChange()
            switch Result(catching: { try StoreObserver.checkView(host: host, mountpoint: options.mountpoint, sysfs: "/sys") }) {
            case .success(let again): store = again
            case .failure: return (store, figures, false)
            }
        }
    }

    static let probeTries = 4

    /// The read failed because a btrfs ioctl on the mountpoint reached another filesystem.
    static func reachedNoBtrfs(_ figures: Result<CapacityFigures, Error>) -> Bool {
        guard case .failure(let error) = figures else { return false }
        return (error as? DockStoreError)?.code == Errno.inappropriateIOCTLForDevice
    }

    /// A run that stopped before it could read the store (a bad argument, an unreadable or bad
    /// settings file): UNKNOWN, printed in the requested format and written to the textfile
    /// like every run's result (dockstore-check(8): every run writes the same metric names,
    /// UNKNOWN included), so the textfile never keeps an older OK. Labelled with the mountpoint
    /// a good run would use where it can be told (--mountpoint, else the default, inside --root).
    static func unknown(_ error: Error, _ options: CheckOptions, host: Host?, timestamp: Double) -> Int32 {
        var text = message(error)
        if (error as? DockStoreError)?.code == Errno.permissionDenied { text += "; check ran as \(CurrentUser.describe())" }
        var mountpoint = options.mountpoint ?? HostPaths.defaultMountpoint.string
        if let host {
            do {
                mountpoint = host.realFollowing(try HostPath(mountpoint, what: "--mountpoint"))
            } catch {
                // A --mountpoint that is no path is labelled as given (the reason says why).
            }
        }
        var report = CapacityReport(unknown: text, mountpoint: mountpoint, timestamp: timestamp)
        // Without --root's tree (a bad --root) the textfile's folder is not known.
        if let host { writeTextfile(&report, options, host: host) }
        print(report, options.format, policy: nil)
        return report.state.rawValue
    }

    /// DIR/dockstore.prom, written atomically; a write that fails is UNKNOWN in the report.
    static func writeTextfile(_ report: inout CapacityReport, _ options: CheckOptions, host: Host) {
        guard let textfile = options.textfile else { return }
        var target = textfile + "/dockstore.prom"
        do {
            let file = try HostPath(textfile, what: "--textfile").appending("dockstore.prom")
            target = host.real(file)
            try AtomicFile.write(file, on: host, Array(report.prometheus().utf8), mode: 0o644)
        } catch {
            let why = "cannot write the textfile \(target): \(message(error)); check ran as \(CurrentUser.describe())"
            report.add(CapacityReason(state: .unknown, figure: "textfile", message: why))
            // The exposition format carries only reason="textfile": say what failed on stderr.
            if options.format == "prometheus" { Output.error(why) }
        }
    }

    static func print(_ report: CapacityReport, _ format: String, policy: CapacityPolicy?) {
        switch format {
        case "json":
            do {
                Output.line(try report.json())
            } catch {
                Output.line("{\"state\" : 3, \"error\" : \"cannot encode the report as JSON\"}")
            }
        case "prometheus": Output.emitRaw(report.prometheus())
        default: Output.line(report.nagios(policy: policy))
        }
    }

    static func message(_ error: Error) -> String { (error as? DockStoreError)?.message ?? "\(error)" }
}
