import ArgumentParser
import DockStoreCore

extension Dockstore {
    struct MigrateEBS: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "migrate-ebs",
            abstract: "Move Docker's storage from the loopback image onto an EBS volume, online, keeping every layer.",
            discussion: """
                Shrinks the image's btrfs device to DEVICE's size where it is larger, replaces it with DEVICE \
                (the kernel's device replace copies device extents: subvolumes, snapshots and shared extents stay as \
                they are, the UUID does not change, and the time does not grow with the number of layers), then grows \
                onto the whole device, switches fstab to UUID=, detaches the loop device and deletes the image (renamed to \
                IMAGE.dockstore-deleted at once and unlinked after the move reports done). Where \
                replace cannot serve (a store already spanning several devices, a migration begun by an older \
                dockstore, a kernel that refuses replace) it adds DEVICE and removes the loop device instead; the plan \
                names the method and why.
                """
        )

        @OptionGroup var global: GlobalOptions
        @OptionGroup var store: StoreOptions

        @Argument(help: ArgumentHelp("The EBS volume: /dev/xvdf, /dev/nvme1n1, /dev/disk/by-id/… or vol-….", valueName: "device"))
        var device: String?

        @Option(name: .long, help: ArgumentHelp("Refuse a device whose EBS serial names another volume.", valueName: "vol-id"))
        var volumeId: String?

        @Flag(name: .long, help: "Keep the image file after the move (no longer a mountable filesystem: not a copy to go back to).")
        var keepImage = false

        @Flag(name: .long, help: "Do not ask for confirmation (needed without a terminal).")
        var yes = false

        @Flag(name: .long, help: "While the image is still part of the store: move everything back onto it and release DEVICE.")
        var abort = false

        @Option(name: .long, help: ArgumentHelp("Seconds to wait for the device to appear (default 60).", valueName: "seconds"))
        var wait: Double = DeviceRequest.defaultWait

        @OptionGroup var change: ChangeOptions

        func run() throws {
            let profile = PhaseProfile.fromEnvironment()
            let forced = try forcedMethod()
            if change.listFailpoints {
                let method = forced ?? .replace
                (abort ? method.abortFailpoints : method.failpoints).forEach { Output.line($0) }
                return
            }
            let host = try global.host()
            let paths = try store.paths(host)
            try ForeignTreeMount.refuse(host: host, paths: [paths.mountpoint, paths.image])
            guard let device else {
                throw DockStoreError.usage("migrate-ebs needs the DEVICE to move the store onto: /dev/xvdf, /dev/nvme1n1 or vol-…")
            }
            let spec = try DeviceSpec(device, what: "DEVICE")
            let wanted = try volumeId.map { try EBSVolumeID(parsing: $0, what: "--volume-id") }
            let request = try DeviceRequest(spec: spec, volumeID: wanted, wait: wait)
            let migrator = Migrator(host: host, mountpoint: paths.mountpoint, image: paths.image, settings: paths.settings)
            let retired = RetiredImage(host: host, image: paths.image)
            // A target that is not there yet would be waited for (its claim, its node): nothing
            // mounted is said at once instead. One that is there is judged first, as given.
            if try DeviceResolver().resolve(spec).map({ try FileStatus.following($0.path) != nil }) != true {
                try migrator.refuseUnmounted(abort: abort)
            }
            // The target's lock (`DeviceClaim`), before the run lock as provision takes them, held
            // until the run ends: a `provision --device` of the same device from any --root, or
            // `mkfs --lock`, waits for the move or has finished before it is observed.
            let claim = try change.mayChange("migrate-ebs changes the store's devices")
                ? Migrator.claimTarget(request, timeout: change.lockTimeout, waiting: ChangeOptions.waiting) : nil
            // A refusal or nothing to do creates no lock file (`LockedPlanning`); an open journal
            // (it may be upgraded) or a retired image to free is a change.
            let (lock, sweep, planned) = try change.planned(host, "migrate-ebs changes the store's devices", watching: [host.real(paths.mountpoint)], changes: {
                !$0.steps.isEmpty || $0.observed.journal != nil || (!abort && leavesRetiredImage(retired))
            }) {
                let resolved = try DeviceResolver().waitFor(spec, timeout: request.wait)
                if let wanted {
                    guard let actual = resolved.volumeID else {
                        throw DockStoreError.refused("refusing: \(resolved.label) has no EBS volume id to check against \(wanted)")
                    }
                    guard actual == wanted else { throw DockStoreError.refused("refusing: \(resolved.path) is \(actual), not \(wanted)") }
                }
                if let claim, try !claim.covers(resolved.path) {
                    throw DockStoreError.refused("refusing: \(resolved.label) is no longer the device dockstore locked (\(claim.path)); nothing was changed: re-run")
                }
                profile.mark("lock and resolve")
                let observed = try migrator.observe(resolved)
                profile.mark("observe")
                let steps = abort ? try MigrationPlanner.planAbort(observed)
                    : try MigrationPlanner.plan(observed, keepImage: keepImage, imageHostPath: paths.image,
                                                mountpoint: paths.mountpoint, host: host, method: forced)
                // The write preflight in the plan: its refusal takes no lock (attack 30, 4).
                if change.preflights { try StepEngine.preflight(steps, in: migrator) }
                return (resolved: resolved, observed: observed, steps: steps)
            }
            let (resolved, observed, steps) = planned
            // The plan reads the journal as observed; an old journal by name is given identities now.
            if !change.dryRun { try migrator.upgradeJournal(observed, device: resolved) }
            if steps.isEmpty, !abort, !change.dryRun { freeRetiredImage(host: host, image: paths.image) }
            var title = [abort
                ? "Abort: move Docker's storage at \(observed.mountpoint) (btrfs \(observed.uuid ?? "?")) back from \(resolved.label) onto the image:"
                : "Move Docker's storage at \(observed.mountpoint) (btrfs \(observed.uuid ?? "?")) onto \(resolved.label), \(ByteSize.format(observed.targetSize)):"]
            if !abort, !steps.isEmpty, let warning = observed.target?.notAttachedAtBootWarning(mountpoint: observed.mountpoint) {
                Output.warning(warning)
            }
            if !abort {
                let choice = MigrationPlanner.chooseMethod(observed, forced: forced)
                title.append("Method: \(choice.method.summary), because \(choice.reason).")
                if let canceled = observed.canceledReplaceTarget {
                    title.append("\(resolved.label) holds the partial copy of this store that the replace canceled by migrate-ebs --abort left (btrfs device \(canceled.deviceUUID)), unchanged since: dockstore wrote it and \(choice.method == .replace ? "replaces" : "moves the store") onto it again.")
                }
            }
            let show = StepShow<MigrationStep>(
                nothingToDo: abort ? "No migration onto \(resolved.label) is under way; nothing to abort."
                                   : "Docker's storage at \(observed.mountpoint) is on \(resolved.label) already; nothing to do.",
                title: title, planBeforeApplying: true, dryRunFooter: "(dry run, nothing changed)", text: \.description)
            let applied = try StepCommand.run(steps, dryRun: change.dryRun, show: show, sweep: sweep, beforeApplying: confirm) { report in
                profile.mark("plan")
                let before = try SubvolumeInventory.read(observed.mountpoint)
                let usedBefore = try CapacityProbe.read(mountpoint: observed.mountpoint).dataUsed
                profile.mark("inventory before")
                let terminal = StandardStream.output.isTerminal
                let estimate = MoveEstimate()
                try migrator.apply(steps, sweeping: sweep, progress: { step in
                    if terminal { Output.emitRaw("\r\u{1B}[K") }
                    report(step)
                    profile.mark(step.id)
                    estimate.reset()
                }, moving: { progress in
                    let left = estimate.secondsLeft(progress, at: Clock.now())
                    Output.emitRaw(ProgressLine.render(progress, secondsLeft: left, terminal: terminal))
                })
                let after = try SubvolumeInventory.read(observed.mountpoint)
                let usedAfter = try CapacityProbe.read(mountpoint: observed.mountpoint).dataUsed
                profile.mark("inventory after")
                let dockerd = observed.uuid.map { DockerdProcesses.presence(storeUUID: $0, host: host) } ?? .notRunning
                let verdict = SubvolumeInventory.verdict(before: before, after: after, dockerd: dockerd)
                switch verdict {
                case .lost(let what):
                    throw DockStoreError.failed("the subvolumes at \(observed.mountpoint) differ after the move: \(what) (\(before.entries.count) before, \(after.entries.count) after); check them with btrfs subvolume list -uq")
                case .unverified(let what):
                    throw DockStoreError.failed("the move is done but not verified: \(what); if docker ps -a --no-trunc and docker images list no layer or container of it, Docker removed it; the subvolumes now: btrfs subvolume list -uq \(observed.mountpoint)")
                default: break
                }
                // Same subvolumes and used bytes say nothing of a store that cannot read its data (A4).
                if !abort { try migrator.requireSoundCopy() }
                switch verdict {
                case .changedByDocker(let removed, let added):
                    let kept = before.entries.count - removed.count
                    Output.line("Verified: the \(kept) subvolumes there before the move that Docker kept are the same (ids, UUIDs, parent UUIDs); while the move ran, Docker removed \(removed.count) of its layers or containers and made \(added.count) new ones; data used \(ByteSize.format(usedBefore)) before, \(ByteSize.format(usedAfter)) after.")
                default:
                    Output.line("Verified: the same \(after.entries.count) subvolumes (ids, UUIDs, parent UUIDs); data used \(ByteSize.format(usedBefore)) before, \(ByteSize.format(usedAfter)) after.")
                }
            }
            guard applied else { return }
            Output.line(abort ? "Docker's storage is back on the image; \(resolved.label) is released."
                              : "Docker's storage is on \(resolved.label) now; fstab mounts it by UUID.")
            if !abort {
                let deleted = steps.contains { if case .deleteImage = $0 { return true } else { return false } }
                MigrationImageReport.lines(observed, image: host.real(paths.image), deleted: deleted).forEach(Output.line)
            }
            if !abort, keepImage {
                Output.line("Kept \(host.real(paths.image)) as asked: the kernel erased its btrfs superblock as the store left it, so it is no longer a filesystem that mounts, not a copy to go back to; delete it once you no longer need its bytes.")
            }
            profile.mark("report")
            if !abort { freeRetiredImage(host: host, image: paths.image) }
            profile.mark("free image")
            withExtendedLifetime((lock, claim)) {}
        }

        /// Unlinks the image the move renamed, from a detached process: the move is done and
        /// does not wait for the host to free the image's blocks. What cannot be removed is
        /// a warning (the move itself succeeded); the next provision or migrate-ebs tries again.
        /// A retired image left to free; cannot tell counts as one (the run locks and sweeps).
        func leavesRetiredImage(_ retired: RetiredImage) -> Bool {
            do {
                return try retired.leftover() != .none
            } catch {
                return true
            }
        }

        func freeRetiredImage(host: Host, image: HostPath) {
            do {
                try RetiredImage(host: host, image: image).sweep(background: true)
            } catch let error as DockStoreError {
                Output.warning(error.message)
            } catch {
                Output.warning("cannot remove \(host.real(RetiredImage(host: host, image: image).path)): \(error)")
            }
        }

        /// DOCKSTORE_MIGRATE_METHOD, for tests and benchmarks.
        func forcedMethod() throws -> MigrationMethod? {
            guard let value = CurrentProcess.environment(MigrationMethod.variable), !value.isEmpty else { return nil }
            guard let method = MigrationMethod(rawValue: value) else {
                throw DockStoreError.usage("\(MigrationMethod.variable)=\(value) is not a method: give replace or add-remove")
            }
            return method
        }

        func confirm() throws {
            if yes { return }
            guard StandardStream.input.isTerminal else {
                throw DockStoreError.usage("migrate-ebs asks before moving the store; without a terminal, pass --yes")
            }
            Output.emitRaw("Proceed? [y/N] ")
            guard let answer = readLine(), ["y", "yes"].contains(answer.lowercased()) else {
                throw DockStoreError.refused("not confirmed; nothing changed")
            }
        }
    }
}

/// Seconds from a monotonic clock.
enum Clock {
    static func now() -> Double {
        MonotonicClock.seconds()
    }
}

/// The progress of the move: a bar redrawn in place on a terminal, a plain line otherwise;
/// "about N s to go" only once the rate is known.
enum ProgressLine {
    static func render(_ progress: MoveProgress, secondsLeft: Double?, terminal: Bool) -> String {
        var text: String
        switch progress {
        case .bytes(let left, let total):
            text = "moving: \(ByteSize.format(left)) left of \(ByteSize.format(total))"
        case .thousandths(let n):
            text = "replacing: \(n / 10).\(n % 10)% copied"
        }
        if let secondsLeft { text += ", about \(Int(secondsLeft.rounded())) s to go" }
        guard terminal else { return text + "\n" }
        let filled = Int((progress.share * 30).rounded())
        return "\r\u{1B}[K[" + String(repeating: "#", count: filled) + String(repeating: ".", count: 30 - filled) + "] " + text
    }
}
