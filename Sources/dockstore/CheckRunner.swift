import DockStoreCore
#if canImport(Glibc)
import Glibc
#endif

/// Runs a check and prints it; returns the Nagios exit status.
enum CheckRunner {
    static func run(_ options: CheckOptions) -> Int32 {
        let policy: CapacityPolicy
        let host: Host
        let target: HostPath
        do {
            policy = try CapacityPolicy(dataWarning: options.warning, dataCritical: options.critical,
                                        metadataWarning: options.metadataWarning, metadataCritical: options.metadataCritical,
                                        unallocatedWarning: options.unallocatedWarning,
                                        unallocatedCritical: options.unallocatedCritical,
                                        hostWarning: options.hostWarning, hostCritical: options.hostCritical)
            host = try Host(root: options.root)
            target = try HostPath(options.mountpoint, what: "--mountpoint")
        } catch {
            // The plugin guidelines: bad arguments are UNKNOWN, not a usage exit code.
            Output.line("DOCKSTORE UNKNOWN - \((error as? DockStoreError)?.message ?? "\(error)")")
            return CheckState.unknown.rawValue
        }
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        let timestamp = Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
        let report: CapacityReport
        do {
            report = CapacityReport(figures: try CapacityProbe.read(mountpoint: host.real(target)), policy: policy,
                                    timestamp: timestamp)
        } catch {
            report = CapacityReport(unknown: (error as? DockStoreError)?.message ?? "\(error)", timestamp: timestamp)
        }
        if let textfile = options.textfile {
            do {
                let folder = try HostPath(textfile, what: "--textfile")
                try AtomicFile.write(host.real(folder) + "/dockstore.prom", Array(report.prometheus().utf8), mode: 0o644)
            } catch {
                Output.line("DOCKSTORE UNKNOWN - \((error as? DockStoreError)?.message ?? "\(error)")")
                return CheckState.unknown.rawValue
            }
        }
        switch options.format {
        case "json": Output.line((try? report.json()) ?? "{}")
        case "prometheus": Output.emitRaw(report.prometheus())
        default: Output.line(report.nagios(policy: policy))
        }
        return report.state.rawValue
    }
}
