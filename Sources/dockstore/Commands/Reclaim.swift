import ArgumentParser
import DockStoreCore

extension Dockstore {
    /// On this branch only `--orphans`; the balance side of reclaim is written elsewhere and
    /// takes this file's place, keeping the flag and the dispatch below.
    struct Reclaim: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Give Docker's btrfs store its space back; --orphans deletes subvolumes no layer or container uses.",
            discussion: "--orphans deletes a subvolume only while no dockerd uses the store, or when it is older than dockerd's start and nothing refers to it."
        )

        @OptionGroup var global: GlobalOptions

        @Option(name: .long, help: ArgumentHelp("Where Docker's storage is mounted (default DOCKSTORE_MOUNTPOINT, else /var/lib/docker).", valueName: "path"))
        var mountpoint: String?

        @Flag(name: .long, help: "Delete the subvolumes of Docker's btrfs driver that no layer, container or image refers to.")
        var orphans = false

        @OptionGroup var change: ChangeOptions

        func run() throws {
            guard orphans else {
                throw DockStoreError.usage("on this branch only --orphans: dockstore reclaim --orphans [--dry-run]")
            }
            let host = try global.host()
            let target = host.real(try MountpointOption.resolve(mountpoint, host: host))
            let lock = try change.begin(host, "reclaim --orphans deletes subvolumes")
            try ReclaimOrphans(host: host, mountpoint: target, dryRun: change.dryRun).run()
            withExtendedLifetime(lock) {}
        }
    }
}
