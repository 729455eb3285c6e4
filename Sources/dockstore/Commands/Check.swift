import ArgumentParser
import DockStoreCore

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

        @Option(name: .long, help: ArgumentHelp("Where Docker's storage is mounted (default DOCKSTORE_MOUNTPOINT, else /var/lib/docker).", valueName: "path"))
        var mountpoint: String?

        @Option(name: .long, help: "nagios (default), json or prometheus.")
        var format: Format = .nagios

        @Option(name: .long, help: ArgumentHelp("Also write DIR/dockstore.prom atomically for node_exporter's textfile collector.", valueName: "dir"))
        var textfile: String?

        @Option(name: .long, help: ArgumentHelp("Where check keeps the device error counters it saw last, to tell a rise (default /var/lib/dockstore/device-errors; read on every run, written when the counters changed, zeros after a reset too).", valueName: "file"))
        var stateFile: String = DeviceErrorLedger.defaultPath.string

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

        @Option(name: .long, help: ArgumentHelp("How long new device errors stay CRITICAL after a check first saw them rise, for every check reading the --state-file (default 24h; s, m, h or d; 0: only the run that saw them).", valueName: "span"))
        var errorHold: String?

        func run() throws {
            var options = CheckOptions()
            options.root = global.root
            options.mountpoint = mountpoint
            options.format = format.rawValue
            options.textfile = textfile
            options.stateFile = stateFile
            options.warning = warning
            options.critical = critical
            options.metadataWarning = metadataWarning
            options.metadataCritical = metadataCritical
            options.unallocatedWarning = unallocatedWarning
            options.unallocatedCritical = unallocatedCritical
            options.hostWarning = hostWarning
            options.hostCritical = hostCritical
            options.errorHold = errorHold
            let status = CheckRunner.run(options)
            if status != 0 { throw ExitCode(status) }
        }
    }
}
