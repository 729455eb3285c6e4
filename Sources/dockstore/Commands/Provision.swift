import ArgumentParser
import DockStoreCore

extension Dockstore {
    struct Provision: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create, format and mount Docker's btrfs image store; safe to run on every boot.",
            discussion: """
                Creates the thin image (default 100 GiB), formats it btrfs (label docker), mounts it at \
                the mountpoint through a loop device, writes one fstab line, the docker.service drop-in \
                and selects the btrfs driver in DOCKER_OPTS. A run with everything in place changes nothing.
                """
        )

        @OptionGroup var global: GlobalOptions
        @OptionGroup var store: StoreOptions

        @Option(name: .long, help: ArgumentHelp("Apparent size of a new image: 100G, 100GiB, 512M, 1TB or bytes.", valueName: "size"))
        var size: String?

        @Flag(name: .long, help: "Preallocate the image (fallocate) so the host can never run out under it.")
        var thick = false

        @Option(name: .long, help: ArgumentHelp("Put the store on this device instead: /dev/xvdf, /dev/nvme1n1, /dev/disk/by-id/…, or an EBS volume id vol-….", valueName: "dev"))
        var device: String?

        @Option(name: .long, help: ArgumentHelp("Refuse a device whose EBS serial names another volume.", valueName: "vol-id"))
        var volumeId: String?

        @Option(name: .customLong("fs"), help: ArgumentHelp("Filesystem for --device: btrfs (default), or xfs/ext4 with the overlay2 driver.", valueName: "type"))
        var filesystem: String?

        @Flag(name: .long, help: "With --device: format even though it holds signatures (they are wiped). Never overrides mounted, in use, root disk or read-only.")
        var force = false

        @Option(name: .long, help: ArgumentHelp("With --device: seconds to wait for the device to appear (default 60).", valueName: "seconds"))
        var wait: Double?

        @Option(name: .long, help: ArgumentHelp("Extra mount options for the fstab line, comma separated.", valueName: "options"))
        var mountOptions: String?

        @OptionGroup var change: ChangeOptions

        @Flag(name: .long, help: .hidden)
        var printSettingsTemplate = false

        func run() throws {
            if change.listFailpoints {
                ProvisionStep.failpoints(device: device != nil).forEach { Output.line($0) }
                return
            }
            if printSettingsTemplate {
                Output.emitRaw(ProvisionSettings.template)
                return
            }
            let host = try global.host()
            let paths = try store.paths(host)
            try ForeignTreeMount.refuse(host: host, paths: [paths.mountpoint, paths.image])
            let choices = try flags.choices(over: try paths.settings.value())
            let (request, redirected) = try choices.request(host: host, paths: paths)
            if let redirected { Output.warning(redirected) }
            // The device's lock before anything is looked at (a dry run takes none, as it takes no run lock).
            let claim = try change.mayChange("provision changes mounts and system files")
                ? Provisioner.claimDevice(request, timeout: change.lockTimeout, waiting: ChangeOptions.waiting) : nil
            let provisioner = Provisioner(host: host, request: request, settings: paths.settings, claim: claim)

            // A refusal or nothing to do creates no lock file; a retired image to remove is a change.
            let retired = RetiredImage(host: host, image: paths.image)
            let (lock, sweep, plan) = try change.planned(host, "provision changes mounts and system files", unfinishedImage: false,
                                                         watching: [host.real(request.mountpoint)], changes: {
                !$0.isEmpty || leavesRetiredImage(retired)
            }) {
                let plan = try provisioner.plan(try provisioner.observeSettled())
                if change.preflights { try provisioner.preflight(plan) }
                return plan
            }
            if lock != nil { removeRetiredImage(retired) }
            plan.warnings.forEach { Output.warning($0) }
            let target = host.real(request.mountpoint)
            let show = StepShow<ProvisionStep>(
                nothingToDo: "Docker's storage is in place: \(store(request, host)) mounted at \(target); nothing to do.",
                title: ["Plan for \(target) (dry run, nothing changed):"], text: { $0.describe(request, host) })
            guard try StepCommand.run(plan.steps, dryRun: change.dryRun, show: show, sweep: sweep,
                                      apply: { try provisioner.apply(plan, sweeping: sweep, progress: $0) }) else {
                if !change.dryRun { warnOfOpenMigration(host, imageInStore: !request.followsMigration) }
                return
            }
            ProvisionPlanner.mountedRootWarnings(plan.steps, mountpoint: target).forEach { Output.warning($0) }
            Output.line("Docker's storage is ready: \(store(request, host)) mounted at \(target).")
            warnOfOpenMigration(host, imageInStore: !request.followsMigration)
            withExtendedLifetime((lock, claim)) {}
        }

        /// An open migration journal is said at every run that got this far, in the boot journal too.
        /// Past the point of return (provision followed the migration to its volume) no abort is offered.
        func warnOfOpenMigration(_ host: Host, imageInStore: Bool) {
            do {
                if let journal = try MigrationJournal.read(host: host) { Output.warning(journal.openNotice(imageInStore: imageInStore)) }
            } catch let error as DockStoreError {
                Output.warning(error.message)
            } catch {
                Output.warning("cannot read \(host.real(MigrationJournal.path)): \(error)")
            }
        }

        /// An image a migration renamed and did not get to unlink (a crash, a reboot): removed
        /// now. One that cannot be removed is a warning; it never stops the store coming up.
        func removeRetiredImage(_ retired: RetiredImage) {
            let host = retired.host
            do {
                if try retired.sweep(background: false) {
                    Output.line("Removed \(host.real(retired.path)), the image a migration let go of.")
                }
            } catch let error as DockStoreError {
                Output.warning(error.message)
            } catch {
                Output.warning("cannot remove \(host.real(retired.path)): \(error)")
            }
        }

        /// Whether a retired image waits to be removed, a change that needs the lock; one that
        /// cannot be looked at counts too, and its removal then says why it cannot.
        func leavesRetiredImage(_ retired: RetiredImage) -> Bool {
            do {
                return try retired.leftover() != .none
            } catch {
                return true
            }
        }

        func store(_ request: ProvisionRequest, _ host: Host) -> String {
            request.device?.spec.description ?? host.real(request.image)
        }

        /// The flags as typed; `ProvisionFlags.choices(over:)` combines them with the settings.
        var flags: ProvisionFlags {
            ProvisionFlags(size: size, thick: thick, device: device, volumeID: volumeId, filesystem: filesystem,
                           force: force, wait: wait, mountOptions: mountOptions)
        }
    }
}
