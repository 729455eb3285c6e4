import ArgumentParser
import DockStoreCore
#if canImport(Glibc)
import Glibc
#endif

extension Dockstore {
    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "A Nagios/Prometheus capacity check that sees btrfs metadata exhaustion and an overcommitted image.",
            discussion: """
                Reads the kernel directly (btrfs ioctls, /sys/fs/btrfs, statfs, stat), spawns no process and takes \
                no lock. Thresholds are Nagios ranges on free space: 20%: alerts below 20%, 10G: below 10 GiB. \
                Exit status 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.
                """
        )

        enum Format: String, ExpressibleByArgument, CaseIterable { case nagios, json, prometheus }

        @OptionGroup var global: GlobalOptions

        @Option(name: .long, help: ArgumentHelp("Where Docker's storage is mounted.", valueName: "path"))
        var mountpoint: String = HostPaths.defaultMountpoint.string

        @Option(name: .long, help: "nagios (default), json or prometheus.")
        var format: Format = .nagios

        @Option(name: .long, help: ArgumentHelp("Also write DIR/dockstore.prom atomically for node_exporter's textfile collector.", valueName: "dir"))
        var textfile: String?

        @Option(name: [.customShort("w"), .long], help: ArgumentHelp("Data free warning range (default 20%:).", valueName: "range"))
        var warning: String = "20%:"

        @Option(name: [.customShort("c"), .long], help: ArgumentHelp("Data free critical range (default 10%:).", valueName: "range"))
        var critical: String = "10%:"

        @Option(name: .long, help: ArgumentHelp("Metadata free warning range, of metadata size (default 25%:).", valueName: "range"))
        var metadataWarning: String = "25%:"

        @Option(name: .long, help: ArgumentHelp("Metadata free critical range (default 10%:).", valueName: "range"))
        var metadataCritical: String = "10%:"

        @Option(name: .long, help: ArgumentHelp("Unallocated warning range (default: two metadata chunks).", valueName: "range"))
        var unallocatedWarning: String?

        @Option(name: .long, help: ArgumentHelp("Unallocated critical range (default: one metadata chunk).", valueName: "range"))
        var unallocatedCritical: String?

        @Option(name: .long, help: ArgumentHelp("Host free warning range for an image, of data capacity (default: --warning).", valueName: "range"))
        var hostWarning: String?

        @Option(name: .long, help: ArgumentHelp("Host free critical range (default: --critical).", valueName: "range"))
        var hostCritical: String?

        func run() throws {
            let policy: CapacityPolicy
            let host: Host
            let target: HostPath
            do {
                policy = try CapacityPolicy(dataWarning: warning, dataCritical: critical, metadataWarning: metadataWarning,
                                            metadataCritical: metadataCritical, unallocatedWarning: unallocatedWarning,
                                            unallocatedCritical: unallocatedCritical, hostWarning: hostWarning,
                                            hostCritical: hostCritical)
                host = try global.host()
                target = try HostPath(mountpoint, what: "--mountpoint")
            } catch let error as DockStoreError {
                // The plugin guidelines: bad arguments are UNKNOWN, not a usage exit code.
                Output.line("DOCKSTORE UNKNOWN - \(error.message)")
                throw ExitCode(CheckState.unknown.rawValue)
            }
            var now = timespec()
            clock_gettime(CLOCK_REALTIME, &now)
            let timestamp = Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
            let report: CapacityReport
            do {
                let figures = try CapacityProbe.read(mountpoint: host.real(target))
                report = CapacityReport(figures: figures, policy: policy, timestamp: timestamp)
            } catch let error as DockStoreError {
                report = CapacityReport(unknown: error.message, timestamp: timestamp)
            }
            if let textfile {
                let folder = try HostPath(textfile, what: "--textfile")
                let path = host.real(folder) + "/dockstore.prom"
                do {
                    try AtomicFile.write(path, Array(report.prometheus().utf8), mode: 0o644)
                } catch let error as DockStoreError {
                    Output.line("DOCKSTORE UNKNOWN - \(error.message)")
                    throw ExitCode(CheckState.unknown.rawValue)
                }
            }
            switch format {
            case .nagios: Output.line(report.nagios(policy: policy))
            case .json: Output.line(try report.json())
            case .prometheus: Output.emitRaw(report.prometheus())
            }
            if report.state != .ok { throw ExitCode(report.state.rawValue) }
        }
    }
}
