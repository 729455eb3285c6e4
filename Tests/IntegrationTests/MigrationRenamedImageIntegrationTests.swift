import DockStoreCore
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Attack 23 H1, H2, H3, H10: the image renamed while a migration is open.
/// - H1: migrate-ebs killed with the image still part of the store, then the image renamed:
///   provision took "a journal and no image at its path" for a move past its point of return,
///   pointed fstab at the store's UUID (exit 0), and the next boot could not mount the volume
///   alone; after the image was moved back every command pointed at another.
/// - H2: `--abort` said the move was past its point of return, and the re-run finished the move
///   with the image renamed.
/// - H3: status advised finishing the move onto the renamed image's own loop device.
/// - H10: killed after the replace, the image no member any more and renamed: check named the
///   volume's own file (a loop device over a file here) as the renamed image.
/// The journal now records the image's inode: a member bound to it under another name is the
/// image renamed, and every command says so, with the way back.
@Suite(.serialized, .enabled(if: isRoot, Comment(rawValue: needsRoot)))
struct MigrationRenamedImageIntegrationTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var failpoint: String
        var method: String
        var testDescription: String { "killed after \(failpoint) (\(method))" }
    }

    /// The image store with a marker file, and migrate-ebs onto a new disk killed after
    /// `row.failpoint`: the store's loop device and the disk.
    func interrupted(_ root: TestRoot, _ row: Case) throws -> (loop: String, disk: String) {
        try #require(try root.dockstore(["provision", "--size", "400M"]).status == 0)
        try root.write(root.mountpoint + "/marker", "kept\n")
        let loop = try #require(root.mounts().first { $0.target == root.mountpoint }?.source)
        let disk = try root.attachDisk(megabytes: 1024)
        let killed = try root.dockstore(["migrate-ebs", disk, "--yes"],
                                        environment: ["DOCKSTORE_FAILPOINT": row.failpoint, MigrationMethod.variable: row.method])
        try #require(killed.signal == SIGKILL, "\(killed.stdout) \(killed.stderr)")
        return (loop, disk)
    }

    @Test(arguments: [Case(failpoint: "journal", method: "replace"), Case(failpoint: "add-device", method: "add-remove")])
    func theImageRenamedWhileTheMigrationIsOpenIsTheImage(_ row: Case) throws {
        try withTestRoot { root in
            let (loop, disk) = try interrupted(root, row)
            let moved = root.path + "/var/lib/moved.btrfs"
            _ = try root.sh("mv '\(root.image)' '\(moved)'")
            let before = root.snapshot()
            let diskBefore = try root.ends(disk)
            let said = "refusing: the image \(root.image) was moved away while mounted: \(loop) at \(root.mountpoint) runs on \(moved); nothing is at \(root.image) now, so the next boot cannot mount the store the open migration is moving (part of it, or all, is in that file), so do not unmount it or reboot; move it back before unmounting: mv -n \(moved) \(root.image), and re-run"
            for arguments in [["migrate-ebs", disk, "--dry-run"], ["migrate-ebs", disk, "--yes"], ["migrate-ebs", disk, "--abort", "--yes"],
                              ["provision", "--dry-run"], ["provision"], ["grow", "--to", "600M"]] {
                let run = try root.dockstore(arguments)
                #expect(run.status == 2 && run.stderr == "dockstore: \(said)\n", "\(arguments): exit \(run.status): \(run.stdout)\(run.stderr)")
            }
            // teardown waits for the open migration first; the abort it names then says the above.
            let teardown = try root.dockstore(["teardown"])
            #expect(teardown.status == 2 && teardown.stderr.contains("a migrate-ebs migration is under way"), "\(teardown.stdout)\(teardown.stderr)")
            let status = try root.dockstore(["status"])
            #expect(status.stdout.contains("store:       image") && status.stdout.contains("  - \(said)"), "\(status.stdout)")
            #expect(!status.stdout.contains("migrate-ebs \(loop)"), "\(status.stdout)")
            let check = try root.dockstore(["check"])
            #expect(check.status == 2 && check.stdout.contains("runs on \(moved);"), "\(check.stdout)\(check.stderr)")
            // Attack 25 J5: without root the 0600 journal cannot be read; nobody is not told the
            // boot makes a new, empty store (it refuses for the open migration).
            _ = try root.sh("chmod 755 '\(root.path)'")
            let nobody = try root.run("/usr/bin/setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", TestRoot.binary, "check", "--root", root.path])
            #expect(nobody.status == 2 && nobody.stdout.contains("so the next boot either makes a new, empty store there or, if the migration journal this user cannot read is open, cannot mount the store it is moving (check as root tells which)"),
                    "\(nobody.stdout)\(nobody.stderr)")
            _ = try root.sh("chmod 700 '\(root.path)'")
            #expect(root.changes(since: before) == [], "\(root.changes(since: before))")
            #expect(try root.ends(disk) == diskBefore)
            #expect(!(root.read(root.fstab) ?? "").contains("UUID="), "\(root.read(root.fstab) ?? "")")

            // The way back: the image under its name again, the abort works and leaves the store on it.
            _ = try root.sh("mv '\(moved)' '\(root.image)'")
            let abort = try root.dockstore(["migrate-ebs", disk, "--abort", "--yes"])
            #expect(abort.status == 0, "\(abort.stdout)\(abort.stderr)")
            #expect(root.status(root.path + "/var/lib/dockstore/migration.json") == nil)
            let after = try root.dockstore(["status"])
            #expect(after.status == 0 && after.stdout.contains("state:       in place"), "\(after.stdout)\(after.stderr)")
            #expect(root.read(root.mountpoint + "/marker") == "kept\n")
        }
    }

    /// Killed after add-device (the volume is devid 2 of the store), the image renamed to
    /// moved.btrfs, then a reboot: unmounted, the image's loop device detached, the kernel's
    /// list of devices forgotten. The volume and the renamed image.
    func rebootWithTheImageRenamed(_ root: TestRoot) throws -> (disk: String, moved: String) {
        let (loop, disk) = try interrupted(root, Case(failpoint: "add-device", method: "add-remove"))
        let moved = root.path + "/var/lib/moved.btrfs"
        _ = try root.sh("mv '\(root.image)' '\(moved)' && umount '\(root.mountpoint)'")
        for device in root.loopDevices() where device != disk { _ = try? root.sh("losetup -d \(device)") }
        root.forgetBtrfs([loop, disk])
        return (disk, moved)
    }

    /// The image renamed, then a reboot before anyone moved it back (killed after add-device: the
    /// volume is devid 2 of the store): the boot's provision cannot mount the volume alone, and
    /// says why instead of a bare "No such file or directory"; moved back, the next run brings
    /// the store up with its data.
    @Test func aRebootWithTheImageRenamedSaysWhatIsMissing() throws {
        try withTestRoot { root in
            let (disk, moved) = try rebootWithTheImageRenamed(root)
            _ = try root.sh("btrfs device scan \(disk) >/dev/null")
            let boot = try root.dockstore(["provision"])
            #expect(boot.status == 2 && boot.stderr == "dockstore: \(Self.stillMember(root, moved))\n", "exit \(boot.status): \(boot.stdout)\(boot.stderr)")
            // Attack 25 J7: not the advice for a volume that is missing (mount degraded, remove
            // the missing device), which cannot bring back chunks that are only on the image.
            #expect(!boot.stderr.contains("degraded") && !boot.stderr.contains("attach the missing volume"), "\(boot.stderr)")
            #expect(!(root.read(root.fstab) ?? "").contains("UUID="), "\(root.read(root.fstab) ?? "")")
            _ = try root.sh("mv '\(moved)' '\(root.image)'")
            let again = try root.dockstore(["provision"])
            #expect(again.status == 0, "\(again.stdout)\(again.stderr)")
            #expect(root.read(root.mountpoint + "/marker") == "kept\n")
            let finish = try root.dockstore(["migrate-ebs", disk, "--yes"])
            #expect(finish.status == 0, "\(finish.stdout)\(finish.stderr)")
            #expect(root.read(root.mountpoint + "/marker") == "kept\n")
        }
    }

    static func stillMember(_ root: TestRoot, _ moved: String) -> String {
        let uuid = (try? root.sh("blkid -o value -s UUID '\(moved)'").trimmingCharacters(in: .whitespacesAndNewlines)) ?? "?"
        return "the open migration's image \(root.image) is \(moved) now (renamed, or hard-linked and its name removed: the journal's inode), and it still holds the store's btrfs \(uuid): the move has not passed its point of return, so the volume alone holds only part of the store; put the image back under its name (mv -n \(moved) \(root.image); unmount the store first if it was mounted by hand) and re-run; nothing was changed"
    }

    /// Attack 25 J8: the same reboot, the renamed image attached and scanned by hand: the kernel
    /// has every member, so provision's mount of the store by its UUID succeeds through the
    /// image's file, and provision then blamed "a mount made while dockstore was mounting". It is
    /// the store, through the image renamed away: said as that, with the way back.
    @Test func aRebootWithTheRenamedImageAttachedByHandNamesTheRename() throws {
        try withTestRoot { root in
            let (disk, moved) = try rebootWithTheImageRenamed(root)
            let byHand = try root.sh("losetup -f --show '\(moved)'").trimmingCharacters(in: .whitespacesAndNewlines)
            _ = try root.sh("btrfs device scan \(disk) \(byHand) >/dev/null")
            let before = root.snapshot()
            for arguments in [["provision", "--dry-run"], ["provision"]] {
                let boot = try root.dockstore(arguments)
                #expect(boot.status == 2 && boot.stderr == "dockstore: \(Self.stillMember(root, moved))\n", "exit \(boot.status): \(boot.stdout)\(boot.stderr)")
            }
            #expect(root.mounts().isEmpty && root.changes(since: before).isEmpty, "\(root.changes(since: before))")
            // Attack 24 I3: the image's file attached under its new name is no volume "now".
            let abort = try root.dockstore(["migrate-ebs", disk, "--abort", "--dry-run"])
            #expect(abort.stderr.contains("when it began, is \(disk) now, found by the store's filesystem UUID"), "\(abort.stderr)")
            _ = try root.sh("mv '\(moved)' '\(root.image)'")
            let again = try root.dockstore(["provision"])
            #expect(again.status == 0, "\(again.stdout)\(again.stderr)")
            #expect(root.read(root.mountpoint + "/marker") == "kept\n")
        }
    }

    /// Attack 28 S: a reboot mid-migration with the journal's image renamed in its folder and a
    /// stale copy of the store (same UUID, older) put at its name: the boot mounted the copy, a
    /// silent rollback, and migrate-ebs then moved the copy. The copy is no image of the open
    /// migration: the boot refuses, naming both, with the way back.
    @Test func aStaleCopyAtTheImagesNameIsNotMountedAtBoot() throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "400M"]).status == 0)
            let stale = root.path + "/stale.btrfs"
            _ = try root.sh("sync && cp --sparse=always '\(root.image)' '\(stale)'")
            try root.write(root.mountpoint + "/NEWER", "newer\n")
            let loop = try #require(root.mounts().first { $0.target == root.mountpoint }?.source)
            let disk = try root.attachDisk(megabytes: 1024)
            let killed = try root.dockstore(["migrate-ebs", disk, "--yes"], environment: ["DOCKSTORE_FAILPOINT": "add-device", MigrationMethod.variable: "add-remove"])
            try #require(killed.signal == SIGKILL, "\(killed.stdout) \(killed.stderr)")
            let old = root.image + ".old"
            _ = try root.sh("umount '\(root.mountpoint)'")
            for device in root.loopDevices() where device != disk { _ = try? root.sh("losetup -d \(device)") }
            root.forgetBtrfs([loop, disk])
            _ = try root.sh("mv '\(root.image)' '\(old)' && cp --sparse=always '\(stale)' '\(root.image)'")
            let before = root.snapshot()
            let boot = try root.dockstore(["provision"])
            #expect(boot.status == 2 && boot.stderr.contains("\(root.image) is another file than the image the open migration began with")
                    && boot.stderr.contains("that image is \(old) now, still holding the store's btrfs")
                    && boot.stderr.contains("mv -n \(root.image) \(root.image).aside; mv -n \(old) \(root.image)"), "exit \(boot.status): \(boot.stdout)\(boot.stderr)")
            #expect(root.mounts().isEmpty && root.changes(since: before).isEmpty, "nothing mounted or changed: \(root.changes(since: before))")
            _ = try root.sh("mv '\(root.image)' '\(root.image).aside' && mv '\(old)' '\(root.image)'")
            let again = try root.dockstore(["provision"])
            #expect(again.status == 0, "\(again.stdout)\(again.stderr)")
            #expect(root.read(root.mountpoint + "/NEWER") == "newer\n", "DATA: the newer store is the one mounted")
        }
    }

    /// Attack 28 DI2: past the point of return (fstab already on the volume's UUID), the image
    /// renamed and another btrfs put at its name, which migrate-ebs rightly keeps. status,
    /// provision and migrate-ebs then called the journal another store's while check said OK,
    /// and a reboot mounted nothing. The journal is the store's; the file is only in the way:
    /// the re-run finishes the move, keeping both files and naming them, and a reboot mounts
    /// the volume.
    @Test func anotherBtrfsAtTheImagesNamePastThePointOfReturnIsLeftAlone() throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "400M"]).status == 0)
            try root.write(root.mountpoint + "/marker", "kept\n")
            let disk = try root.attachDisk(megabytes: 1024)
            let orig = root.image + ".orig"
            let other = root.path + "/other.btrfs"
            _ = try root.sh("truncate -s 300M '\(other)' && mkfs.btrfs -q '\(other)'")
            let stopped = try root.runStopped(["migrate-ebs", disk, "--yes"], before: "delete-image") {
                try root.sh("mv '\(root.image)' '\(orig)' && cp --sparse=always '\(other)' '\(root.image)'")
            }
            #expect(stopped.status == 2 && stopped.stderr.contains("is another file than the image this migration began with"), "\(stopped.stderr)")
            for command in [["status"], ["provision"], ["migrate-ebs", disk, "--dry-run"]] {
                let run = try root.dockstore(command)
                // status: the open migration is its one problem (attack 54 X 3), naming the run that finishes it.
                let expected = command == ["status"] ? 4 : 0
                #expect(run.status == expected && !run.stderr.contains("not this store's")
                        && (command != ["status"] || run.stdout.contains("  - a migration is open, onto \(disk) by replace, phase: ")), "\(command): \(run.status) \(run.stdout)\(run.stderr)")
            }
            let check = try root.dockstore(["check"])
            #expect(check.status == 1 && check.stdout.hasPrefix("DOCKSTORE WARNING - a migration is open, onto \(disk) by replace, phase: "), "\(check.stdout)")
            let finish = try root.dockstore(["migrate-ebs", disk, "--yes"])
            #expect(finish.status == 0 && finish.stdout.contains("Kept \(root.image): another file than the image this migration began with"), "\(finish.stdout)\(finish.stderr)")
            #expect(root.status(root.image) != nil && root.status(orig) != nil && root.status(root.path + "/var/lib/dockstore/migration.json") == nil)
            // The closing line says to look at the kept file; moved aside, a reboot mounts the volume.
            _ = try root.sh("umount '\(root.mountpoint)' && mv '\(root.image)' '\(root.image).aside'")
            let boot = try root.dockstore(["provision"])
            #expect(boot.status == 0 && root.read(root.mountpoint + "/marker") == "kept\n", "\(boot.stdout)\(boot.stderr)")
        }
    }

    /// Attack 24 I1: the image hard-linked and its own name removed while the migration is open:
    /// the kernel marks the loop device's file "(deleted)", and provision took the missing name
    /// for a move past its point of return (fstab to `UUID=`, exit 0). The journal's inode, read
    /// through LOOP_GET_STATUS64, is still a member: provision refuses, changing nothing, and
    /// names the link to move back.
    @Test(arguments: [Case(failpoint: "journal", method: "replace"), Case(failpoint: "add-device", method: "add-remove")])
    func theImageLinkedElsewhereAndUnlinkedIsStillTheImage(_ row: Case) throws {
        try withTestRoot { root in
            _ = try interrupted(root, row)
            let link = root.path + "/var/lib/link.btrfs"
            _ = try root.sh("ln '\(root.image)' '\(link)' && rm '\(root.image)'")
            let before = root.snapshot()
            for arguments in [["provision", "--dry-run"], ["provision"]] {
                let run = try root.dockstore(arguments)
                // Attack 24 I2: named as the rename it is, with the way back.
                #expect(run.status == 2 && run.stderrLines.count == 1 && run.stderr.contains("runs on \(link);")
                        && run.stderr.contains("the next boot cannot mount the store the open migration is moving")
                        && run.stderr.contains("mv -n \(link) \(root.image)"),
                        "\(arguments): exit \(run.status): \(run.stdout)\(run.stderr)")
            }
            #expect(root.changes(since: before) == [], "\(root.changes(since: before))")
            #expect(!(root.read(root.fstab) ?? "").contains("UUID="), "\(root.read(root.fstab) ?? "")")
        }
    }

    /// Attack 27 K1: the replace finished in the kernel (the image scratched) but dockstore was
    /// killed before fstab, a power cut, and another btrfs file put at the image's name. The
    /// refusal offered two ways out and nothing told which was true: following "remove the
    /// journal" mounted the other file while the store sat on the attached volume. It now says
    /// whether a device holding the journal's btrfs is attached, and with it the one way out.
    @Test func theRefusalSaysWhetherTheMigrationsVolumeIsAttached() throws {
        try withTestRoot { root in
            let (loop, disk) = try interrupted(root, Case(failpoint: "replace", method: "replace"))
            let uuid = try BtrfsFilesystem.open(root.mountpoint).uuid.lowercased()
            let diskFile = try root.sh("losetup -n -O BACK-FILE '\(disk)'").trimmingCharacters(in: .whitespacesAndNewlines)
            _ = try root.sh("umount '\(root.mountpoint)'")
            let other = root.path + "/other.btrfs"
            _ = try root.sh("truncate -s 300M '\(other)' && mkfs.btrfs -q '\(other)' && mv '\(root.image)' '\(root.image).scratched' && mv '\(other)' '\(root.image)'")
            // Powered off: the volume is gone with the kernel's memory of it.
            _ = try root.sh("losetup -d '\(disk)'")
            root.forgetBtrfs([loop, disk])
            var before = root.snapshot()
            let away = try root.dockstore(["provision"])
            #expect(away.status == 2 && away.stderrLines.count == 1
                    && away.stderr.contains("no device attached here holds the btrfs \(uuid): if that migration is this store's, attach its volume or put its image back at \(root.image) and re-run; if no migration"),
                    "exit \(away.status): \(away.stdout)\(away.stderr)")
            #expect(root.changes(since: before) == [] && root.mounts().isEmpty, "\(root.changes(since: before))")

            let attached = try root.sh("losetup -f --show '\(diskFile)'").trimmingCharacters(in: .whitespacesAndNewlines)
            before = root.snapshot()
            for arguments in [["provision"], ["status"]] {
                let run = try root.dockstore(arguments)
                let said = "\(attached) attached here holds the btrfs \(uuid), so that migration is this store's: move \(root.image) aside"
                #expect(run.status != 0 && (run.stdout + run.stderr).contains(said), "\(arguments): exit \(run.status): \(run.stdout)\(run.stderr)")
                #expect(!(run.stdout + run.stderr).contains("remove \(root.path)/var/lib/dockstore/migration.json"), "\(arguments): \(run.stdout)\(run.stderr)")
            }
            #expect(root.changes(since: before) == [] && root.mounts().isEmpty, "\(root.changes(since: before))")
            // The way out it names brings the store back from the volume.
            _ = try root.sh("mv '\(root.image)' '\(root.image).aside'")
            let boot = try root.dockstore(["provision"])
            #expect(boot.status == 0, "\(boot.stdout)\(boot.stderr)")
            #expect(root.read(root.mountpoint + "/marker") == "kept\n", "DATA: the store came back from the volume")
        }
    }

    /// Attack 24 I4: past the point of return, the image renamed and a copy put at its name: the
    /// re-run finished the move and deleted the copy. It deletes only the inode the journal
    /// recorded; the copy is kept.
    @Test func theFinishingRunDeletesOnlyTheImageItBeganWith() throws {
        try withTestRoot { root in
            let (_, disk) = try interrupted(root, Case(failpoint: "replace", method: "replace"))
            let moved = root.path + "/var/lib/moved.btrfs"
            _ = try root.sh("mv '\(root.image)' '\(moved)' && cp --sparse=always '\(moved)' '\(root.image)'")
            let sum = try root.sh("sha256sum < '\(root.image)'")
            let finish = try root.dockstore(["migrate-ebs", disk, "--yes"])
            #expect(finish.status == 0, "\(finish.stdout)\(finish.stderr)")
            #expect(try root.sh("sha256sum < '\(root.image)'") == sum, "the copy at the image's name was kept")
            #expect(root.status(root.path + "/var/lib/dockstore/migration.json") == nil)
            // Attack 25 J1: both files are named, neither left unsaid.
            #expect(finish.stdout.contains("Kept \(root.image): another file than the image this migration began with was put there since")
                    && finish.stdout.contains("The image this migration began with is \(moved) now (renamed)"), "\(finish.stdout)")
        }
    }

    /// Attack 25 J2: the image hard-linked before the finishing run: its name goes, and the run
    /// said "its blocks freed after the move" while the link kept every block; it names the link.
    @Test func aHardLinkedImageIsSaidToKeepItsBytes() throws {
        try withTestRoot { root in
            let (_, disk) = try interrupted(root, Case(failpoint: "replace", method: "replace"))
            let link = root.path + "/var/lib/hl.btrfs"
            _ = try root.sh("ln '\(root.image)' '\(link)'")
            // The plan says it before the run, not only the closing line after it.
            let plan = try root.dockstore(["migrate-ebs", disk, "--dry-run"])
            #expect(plan.stdout.contains("its blocks stay, kept by the file's 1 other name(s))") && !plan.stdout.contains("blocks freed"), "\(plan.stdout)\(plan.stderr)")
            let finish = try root.dockstore(["migrate-ebs", disk, "--yes"])
            #expect(finish.status == 0, "\(finish.stdout)\(finish.stderr)")
            #expect(finish.stdout.contains("The image's bytes are not freed: the file has 1 other name(s) (hard links), \(link), which keep them"), "\(finish.stdout)")
            #expect(root.status(link) != nil && root.status(root.image) == nil)
        }
    }

    /// Killed after the replace: the store is on the volume (a loop device over a file beside the
    /// image here), the image no member; renaming the image then is no rename of the store.
    @Test func pastThePointOfReturnTheVolumesFileIsNotTheImage() throws {
        try withTestRoot { root in
            let (_, disk) = try interrupted(root, Case(failpoint: "replace", method: "replace"))
            _ = try root.sh("mv '\(root.image)' '\(root.path)/var/lib/moved.btrfs'")
            let check = try root.dockstore(["check"])
            #expect(!check.stdout.contains("moved away"), "\(check.stdout)\(check.stderr)")
            let finish = try root.dockstore(["provision"])
            #expect(finish.status == 0, "\(finish.stdout)\(finish.stderr)")
            let uuid = try root.sh("blkid -o value -s UUID \(disk)").trimmingCharacters(in: .whitespacesAndNewlines)
            #expect((root.read(root.fstab) ?? "").contains("UUID=\(uuid) /var/lib/docker btrfs"), "\(root.read(root.fstab) ?? "")")
            #expect(root.read(root.mountpoint + "/marker") == "kept\n")
        }
    }
}
