import ArgumentParser
import DockStoreCore

extension Dockstore {
    struct Grow: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Grow a mounted btrfs store online: the image (--to SIZE) or a device enlarged by EBS Elastic Volumes.",
            discussion: "Never shrinks. An image growth the host cannot back is refused unless --allow-overcommit."
        )

        @OptionGroup var global: GlobalOptions

        @Option(name: .long, help: ArgumentHelp("Where Docker's storage is mounted (default DOCKSTORE_MOUNTPOINT, else /var/lib/docker).", valueName: "path"))
        var mountpoint: String?

        @Option(name: .long, help: ArgumentHelp("New apparent size of the image: 200G, 1TiB, bytes (without it, an interrupted grow is finished).", valueName: "size"))
        var to: String?

        @Flag(name: .long, help: "Grow the image even though the host filesystem cannot back it all.")
        var allowOvercommit = false

        @OptionGroup var change: ChangeOptions

        func run() throws {
            if change.listFailpoints {
                GrowStep.Kind.ids.forEach { Output.line($0) }
                return
            }
            let host = try global.host()
            let (given, settings) = try StorePaths.mountpoint(host: host, given: mountpoint)
            try ForeignTreeMount.refuse(host: host, paths: [given])
            // A link at the mountpoint is read inside --root, never out to the host's folder.
            let target = host.realFollowing(given)
            let size = try to.map { try ByteSize.parse($0, what: "--to") }
            let grower = Grower(host: host, mountpoint: target, settings: settings, given: given)
            // A refusal or nothing to do creates no lock file (`LockedPlanning`).
            let (lock, sweep, (steps, warnings)) = try change.planned(host, "grow resizes the store", watching: [target], changes: { !$0.0.isEmpty }) {
                try GrowPlanner.plan(try grower.observe(target: size), to: size, allowOvercommit: allowOvercommit)
            }
            warnings.forEach { Output.warning($0) }
            let show = StepShow<GrowStep>(
                nothingToDo: "\(target) already uses all of its \(size == nil ? "device" : "image"); nothing to do.",
                title: ["Plan for \(target) (dry run, nothing changed):"], text: \.description)
            try StepCommand.run(steps, dryRun: change.dryRun, show: show, sweep: sweep) { try grower.apply(steps, sweeping: sweep, progress: $0) }
            withExtendedLifetime(lock) {}
        }
    }
}
