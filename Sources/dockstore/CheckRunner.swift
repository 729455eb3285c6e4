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
        let store: StoreObservation
        do {
            host = try Host(root: options.root)
            store = try StoreObserver.checkView(host: host, mountpoint: options.mountpoint, sysfs: "/sys")
            policy = try CapacityPolicy(dataWarning: options.warning, dataCritical: options.critical,
                                        metadataWarning: options.metadataWarning, metadataCritical: options.metadataCritical,
                                        unallocatedWarning: options.unallocatedWarning,
                                        unallocatedCritical: options.unallocatedCritical,
                                        hostWarning: options.hostWarning, hostCritical: options.hostCritical)
        } catch {
            // The plugin guidelines: bad arguments are UNKNOWN, not a usage exit code.
            let report = CapacityReport(unknown: message(error), mountpoint: options.mountpoint ?? HostPaths.defaultMountpoint.string,
                                        timestamp: timestamp)
            print(report, options.format, policy: nil)
            return report.state.rawValue
        }
        let mountpoint = store.mountpoint
        var report: CapacityReport
        do {
            var figures = try CapacityProbe.read(store)
            if figures.filesystem == "btrfs" {
                figures.orphans = OrphanTallyCache.count(dataRoot: mountpoint, cacheFile: OrphanTallyCache.defaultPath, on: host,
                                                         limit: OrphanTally.checkLimit, now: timestamp)
            }
            figures.maintenance = MaintenanceRecord.read(host: host, fsid: figures.uuid)
            figures.remedyContext = RemedyContext.read(host: host, figures: figures)
            if !(figures.maintenance?.unreadable.isEmpty ?? true) { figures.condition.user = CurrentUser.describe() }
            var record: [String: DeviceErrorCounters]? = nil
            let ledger = try HostPath(options.stateFile, what: "--state-file")
            if DeviceErrorLedger.needed(figures) {
                figures.condition.errorBaseline = DeviceErrorLedger.load(ledger, on: host)
                if case .unreadable = figures.condition.errorBaseline { figures.condition.user = CurrentUser.describe() }
                record = DeviceErrorLedger.updated(figures)
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
        }
        if let textfile = options.textfile {
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
        print(report, options.format, policy: policy)
        return report.state.rawValue
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
