import ArgumentParser
import DockStoreCore

extension Dockstore {
    struct Teardown: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Take Docker's storage down: the reverse of provision.",
            discussion: """
                Refuses while dockerd runs unless --stop-docker. Unmounts, detaches the loop device, removes \
                dockstore's fstab line, the docker.service drop-in and the storage flags in DOCKER_OPTS. The \
                image, and the IMAGE.dockstore-new or IMAGE.dockstore-deleted a killed provision or move left beside \
                it, are deleted only with --delete-image; a device's signatures are wiped only with --wipe-device.
                """
        )

        @OptionGroup var global: GlobalOptions
        @OptionGroup var store: StoreOptions

        @Flag(name: .long, help: "Stop dockerd first (systemctl stop docker, or SIGTERM to its pidfile's process).")
        var stopDocker = false

        @Flag(name: .long, help: "Delete the image file too, and the unfinished or retired image a killed run left beside it.")
        var deleteImage = false

        @Flag(name: .long, help: "Wipe the device's signatures (like wipefs -a) after unmounting it.")
        var wipeDevice = false

        @OptionGroup var change: ChangeOptions

        func run() throws {
            if change.listFailpoints {
                TeardownStep.failpoints.forEach { Output.line($0) }
                return
            }
            let host = try global.host()
            let paths = try store.paths(host)
            try ForeignTreeMount.refuse(host: host, paths: [paths.mountpoint, paths.image])
            let request = TeardownRequest(image: paths.image, mountpoint: paths.mountpoint, stopDocker: stopDocker,
                                          deleteImage: deleteImage, wipeDevice: wipeDevice)
            let teardowner = Teardowner(host: host, request: request, settings: paths.settings)
            // A refusal or nothing to do creates no lock file (`LockedPlanning`).
            let (lock, sweep, planned) = try change.planned(host, "teardown unmounts and rewrites system files", unfinishedImage: false, watching: [host.real(paths.mountpoint)], changes: { !$0.steps.isEmpty }) {
                let observed = try teardowner.observe()
                let steps = try TeardownPlanner.plan(observed, request, host)
                // The write preflight in the plan: its refusal takes no lock (attack 30, 4).
                if change.preflights { try StepEngine.preflight(steps, in: teardowner) }
                return (steps: steps, kept: TeardownPlanner.keptLeftovers(observed, request, host)
                            + [TeardownPlanner.wipeNote(observed, request, host), try TeardownPlanner.configurationNote(observed, request, host),
                               TeardownPlanner.relinkNote(observed, request, host)].compactMap { $0 })
            }
            let steps = planned.steps
            // The leftovers beside the image it keeps, and that --wipe-device found nothing left
            // to wipe, said whatever the plan (nothing to do, a dry run).
            defer { planned.kept.forEach { Output.line($0) } }
            let show = StepShow<TeardownStep>(
                nothingToDo: "Nothing of Docker's storage is set up at \(host.real(paths.mountpoint)); nothing to do.",
                title: ["Plan (dry run, nothing changed):"], text: { $0.describe(host) })
            guard try StepCommand.run(steps, dryRun: change.dryRun, show: show, sweep: sweep, apply: { report in
                try teardowner.apply(steps, sweeping: sweep, progress: report, kept: { Output.line("[folders] \($0)") })
            }) else {
                return
            }
            if !deleteImage, try host.statusInRoot(paths.image) != nil {
                // Attack 40 S F2: after migrate-ebs --keep-image the file holds no store, and
                // --delete-image refuses it: the hint says so instead of sending the admin there.
                if case .signature("btrfs", _, "docker"?) = BlockProbe.probe(host.real(paths.image)) {
                    Output.line("The image \(host.real(paths.image)) is kept; delete it with --delete-image.")
                } else {
                    Output.line("The file \(host.real(paths.image)) is kept: it holds no store (\(BlockProbe.probe(host.real(paths.image)).summary)), so teardown --delete-image does not delete it; remove it yourself once you no longer need its bytes.")
                }
            }
            withExtendedLifetime(lock) {}
        }
    }
}
