import DockStoreCore
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `migrate-ebs` by the kernel's device replace, on real loop devices: the move itself, and
/// SIGKILLs and power cuts at seeded moments of the replace (not only at step boundaries),
/// with the device names shuffled at the reboot; `--abort` of a running replace.
@Suite(.serialized, .enabled(if: isRoot, Comment(rawValue: needsRoot)))
struct MigrationReplaceIntegrationTests {
    let base = MigrationIntegrationTests()

    /// A target whose loop device does direct I/O, so a replace of a few hundred MiB lasts
    /// long enough to be killed in the middle.
    func slowDisk(_ root: TestRoot, megabytes: Int = 8192) throws -> String {
        let file = "\(root.path)/disk-\(UUID().uuidString.prefix(8)).img"
        try root.sh("truncate -s \(megabytes)M '\(file)'")
        return try root.sh("losetup --direct-io=on -f --show '\(file)'").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Waits until the kernel reports a replace running, then `delay` µs more.
    func waitForTheReplace(_ root: TestRoot, then delay: UInt32) throws {
        for _ in 0..<3000 {
            if let status = try? BtrfsDeviceReplace.status(at: root.mountpoint), status.state == .started { break }
            usleep(10_000)
        }
        #expect(try BtrfsDeviceReplace.status(at: root.mountpoint).state == .started, "the replace runs when the test strikes")
        usleep(delay)
    }

    /// A reboot in the middle of the replace: the page cache dropped, the filesystem
    /// remounted read-only (the kernel records the replace as suspended, as it does at
    /// unmount; a cut with no chance to write leaves it "started", which the kernel treats
    /// alike), everything unmounted, the kernel's device list forgotten, and the names
    /// shuffled: the volume comes back under a new name and a blank volume takes its old one.
    func powerCut(_ root: TestRoot, volume: String) throws -> (volume: String, blank: String) {
        try root.sh("echo 3 > /proc/sys/vm/drop_caches")
        _ = try? root.sh("mount -o remount,ro \(root.mountpoint)")
        for _ in 0..<100 where umount2(root.mountpoint, 0) != 0 { usleep(50_000) }
        #expect(root.mounts().isEmpty, "the store is down after the cut")
        for _ in 0..<50 where root.loopDevices().count > 1 { usleep(20_000) }
        let file = try root.sh("losetup -n -O BACK-FILE \(volume)").trimmingCharacters(in: .whitespacesAndNewlines)
        root.forgetBtrfs(root.loopDevices())
        try root.sh("losetup -d \(volume)")
        let blankFile = root.path + "/blank-\(UUID().uuidString.prefix(6)).img"
        try root.sh("truncate -s 8G \(blankFile) && losetup \(volume) \(blankFile)")
        let renamed = try root.sh("losetup -f --show \(file)").trimmingCharacters(in: .whitespacesAndNewlines)
        return (renamed, volume)
    }

    func expectMoved(_ root: TestRoot, _ inventory: String, _ sums: String, _ what: String) throws {
        #expect((try? base.inventory(root)) == inventory, "DATA: \(what): subvolume inventory")
        #expect((try? base.sums(root)) == sums, "DATA: \(what): checksums")
        #expect(root.status(root.image) == nil, "\(what): the image is gone")
        #expect(root.fstabAfterCreatedMark?.hasPrefix("UUID=") == true, "\(what): fstab mounts by UUID")
        #expect(root.status(root.path + "/var/lib/dockstore/migration.json") == nil, "\(what): the journal is closed")
        #expect(try CapacityProbe.read(mountpoint: root.mountpoint).devices.count == 1, "\(what): one device")
    }

    @Test func movesEveryLayerByReplaceWithTheSameBytesUsed() throws {
        try withTestRoot { root in
            let (inventory, sums) = try base.layeredStore(root)
            let usedBefore = try CapacityProbe.read(mountpoint: root.mountpoint).dataUsed
            let disk = try root.attachDisk(megabytes: 8192)
            let plan = try root.dockstore(["migrate-ebs", disk, "--dry-run"])
            #expect(plan.stdout.contains("Method: device replace (shrink the image's device to the target's size where larger, replace it, grow), because the store is the image's device alone: replace copies device extents"),
                    "the dry run says the method and why: \(plan.stdout)")
            #expect(plan.stdout.contains("[shrink] shrink btrfs on"), "the 100 GiB image's device shrinks to the 8 GiB target: \(plan.stdout)")
            let result = try root.dockstore(["migrate-ebs", disk, "--yes"])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout.contains("Verified: the same 21 subvolumes"))
            #expect(result.stdout.contains("replacing: 100.0% copied"), "progress lines from the kernel's thousandths: \(result.stdout)")
            #expect(!result.stdout.contains("replacing: 0.0% copied, about"), "no ETA before the first progress")
            try expectMoved(root, inventory, sums, "replace")
            let usedAfter = try CapacityProbe.read(mountpoint: root.mountpoint).dataUsed
            #expect(usedAfter == usedBefore, "bytes used ×1.00: \(usedBefore) → \(usedAfter)")
            let figures = try CapacityProbe.read(mountpoint: root.mountpoint)
            #expect(figures.devices.first?.size == 8192 << 20, "grown onto the whole target")
            #expect(root.loopDevices() == [disk])
            #expect(try root.dockstore(["migrate-ebs", disk, "--yes"]).stdout.contains("nothing to do"))
            let boot = try root.dockstore(["provision"])
            #expect(boot.status == 0 && boot.stdout.contains("nothing to do"), "\(boot.stdout) \(boot.stderr)")
        }
    }

    /// Where replace cannot serve — the store spans the image and a second device — the planner
    /// falls back to add + remove, and the plan names the method and why (nothing forced).
    @Test func aStoreOfTwoDevicesIsPlannedByAddAndRemoveAndThePlanSaysWhy() throws {
        try withTestRoot { root in
            _ = try base.layeredStore(root, megabytes: 64, snapshots: 2)
            let second = try root.attachDisk(megabytes: 1024)
            try root.sh("btrfs device add \(second) \(root.mountpoint) >/dev/null")
            let disk = try root.attachDisk(megabytes: 8192)
            let before = root.snapshot()
            let plan = try root.dockstore(["migrate-ebs", disk, "--dry-run"])
            #expect(plan.status == 0, "\(plan.stdout) \(plan.stderr)")
            #expect(plan.stdout.contains("Method: device add + remove (every extent relocated), because the store spans 2 devices"), "\(plan.stdout)")
            #expect(plan.stdout.contains("[add-device]") && plan.stdout.contains("[remove-loop]") && !plan.stdout.contains("[replace]"), "\(plan.stdout)")
            #expect(root.changes(since: before) == [], "a dry run changes nothing")
            root.forgetBtrfs([second])
        }
    }

    /// SIGKILL at a seeded moment of the replace: the kernel's replace runs on (in the child
    /// process that started it); the next run finds it running, waits for it and finishes.
    @Test func seededKillsDuringTheReplaceConverge() throws {
        for seed: UInt64 in 1...3 {
            try withTestRoot { root in
                let (inventory, sums) = try base.layeredStore(root, megabytes: 512, snapshots: 3)
                let disk = try slowDisk(root)
                let delay = UInt32(seed &* 2_654_435_761 % 300_000)
                let process = try base.startMigration(root, disk)
                try waitForTheReplace(root, then: delay)
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
                let rerun = try root.dockstore(["migrate-ebs", disk, "--yes"])
                #expect(rerun.status == 0, "seed \(seed), killed \(delay / 1000) ms into the replace: \(rerun.stderr)")
                try expectMoved(root, inventory, sums, "seed \(seed)")
                print("seeded kill \(seed): killed \(delay / 1000) ms into the replace, the re-run waited for it and finished")
            }
        }
        reliability("migrate-ebs SIGKILL at seeded moments of the replace", cases: 3, runs: 6)
    }

    /// A power cut at a seeded moment of the replace, and a reboot that shuffles the names:
    /// boot's provision brings the store back from the image (the kernel cannot resume the
    /// replace of a single-device store since Linux 6.7; provision cancels it), never writes
    /// to the blank volume that took the old name, and migrate-ebs given the volume's new
    /// name starts the replace again and finishes.
    @Test func seededPowerCutsDuringTheReplaceComeBackThroughProvision() throws {
        for seed: UInt64 in 1...3 {
            try withTestRoot { root in
                let (inventory, sums) = try base.layeredStore(root, megabytes: 512, snapshots: 3)
                let disk = try slowDisk(root)
                let delay = UInt32(seed &* 2_654_435_761 % 300_000)
                let process = try base.startMigration(root, disk)
                try waitForTheReplace(root, then: delay)
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
                let (volume, blank) = try powerCut(root, volume: disk)
                let backing = try root.sh("losetup -n -O BACK-FILE \(volume)").trimmingCharacters(in: .whitespacesAndNewlines)
                let blankBefore = try root.ends(blank)
                let boot = try root.dockstore(["provision"])
                #expect(boot.status == 0, "seed \(seed): the boot-time provision: \(boot.stdout) \(boot.stderr)")
                #expect((try? base.inventory(root)) == inventory, "DATA: seed \(seed): the store is back after the reboot")
                #expect(try root.ends(blank) == blankBefore, "DATA: seed \(seed): the blank volume that took the old name was written to")
                // A loop name is no identity: a program of another run that detaches a name it
                // once had (after its own device was autocleared) can unbind this volume, and
                // the name then goes to that run's next device. The move is then refused by the
                // journal's name, rightly; say that the run was disturbed instead of blaming it.
                let still = (try? root.sh("losetup -n -O BACK-FILE \(volume)"))?.trimmingCharacters(in: .whitespacesAndNewlines)
                try #require(still == backing, "seed \(seed): \(volume) no longer reads \(backing) (now: \(still ?? "unbound")): another process detached it by name, so this run says nothing about migrate-ebs")
                let finish = try root.dockstore(["migrate-ebs", volume, "--yes"])
                #expect(finish.status == 0, "seed \(seed): \(finish.stdout) \(finish.stderr)")
                try expectMoved(root, inventory, sums, "seed \(seed)")
                #expect(BlockProbe.probe(blank) == .blank, "DATA: seed \(seed): \(blank) was written to")
                print("seeded power cut \(seed): \(delay / 1000) ms into the replace, back through provision, finished onto \(volume)")
            }
        }
        reliability("migrate-ebs power cut at seeded moments of the replace, names shuffled", cases: 3, runs: 9)
    }

    /// `--abort` while a killed dockstore's replace still runs: the kernel cancels it, the
    /// image's device grows back to the whole image, the volume is released.
    @Test func abortCancelsARunningReplaceAndLeavesTheStoreOnTheImage() throws {
        try withTestRoot { root in
            let (inventory, sums) = try base.layeredStore(root, megabytes: 512, snapshots: 3)
            let fstab = root.read(root.fstab)
            let disk = try slowDisk(root)
            let process = try base.startMigration(root, disk)
            try waitForTheReplace(root, then: 50_000)
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            let aborted = try root.dockstore(["migrate-ebs", disk, "--yes", "--abort"])
            #expect(aborted.status == 0, "\(aborted.stdout) \(aborted.stderr)")
            #expect(aborted.stdout.contains("[cancel-replace]") && aborted.stdout.contains("back on the image"), "\(aborted.stdout)")
            #expect(try BtrfsDeviceReplace.status(at: root.mountpoint).state == .canceled)
            let figures = try CapacityProbe.read(mountpoint: root.mountpoint)
            #expect(figures.devices.count == 1 && figures.host != nil, "only the image is left")
            #expect(figures.devices.first?.size == 100 << 30, "the image's device is whole again: \(figures.devices)")
            #expect(try base.inventory(root) == inventory, "DATA: subvolume inventory")
            #expect(try base.sums(root) == sums, "DATA: checksums")
            #expect(root.read(root.fstab) == fstab)
            #expect(root.status(root.path + "/var/lib/dockstore/migration.json") == nil)
            if case .signature = BlockProbe.probe(disk) { Issue.record("the released device still carries a signature") }
            #expect(try root.dockstore(["migrate-ebs", disk, "--yes", "--abort"]).stdout.contains("nothing to abort"))
        }
    }

    /// `--abort` planned while a killed dockstore's replace runs, and the kernel finishes the
    /// copy before the cancel (dockstore stopped at cancel-replace until `btrfs replace status`
    /// says finished): the store is on the volume, so the abort must not say it is back on the
    /// image; it fails keeping the journal, and a plain re-run finishes the move.
    /// Killed after the replace, then a reboot that gives the volume another name (a blank
    /// volume takes its old one): status named the migration's target by its old kernel name,
    /// and the command it printed was refused (attack 11, A-8). Now it names the member the store
    /// is on, with its name when the migration began, and that command finishes the move.
    @Test func statusNamesTheTargetByTheNameItHasAfterAReboot() throws {
        try withTestRoot { root in
            let (inventory, sums) = try base.layeredStore(root, megabytes: 64, snapshots: 2)
            let disk = try slowDisk(root)
            let killed = try root.dockstore(["migrate-ebs", disk, "--yes"], environment: ["DOCKSTORE_FAILPOINT": "resize"])
            #expect(killed.signal == SIGKILL, "\(killed.stdout) \(killed.stderr)")
            let (volume, blank) = try powerCut(root, volume: disk)
            let booted = try root.dockstore(["provision"])
            #expect(booted.status == 0, "\(booted.stdout) \(booted.stderr)")
            let status = try root.dockstore(["status"])
            let line = status.stdout.split(separator: "\n").first { $0.hasPrefix("migration:") }.map(String.init) ?? ""
            #expect(line.contains("onto \(volume) (\(blank) when the migration began)") && line.hasSuffix("(dockstore migrate-ebs \(volume) finishes it)"), "\(status.stdout)")
            let finish = try root.dockstore(["migrate-ebs", volume, "--yes"])
            #expect(finish.status == 0, "\(finish.stdout) \(finish.stderr)")
            try expectMoved(root, inventory, sums, "the move finished by the command status printed")
        }
    }

    /// Attack 18, B-F1: migrate-ebs stopped right after the kernel's replace finished. The store
    /// is on the volume and fstab still names the image, whose superblock the replace scratched.
    /// status must send the admin to provision (which replaces that line) and to migrate-ebs,
    /// never to "remove that line" or "move the image away" (a new, empty store): before the
    /// reboot, while the volume is mounted, and after it, before any provision ran. The boot
    /// itself, where systemd's mount of the image line fails first, is the boot tier's
    /// `migrate-crash` scenario.
    @Test func statusAfterAKillRightAfterTheReplaceSendsTheAdminToTheMoveNotToANewStore() throws {
        try withTestRoot { root in
            let (inventory, sums) = try base.layeredStore(root, megabytes: 64, snapshots: 2)
            let disk = try slowDisk(root)
            let killed = try root.dockstore(["migrate-ebs", disk, "--yes"], environment: ["DOCKSTORE_FAILPOINT": "replace"])
            #expect(killed.signal == SIGKILL, "\(killed.stdout) \(killed.stderr)")
            #expect(root.fstabAfterCreatedMark?.hasPrefix("UUID=") == false, "fstab still names the image")
            let uuid = try #require(try CapacityProbe.read(mountpoint: root.mountpoint).uuid)
            func expectSendsToTheMove(_ when: String, mounted: Bool) throws {
                let status = try root.dockstore(["status"])
                #expect(status.status == ExitStatus.problems.rawValue, "\(when): \(status.stdout) \(status.stderr)")
                let text = status.stdout
                #expect(text.contains("- fstab: the store moved to UUID=\(uuid): replace line"), "\(when): \(text)")
                // The open migration is a problem of its own (attack 54 X 3), which migrate-ebs finishes.
                #expect(text.contains("'dockstore provision' fixes the ") && text.contains(" pending step(s), each other problem says what to do:\n  - a migration is open, onto "),
                        "\(when): \(text)")
                #expect(!text.contains("remove that line") && !text.contains("move it away"), "\(when): \(text)")
                #expect(text.contains("finishes it)"), "\(when): the migration row: \(text)")
                #expect(text.contains(mounted ? "mounted:     yes" : "- not mounted: mount "), "\(when): \(text)")
            }
            try expectSendsToTheMove("before the reboot", mounted: true)
            // Attack 52 V: check said OK over the half-done move; it is a WARNING naming the
            // migrate-ebs that finishes it, in status's words (past the point of return: no abort).
            let check = try root.dockstore(["check"])
            #expect(check.status == 1 && check.stdout.hasPrefix("DOCKSTORE WARNING - a migration is open, onto \(disk) by replace, phase: ")
                    && check.stdout.contains("(dockstore migrate-ebs \(disk) finishes it): the store is half moved until it is finished")
                    && !check.stdout.contains("--abort"), "\(check.stdout)")
            try root.sh("echo 3 > /proc/sys/vm/drop_caches")
            for _ in 0..<100 where umount2(root.mountpoint, 0) != 0 { usleep(50_000) }
            root.forgetBtrfs(root.loopDevices())
            try expectSendsToTheMove("after the reboot, before provision", mounted: false)
            let booted = try root.dockstore(["provision"])
            #expect(booted.status == 0, "\(booted.stdout) \(booted.stderr)")
            #expect(root.fstabAfterCreatedMark?.hasPrefix("UUID=\(uuid)") == true, "provision replaced the image line")
            let finish = try root.dockstore(["migrate-ebs", disk, "--yes"])
            #expect(finish.status == 0, "\(finish.stdout) \(finish.stderr)")
            try expectMoved(root, inventory, sums, "the move finished after the boot")
            let after = try root.dockstore(["check"])
            #expect(after.status == 0 && !after.stdout.contains("migration"), "\(after.stdout)")
        }
    }

    /// Attack 19, N1: add + remove stopped after [add-device] (the store spans the image and the
    /// volume), then a reboot gives the volume a new name and its old one to a blank volume.
    /// status and migrate-ebs name the volume as it is found now (by the store's filesystem UUID),
    /// never the blank one as holding part of the store; provision brings the store up; migrate-ebs
    /// with the new name finishes; the blank stays blank. (The boot tier's migrate-crash-add
    /// scenario does the same under systemd, whose mount of the image line runs first.)
    @Test func aStoreSpanningTheImageAndARenamedVolumeIsNamedByWhatHoldsItNow() throws {
        try withTestRoot { root in
            let (inventory, sums) = try base.layeredStore(root, megabytes: 64, snapshots: 2)
            let disk = try slowDisk(root)
            let killed = try root.dockstore(["migrate-ebs", disk, "--yes"],
                                            environment: ["DOCKSTORE_FAILPOINT": "add-device", MigrationMethod.variable: "add-remove"])
            #expect(killed.signal == SIGKILL, "\(killed.stdout) \(killed.stderr)")
            #expect(try CapacityProbe.read(mountpoint: root.mountpoint).devices.count == 2, "the store spans the image and the volume")
            let (volume, blank) = try powerCut(root, volume: disk)
            let status = try root.dockstore(["status"])
            let row = status.stdout.split(separator: "\n").first { $0.hasPrefix("migration:") }.map(String.init) ?? ""
            #expect(row.contains("onto \(volume) (\(blank) when the migration began)") && row.hasSuffix("(dockstore migrate-ebs \(volume) finishes it)"), "\(status.stdout)")
            let old = try root.dockstore(["migrate-ebs", blank, "--yes"])
            #expect(old.status == 2, "\(old.stdout) \(old.stderr)")
            #expect(old.stderr.contains("is \(volume) now, found by the store's filesystem UUID"), "\(old.stderr)")
            #expect(!old.stderr.contains("which holds part of the store"), "\(old.stderr)")
            let booted = try root.dockstore(["provision"])
            #expect(booted.status == 0, "\(booted.stdout) \(booted.stderr)")
            let finish = try root.dockstore(["migrate-ebs", volume, "--yes"])
            #expect(finish.status == 0, "\(finish.stdout) \(finish.stderr)")
            try expectMoved(root, inventory, sums, "the move finished with the volume's new name")
            if case .signature = BlockProbe.probe(blank) { Issue.record("DATA: the blank volume under the old name was written") }
        }
    }

    @Test func abortAfterTheReplaceFinishedSaysSoAndARerunFinishesTheMove() throws {
        try withTestRoot { root in
            let (inventory, sums) = try base.layeredStore(root, megabytes: 512, snapshots: 3)
            let disk = try slowDisk(root)
            let process = try base.startMigration(root, disk)
            try waitForTheReplace(root, then: 0)
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            let aborted = try root.runStopped(["migrate-ebs", disk, "--yes", "--abort"], before: "cancel-replace") {
                for _ in 0..<6000 where try BtrfsDeviceReplace.status(at: root.mountpoint).state != .finished { usleep(50_000) }
                #expect(try BtrfsDeviceReplace.status(at: root.mountpoint).state == .finished, "the kernel finished the replace")
            }
            #expect(aborted.status != 0, "\(aborted.stdout) \(aborted.stderr)")
            #expect(!aborted.stdout.contains("back on the image"), "\(aborted.stdout)")
            #expect(aborted.stderr.contains("the replace finished before it could be canceled: the store is on \(disk) now"), "\(aborted.stderr)")
            #expect(root.status(root.path + "/var/lib/dockstore/migration.json") != nil, "the journal stays open")
            let finish = try root.dockstore(["migrate-ebs", disk, "--yes"])
            #expect(finish.status == 0, "\(finish.stdout) \(finish.stderr)")
            try expectMoved(root, inventory, sums, "re-run after the abort found the replace finished")
            let uuid = try #require(try CapacityProbe.read(mountpoint: root.mountpoint).uuid)
            #expect(root.fstabAfterCreatedMark?.hasPrefix("UUID=\(uuid)") == true, "fstab names the volume's UUID")
        }
    }

    /// A power cut mid-replace, and a boot where systemd's own mount of the fstab line runs
    /// first and fails (the kernel cannot find the replace's target) and leaves no loop device
    /// over the image: provision must recognise the interrupted replace from the journal and
    /// the image's superblock (the journal's filesystem UUID, one device counted), mount it
    /// degraded only for the cancel, come up normally (never degraded), never write to the
    /// blank volume that took the target's old name, and migrate-ebs given the volume's new
    /// name finishes the move.
    @Test func seededPowerCutsWithTheFstabMountFailedAtBootComeBackThroughProvision() throws {
        for seed: UInt64 in 4...6 {
            try withTestRoot { root in
                let (inventory, sums) = try base.layeredStore(root, megabytes: 512, snapshots: 3)
                let disk = try slowDisk(root)
                let delay = UInt32(seed &* 2_654_435_761 % 300_000)
                let process = try base.startMigration(root, disk)
                try waitForTheReplace(root, then: delay)
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
                let (volume, blank) = try powerCut(root, volume: disk)
                let blankBefore = try root.ends(blank)
                // The cut may land after the kernel's copy ended: then the volume is devid 1 already.
                let interrupted = try BtrfsSuperblock.read(volume)?.devid == 0
                let imageLoops = { try root.sh("losetup -n -O NAME -j \(root.image)").trimmingCharacters(in: .whitespacesAndNewlines) }
                #expect(try imageLoops().isEmpty, "seed \(seed): no loop device over the image at boot")
                // systemd's mount of the fstab line (mount(8) binds its own loop device).
                let line = try #require(root.fstabAfterCreatedMark?.split(separator: "\n").first.map(String.init), "the fstab line")
                let fields = line.split(separator: " ").map(String.init)
                let options = fields[3].split(separator: ",").filter { !$0.hasPrefix("x-") && $0 != "nofail" }.joined(separator: ",")
                let systemd = try root.run("/bin/mount", ["-t", "btrfs", "-o", options, root.path + fields[0], root.mountpoint])
                #expect(systemd.status != 0, "seed \(seed): the boot's own mount of '\(line)' fails while the replace's target is unknown")
                #expect(try root.mounts().isEmpty && imageLoops().isEmpty, "seed \(seed): the failed mount left nothing behind")
                let boot = try root.dockstore(["provision"])
                #expect(boot.status == 0, "seed \(seed): the boot-time provision: \(boot.stdout) \(boot.stderr)")
                let options2 = try root.sh("findmnt -n -o OPTIONS \(root.mountpoint)")
                #expect(!options2.contains("degraded"), "seed \(seed): the store came up degraded: \(options2)")
                #expect((try? base.inventory(root)) == inventory, "DATA: seed \(seed): the store is back after the reboot")
                #expect((try? base.sums(root)) == sums, "DATA: seed \(seed): checksums after the reboot")
                #expect(try root.ends(blank) == blankBefore, "DATA: seed \(seed): the blank volume that took the old name was written to")
                let journal = try #require(root.read(root.path + "/var/lib/dockstore/migration.json"), "the journal stays open")
                #expect(!interrupted || journal.contains("canceled at boot"), "seed \(seed): \(journal)")
                // The boot journal says the store is still on the image and how to go on (A14).
                #expect(boot.stderr.contains("warning: a migration of the store by replace is open (phase: ")
                        && boot.stderr.contains(interrupted
                            ? "onto the volume that was \(disk) when the migration began (a reboot can rename it): dockstore migrate-ebs DEVICE, naming that volume, finishes it; with --abort it keeps the store on the image"
                            // The copy had ended: the image is no member, and --abort would refuse (attack 25 J3).
                            : "onto the volume that was \(disk) when the migration began (a reboot can rename it) (the image is no longer part of the store: the move is past its point of return, and only finishing it is left): dockstore migrate-ebs DEVICE, naming that volume, finishes it\n")
                        && (!interrupted || boot.stderr.contains("canceled at boot")), "seed \(seed): \(boot.stderr)")
                let finish = try root.dockstore(["migrate-ebs", volume, "--yes"])
                #expect(finish.status == 0, "seed \(seed): \(finish.stdout) \(finish.stderr)")
                try expectMoved(root, inventory, sums, "seed \(seed)")
                #expect(BlockProbe.probe(blank) == .blank, "DATA: seed \(seed): \(blank) was written to")
                print("seeded power cut \(seed), fstab mount failed at boot: \(delay / 1000) ms into the replace (\(interrupted ? "interrupted" : "the copy had ended")), back through provision, finished onto \(volume)")
            }
        }
        reliability("migrate-ebs power cut mid-replace, the boot's fstab mount failed, image loop device gone", cases: 3, runs: 3)
    }

    /// Starts a replace onto `disk`, kills dockstore in the middle and aborts: the store is back
    /// on the image and `disk` holds the partial copy the canceled replace wrote.
    func abortMidReplace(_ root: TestRoot, _ disk: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let process = try base.startMigration(root, disk)
        try waitForTheReplace(root, then: 50_000)
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        let aborted = try root.dockstore(["migrate-ebs", disk, "--yes", "--abort"])
        #expect(aborted.status == 0, "\(aborted.stdout) \(aborted.stderr)", sourceLocation: sourceLocation)
        #expect(BlockProbe.probe(disk) == .unrecognizedData, "the canceled replace left data on \(disk)", sourceLocation: sourceLocation)
    }

    /// `provision --device` onto the target a `migrate-ebs --abort` canceled: dockstore's own
    /// leftover, recognised by the same record migrate-ebs reuses it by, so it is formatted
    /// without --force while it is exactly as the abort left it; changed since (mkfs.ext4) it
    /// is data again, refused without --force, nothing changed (asked at another mountpoint and
    /// image, the device's own refusal comes first). dockstore keeps one store per root, so the
    /// store on its image is taken down (its records of canceled targets stay) before the
    /// target is provisioned.
    @Test func provisionFormatsACanceledReplacesTargetOnlyAsTheAbortLeftIt() throws {
        try withTestRoot { root in
            _ = try base.layeredStore(root, megabytes: 512, snapshots: 3)
            try root.sh("mkdir -p '\(root.path)/srv'")
            let elsewhere = ["--mountpoint", "/srv/docker-b", "--image", "/srv/docker-b.btrfs"]
            let changed = try slowDisk(root)
            try abortMidReplace(root, changed)
            try root.sh("mkfs.ext4 -q -F \(changed)")
            let before = root.snapshot()
            let refused = try root.dockstore(["provision", "--device", changed] + elsewhere)
            #expect(refused.status == 2 && refused.stderr.contains("never formats a device that holds data"), "\(refused.stdout) \(refused.stderr)")
            #expect(root.changes(since: before) == [], "nothing changed")
            #expect(try root.sh("blkid -s TYPE -o value \(changed)").contains("ext4"), "the ext4 is still there")
            root.forgetBtrfs([changed])

            let disk = try slowDisk(root)
            try abortMidReplace(root, disk)
            let store = try CapacityProbe.read(mountpoint: root.mountpoint).uuid
            let second = try root.dockstore(["provision", "--device", disk, "--dry-run"] + elsewhere)
            #expect(second.status == 2 && second.stderr.contains("dockstore keeps one store per root"), "\(second.stdout) \(second.stderr)")
            let torn = try root.dockstore(["teardown", "--delete-image"])
            #expect(torn.status == 0, "\(torn.stdout) \(torn.stderr)")
            let plan = try root.dockstore(["provision", "--device", disk, "--dry-run"])
            #expect(plan.status == 0 && plan.stdout.contains("wipe every signature on \(disk), then format"), "\(plan.stdout) \(plan.stderr)")
            let made = try root.dockstore(["provision", "--device", disk])
            #expect(made.status == 0, "\(made.stdout) \(made.stderr)")
            let formatted = try root.sh("blkid -s UUID -o value \(disk)").trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(!formatted.isEmpty && formatted != store, "a new filesystem, not a second copy of the store \(store ?? "?")")
            #expect(root.mounts().contains { $0.source == disk && $0.target == root.mountpoint }, "\(root.mounts())")
        }
    }

    /// `--abort` leaves the target holding a partial copy (the kernel zeroes only its
    /// superblock's magic): refused as data by every check before. The abort records it by
    /// identity, so migrate-ebs onto the same volume reuses it while it carries exactly that;
    /// a volume changed since (mkfs.ext4) is still refused, nothing changed.
    @Test func aCanceledReplacesTargetIsReusedOnlyAsTheAbortLeftIt() throws {
        try withTestRoot { root in
            let (inventory, sums) = try base.layeredStore(root, megabytes: 512, snapshots: 3)
            let fstab = root.read(root.fstab)
            let record = root.path + "/var/lib/dockstore/canceled-replace-targets.json"
            func abortMidReplace(_ disk: String) throws { try self.abortMidReplace(root, disk) }
            let changed = try slowDisk(root)
            try abortMidReplace(changed)
            #expect(root.read(record)?.contains("\"device\":\"\(changed)\"") == true, "the abort records the target: \(root.read(record) ?? "none")")
            try root.sh("mkfs.ext4 -q -F \(changed)")
            let refused = try root.dockstore(["migrate-ebs", changed, "--yes"])
            #expect(refused.status == 2 && refused.stderr.contains("holds a ext4 signature"), "\(refused.stdout) \(refused.stderr)")
            #expect(root.read(root.fstab) == fstab && root.status(root.path + "/var/lib/dockstore/migration.json") == nil, "nothing changed")
            root.forgetBtrfs([changed])

            let disk = try slowDisk(root)
            try abortMidReplace(disk)
            let plan = try root.dockstore(["migrate-ebs", disk, "--dry-run"])
            #expect(plan.status == 0 && plan.stdout.contains("holds the partial copy of this store that the replace canceled by migrate-ebs --abort left"),
                    "\(plan.stdout) \(plan.stderr)")
            let moved = try root.dockstore(["migrate-ebs", disk, "--yes"])
            #expect(moved.status == 0, "\(moved.stdout) \(moved.stderr)")
            try expectMoved(root, inventory, sums, "onto the canceled replace's target")
            #expect(root.status(record) == nil, "the records of the store's canceled replaces are dropped once it moved")
        }
    }
}
