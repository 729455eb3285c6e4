import ArgumentParser
import DockStoreCore
#if canImport(Glibc)
import Glibc
#endif

extension Dockstore {
    struct Teardown: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Take Docker's storage down: the reverse of provision.",
            discussion: """
                Refuses while dockerd runs unless --stop-docker. Unmounts, detaches the loop device, removes \
                dockstore's fstab line, the docker.service drop-in and the storage flags in DOCKER_OPTS. The \
                image is deleted only with --delete-image; a device's signatures are wiped only with --wipe-device.
                """
        )

        @OptionGroup var global: GlobalOptions
        @OptionGroup var store: StoreOptions

        @Flag(name: .long, help: "Stop dockerd first (systemctl stop docker, or SIGTERM to its pidfile's process).")
        var stopDocker = false

        @Flag(name: .long, help: "Delete the image file too.")
        var deleteImage = false

        @Flag(name: .long, help: "Wipe the device's signatures (like wipefs -a) after unmounting it.")
        var wipeDevice = false

        @OptionGroup var change: ChangeOptions

        func run() throws {
            if change.listFailpoints {
                TeardownStep.allIDs.forEach { Output.line($0) }
                return
            }
            let host = try global.host()
            let paths = try store.paths(try ProvisionSettings.load(host: host))
            let lock = try change.begin(host, "teardown unmounts and rewrites system files")
            let request = TeardownRequest(image: paths.image, mountpoint: paths.mountpoint, stopDocker: stopDocker,
                                          deleteImage: deleteImage, wipeDevice: wipeDevice)
            let teardowner = Teardowner(host: host, request: request)
            let steps = try TeardownPlanner.plan(try teardowner.observe(), request, host)
            if steps.isEmpty {
                Output.line("Nothing of Docker's storage is set up at \(host.real(paths.mountpoint)); nothing to do.")
                return
            }
            if change.dryRun {
                Output.line("Plan (dry run, nothing changed):")
                for (n, step) in steps.enumerated() { Output.line("  \(n + 1). [\(step.id)] \(step.describe(host))") }
                return
            }
            try teardowner.apply(steps) { Output.line("[\($0.id)] \($0.describe(host))") }
            if !deleteImage, try FileStatus.of(host.real(paths.image)) != nil {
                Output.line("The image \(host.real(paths.image)) is kept; delete it with --delete-image.")
            }
            withExtendedLifetime(lock) {}
        }
    }
}
