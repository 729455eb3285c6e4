import ArgumentParser
import DockStoreCore
#if canImport(Glibc)
import Glibc
#endif

extension Dockstore {
    struct Grow: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Grow a mounted btrfs store online: the image (--to SIZE) or a device enlarged by EBS Elastic Volumes.",
            discussion: "Never shrinks. An image growth the host cannot back is refused unless --allow-overcommit."
        )

        @OptionGroup var global: GlobalOptions

        @Option(name: .long, help: ArgumentHelp("Where Docker's storage is mounted.", valueName: "path"))
        var mountpoint: String = HostPaths.defaultMountpoint.string

        @Option(name: .long, help: ArgumentHelp("New apparent size of the image: 200G, 1TiB, bytes.", valueName: "size"))
        var to: String?

        @Flag(name: .long, help: "Grow the image even though the host filesystem cannot back it all.")
        var allowOvercommit = false

        @Flag(name: .long, help: "Print the plan and change nothing.")
        var dryRun = false

        @Option(name: .long, help: ArgumentHelp("Seconds to wait for another dockstore run to finish.", valueName: "seconds"))
        var lockTimeout: Double = 60

        @Flag(name: .long, help: .hidden)
        var listFailpoints = false

        func run() throws {
            if listFailpoints {
                GrowStep.allIDs.forEach { Output.line($0) }
                return
            }
            let host = try global.host()
            let target = host.real(try HostPath(mountpoint, what: "--mountpoint"))
            let size = try to.map { try ByteSize.parse($0, what: "--to") }
            if !dryRun && geteuid() != 0 {
                throw DockStoreError.refused("grow resizes the store: run it as root (or look first with --dry-run)")
            }
            let lock: FileLock? = dryRun ? nil : try FileLock(path: host.real(HostPaths.lock), timeout: lockTimeout,
                                                               waiting: { Output.warning($0) })
            let grower = Grower(mountpoint: target)
            let (steps, warnings) = try GrowPlanner.plan(try grower.observe(), to: size, allowOvercommit: allowOvercommit)
            warnings.forEach { Output.warning($0) }
            if steps.isEmpty {
                Output.line("\(target) already uses all of its \(size == nil ? "device" : "image"); nothing to do.")
                return
            }
            if dryRun {
                Output.line("Plan for \(target) (dry run, nothing changed):")
                for (n, step) in steps.enumerated() { Output.line("  \(n + 1). [\(step.id)] \(step.description)") }
                return
            }
            try grower.apply(steps) { Output.line("[\($0.id)] \($0.description)") }
            withExtendedLifetime(lock) {}
        }
    }
}
