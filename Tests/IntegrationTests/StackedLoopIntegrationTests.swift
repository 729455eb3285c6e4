import DockStoreCore
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Attack 9 (issue 15), defects 3, 4, 5: a second instance of the store through a loop device
/// stacked on the store's own loop device or device (`losetup -f --show /dev/loopN`), which the
/// kernel mounts with a temporary fsid. Before, check and provision said OK for an image store,
/// check said OK for a device store and teardown --wipe-device wiped the device under the mounted
/// loop device (O_EXCL does not see it), and teardown --delete-image undid everything before it
/// found the image still held. Now each is reported or refused before anything changes.
@Suite(.serialized, .enabled(if: isRoot, Comment(rawValue: needsRoot)))
struct StackedLoopIntegrationTests {
    func attach(_ root: TestRoot, over device: String) throws -> String {
        try root.sh("losetup -f --show '\(device)'").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Unmounts and detaches the loop devices a test stacked (not in the root's cleanup: their
    /// backing "file" is a device node outside the root), the last one first.
    func release(_ root: TestRoot, _ loops: [String]) {
        for loop in loops.reversed() {
            for entry in root.mounts() where entry.source == loop { _ = umount2(entry.target, 0) }
            _ = try? LoopDevice.detach(loop)
        }
    }

    @Test func aLoopDeviceStackedOnTheImagesLoopDeviceIsASecondInstance() throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "300M"]).status == 0)
            let storeLoop = try #require(root.loopDevices().first)
            let second = try attach(root, over: storeLoop)
            var stacked = [second]
            defer { release(root, stacked) }
            let other = root.path + "/mnt/x"
            try root.sh("mkdir -p '\(other)' && mount \(second) '\(other)'")
            let mountpoint = root.mountpoint, image = root.image
            let before = root.snapshot()

            let refusal = "\(image) is also attached to \(second) (a loop device over \(storeLoop)), mounted at \(other): a second btrfs instance of the store at \(mountpoint), and two instances writing one file lose files; stop what writes there, umount \(other) and losetup -d \(second), then re-run; nothing was changed"
            for run in [["provision"], ["provision", "--dry-run"]] {
                let refused = try root.dockstore(run)
                #expect(refused.status == 2, "\(run): \(refused.stdout) \(refused.stderr)")
                #expect(refused.stderrLines == ["dockstore: \(refusal)"], "\(run): \(refused.stderr)")
            }
            let status = try root.dockstore(["status"])
            #expect(status.status == 4 && status.stdout.contains("  - \(refusal)"), "\(status.status) \(status.stdout)")

            let check = try root.dockstore(["check"])
            #expect(check.status == 2, "\(check.stdout)")
            #expect(check.stdout.hasPrefix("DOCKSTORE CRITICAL - \(second) is a loop device over \(storeLoop) (the store's loop device), and it is mounted: a second btrfs instance of the store at \(mountpoint)"), "\(check.stdout)")
            let json = try root.dockstore(["check", "--format", "json"])
            #expect(json.status == 2 && json.stdout.contains("\"image_second_instance\""), "\(json.stdout)")
            let prom = try root.dockstore(["check", "--format", "prometheus"])
            #expect(prom.stdout.contains("dockstore_image_second_instances{mountpoint=\"\(mountpoint)\"} 1"), "\(prom.stdout)")
            #expect(prom.stdout.contains("dockstore_image_second_loops{mountpoint=\"\(mountpoint)\"} 1"), "\(prom.stdout)")
            #expect(prom.stdout.contains("dockstore_device_second_instances{mountpoint=\"\(mountpoint)\"} 0"), "\(prom.stdout)")

            // Defect 5: teardown refuses in planning, before it unmounts or rewrites anything.
            for run in [["teardown", "--delete-image"], ["teardown"], ["teardown", "--delete-image", "--dry-run"]] {
                let refused = try root.dockstore(run)
                #expect(refused.status == 2, "\(run): \(refused.stdout) \(refused.stderr)")
                #expect(refused.stderrLines == ["dockstore: refusing: \(second) (a loop device over \(storeLoop), the store's image's loop device) is mounted at \(other): a second btrfs instance of the store at \(mountpoint), which teardown would leave mounted; nothing was changed: stop what writes there, umount \(other), losetup -d \(second), then re-run"], "\(run): \(refused.stderr)")
            }
            #expect(root.changes(since: before) == [], "the refusals changed the tree")

            // A loop device over the stacked one, mounted: the same, one level further.
            try root.sh("umount '\(other)'")
            let third = try attach(root, over: second)
            stacked.append(third)
            try root.sh("mount \(third) '\(other)'")
            let deeper = try root.dockstore(["check"])
            #expect(deeper.status == 2 && deeper.stdout.hasPrefix("DOCKSTORE CRITICAL - \(third) is a loop device over \(second) (itself over the store's image), and it is mounted"), "\(deeper.stdout)")
            let deeperProvision = try root.dockstore(["provision"])
            #expect(deeperProvision.status == 2 && deeperProvision.stderr.contains("also attached to \(third) (a loop device over \(second)), mounted at \(other)"), "\(deeperProvision.stderr)")
            try root.sh("umount '\(other)'")
            release(root, [third])
            stacked.removeLast()

            // Attached, not mounted: a warning; teardown --delete-image refuses (it holds the image bound).
            let warned = try root.dockstore(["provision"])
            #expect(warned.status == 0, "\(warned.stdout) \(warned.stderr)")
            #expect(warned.stderrLines == ["dockstore: warning: \(image) is also attached to \(second) (a loop device over \(storeLoop)) (not mounted): mounting it would make a second btrfs instance of the store at \(mountpoint), and two instances writing one file lose files; detach it (losetup -d \(second))"], "\(warned.stderr)")
            let checkWarn = try root.dockstore(["check"])
            #expect(checkWarn.status == 1 && checkWarn.stdout.hasPrefix("DOCKSTORE WARNING - \(second) is a loop device over \(storeLoop) (the store's loop device), not mounted"), "\(checkWarn.stdout)")
            let unmountedBefore = root.snapshot()
            let held = try root.dockstore(["teardown", "--delete-image"])
            #expect(held.status == 2 && held.stderrLines == ["dockstore: refusing to delete \(image): \(second) (a loop device over \(storeLoop), the store's image's loop device) holds it bound, so it cannot be detached; nothing was changed: losetup -d \(second), then re-run"], "\(held.stderr)")
            #expect(root.changes(since: unmountedBefore) == [], "the refusal changed the tree")

            release(root, stacked)
            stacked = []
            #expect(try root.dockstore(["check"]).status == 0)
            let down = try root.dockstore(["teardown", "--delete-image"])
            #expect(down.status == 0 && !FileManager.default.fileExists(atPath: image), "\(down.stderr)")
        }
    }

    /// Defect 5 with a plain second loop device over the image, mounted: refused in planning.
    /// Attack 23 H7: a loop device stacked on the store's loop device from byte 65536 cannot be
    /// mounted as the store (no superblock where btrfs reads it); check said "mounting it would
    /// make a second btrfs instance". It stays a WARNING (writes through it land in the store),
    /// saying what it is, for root and for a user who cannot open the loop devices alike.
    @Test func aShiftedLoopDeviceOnTheStoresLoopDeviceIsSaidToBeShifted() throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "300M"]).status == 0)
            _ = try root.sh("chmod 755 '\(root.path)'")
            let storeLoop = try #require(root.loopDevices().first)
            let shifted = try root.sh("losetup -r -o 65536 -f --show '\(storeLoop)'").trimmingCharacters(in: .whitespacesAndNewlines)
            defer { release(root, [shifted]) }
            let said = "DOCKSTORE WARNING - \(shifted) is a loop device over \(storeLoop) (the store's loop device) from byte 65536, not mounted: shifted, it cannot be mounted as the store, but whatever writes to it writes into the store at \(root.mountpoint); detach it (losetup -d \(shifted))"
            let nobody = try root.run("/usr/bin/setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", TestRoot.binary, "check", "--root", root.path])
            for (who, run) in [("root", try root.dockstore(["check"])), ("nobody", nobody)] {
                #expect(run.status == 1 && run.stdout.hasPrefix(said), "\(who): \(run.stdout)\(run.stderr)")
                #expect(!run.stdout.contains("second btrfs instance"), "\(who): \(run.stdout)")
            }
        }
    }

    /// Attack 34 X F5: a second loop device over the image itself from byte 4096 (blkid finds
    /// nothing on it) was said to make "a second btrfs instance" if mounted: check and provision
    /// say it is shifted, for root and for a user who cannot open the loop devices alike.
    /// Attack 36 W 3b: from byte 64 MiB − 64 KiB the superblock's mirror at 64 MiB shows at
    /// 64 KiB, and check called it a block copy (CRITICAL, `btrfstune -u`): the mirror says its
    /// own place (`bytenr`), the kernel refuses to mount it, and it is the same shifted view.
    @Test(arguments: [4096, 67_043_328])
    func aSecondLoopDeviceOverTheImageFromAnOffsetIsSaidToBeShifted(_ offset: Int) throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "300M"]).status == 0)
            _ = try root.sh("chmod 755 '\(root.path)'")
            let shifted = try root.sh("losetup -r -o \(offset) -f --show '\(root.image)'").trimmingCharacters(in: .whitespacesAndNewlines)
            defer { release(root, [shifted]) }
            let words = "is also attached to \(shifted) from byte \(offset) (not mounted): shifted, it cannot be mounted as the store, but whatever writes to it writes into the store at \(root.mountpoint); "
            let nobody = try root.run("/usr/bin/setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", TestRoot.binary, "check", "--root", root.path])
            // Without root it is matched by the kernel's name of its file, which the line says.
            let byName = "is also attached to \(shifted) from byte \(offset), by the kernel's name of its backing file only (check as root tells this image from another root's file of that name) (not mounted): shifted,"
            for (who, run) in [("root", try root.dockstore(["check"])), ("nobody", nobody)] {
                #expect(run.status == 1 && run.stdout.hasPrefix("DOCKSTORE WARNING - \(root.image) \(who == "root" ? words : byName)"), "\(who): \(run.stdout)\(run.stderr)")
                #expect(run.stdout.contains("detach it (losetup -d \(shifted))"), "\(who): \(run.stdout)")
                #expect(!run.stdout.contains("second btrfs instance"), "\(who): \(run.stdout)")
            }
            let provision = try root.dockstore(["provision"])
            #expect(provision.status == 0 && provision.stderr.contains(words + "detach it (losetup -d \(shifted))"), "\(provision.stdout)\(provision.stderr)")
            #expect(!provision.stderr.contains("second btrfs instance"), "\(provision.stderr)")
        }
    }

    /// Attack 36 W 3c: a second loop device over the image limited to 512 bytes or 1 MiB was said
    /// to make "a second btrfs instance" if mounted. The kernel refuses to mount a view shorter
    /// than the store's device as btrfs records it (also 1 MiB short), so check and provision
    /// say it is truncated; one limited to the whole image is a second instance as before.
    /// A loop device stacked on the store's loop device with a limit is said the same.
    @Test(arguments: [512, 1_048_576, 313_524_224, 314_572_800])
    func aSecondLoopDeviceOverTheImageWithASizeLimitIsSaidToBeTruncated(_ limit: Int) throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "300M"]).status == 0)
            let storeLoop = try #require(root.loopDevices().first)
            _ = try root.sh("chmod 755 '\(root.path)'")
            let limited = try root.sh("losetup -r --sizelimit \(limit) -f --show '\(root.image)'").trimmingCharacters(in: .whitespacesAndNewlines)
            defer { release(root, [limited]) }
            let truncated = limit < 314_572_800
            if truncated {
                // The kernel as the oracle: a view shorter than the store's device does not mount.
                let mounts = try root.sh("mkdir -p '\(root.path)/probe' && mount -o ro \(limited) '\(root.path)/probe' 2>/dev/null && umount '\(root.path)/probe' && echo mounted || echo refused")
                #expect(mounts.contains("refused"), "the kernel mounted a view of \(limit) bytes")
            }
            let words = "is also attached to \(limited), \(limit) bytes long (not mounted): truncated, shorter than the store's 314572800 bytes, it cannot be mounted as the store, but whatever writes to it writes into the store at \(root.mountpoint); detach it (losetup -d \(limited))"
            let check = try root.dockstore(["check"])
            let provision = try root.dockstore(["provision"])
            if truncated {
                #expect(check.status == 1 && check.stdout.hasPrefix("DOCKSTORE WARNING - \(root.image) \(words)"), "\(check.stdout)\(check.stderr)")
                #expect(provision.status == 0 && provision.stderr.contains(words), "\(provision.stdout)\(provision.stderr)")
            } else {
                #expect(check.stdout.contains("\(limited) (not mounted): mounting it would make a second btrfs instance"), "\(check.stdout)")
                #expect(provision.status == 0 && provision.stderr.contains("\(limited) (not mounted): mounting it would make a second btrfs instance"), "\(provision.stderr)")
            }
            for run in [check, provision] { #expect(truncated == !(run.stdout + run.stderr).contains("second btrfs instance"), "\(run.stdout)\(run.stderr)") }
            release(root, [limited])
            let stacked = try root.sh("losetup -r --sizelimit \(limit) -f --show '\(storeLoop)'").trimmingCharacters(in: .whitespacesAndNewlines)
            defer { release(root, [stacked]) }
            let stackedCheck = try root.dockstore(["check"])
            let stackedWords = "\(stacked) is a loop device over \(storeLoop) (the store's loop device), \(limit) bytes long, not mounted: truncated, shorter than the store's 314572800 bytes, it cannot be mounted as the store"
            #expect(stackedCheck.status == 1 && truncated == stackedCheck.stdout.contains(stackedWords), "\(stackedCheck.stdout)\(stackedCheck.stderr)")
            let stackedProvision = try root.dockstore(["provision"])
            #expect(stackedProvision.status == 0 && truncated == stackedProvision.stderr.contains(", \(limit) bytes long (not mounted): truncated"), "\(stackedProvision.stderr)")
        }
    }

    /// Attack 38 U S8: a second loop device over the image attached before `grow` keeps the old
    /// size: shorter than the store now, it cannot be mounted as the store either (the wording
    /// follows the loop device's size, not only a size limit).
    /// Attack 39 T F7: the same loop device, with the store unmounted (a reboot): provision
    /// mounted through it and failed "bad superblock". Refused now, naming it truncated.
    @Test func provisionRefusesAStaleShortLoopDeviceOverTheImage() throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "300M"]).status == 0)
            let stale = try root.sh("losetup -f --show '\(root.image)'").trimmingCharacters(in: .whitespacesAndNewlines)
            defer { release(root, [stale]) }
            try #require(try root.dockstore(["grow", "--to", "400M"]).status == 0)
            let store = try root.sh("findmnt -rn -o SOURCE '\(root.mountpoint)'").trimmingCharacters(in: .whitespacesAndNewlines)
            _ = try root.sh("umount '\(root.mountpoint)' && (losetup -d \(store) 2>/dev/null || true)")
            let before = root.snapshot()
            // check names it as what keeps the store down (it said only "nothing is mounted").
            let check = try root.dockstore(["check"])
            #expect(check.status == 3 && check.stdout.contains("nothing is mounted at \(root.mountpoint): Docker's storage is not there, and dockstore provision cannot mount it: \(stale) (314572800 bytes long")
                    && check.stdout.contains("detach it (losetup -d \(stale)) and run dockstore provision"), "\(check.stdout)\(check.stderr)")
            // Without root (attack 43 P C11n), by the kernel's name of its file in sysfs.
            _ = try root.sh("chmod 755 '\(root.path)'")
            let nobody = try root.run("/usr/bin/setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", TestRoot.binary, "check", "--root", root.path])
            #expect(nobody.status == 3 && nobody.stdout.contains("dockstore provision cannot mount it: \(stale) (314572800 bytes long")
                    && nobody.stdout.contains("matched by the kernel's name of its file") && nobody.stdout.contains("detach it (losetup -d \(stale))"),
                    "\(nobody.stdout)\(nobody.stderr)")
            let run = try root.dockstore(["provision"])
            #expect(run.status == ExitStatus.refused.rawValue && run.stderr.contains("\(stale) (314572800 bytes long, shorter than the image's 419430400 bytes (attached before it grew): truncated) is bound to")
                    && run.stderr.contains("detach it (losetup -d \(stale))"), "\(run.stdout)\(run.stderr)")
            #expect(root.changes(since: before).isEmpty, "\(root.changes(since: before))")
            release(root, [stale])
            let unmounted = try root.dockstore(["check"])
            #expect(unmounted.status == 3 && !unmounted.stdout.contains("cannot mount it"), "\(unmounted.stdout)")
            let again = try root.dockstore(["provision"])
            #expect(again.status == 0, "\(again.stdout)\(again.stderr)")
        }
    }

    @Test func aSecondLoopDeviceAttachedBeforeAGrowIsSaidToBeTruncated() throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "300M"]).status == 0)
            let second = try root.sh("losetup -r -f --show '\(root.image)'").trimmingCharacters(in: .whitespacesAndNewlines)
            defer { release(root, [second]) }
            let before = try root.dockstore(["check"])
            #expect(before.stdout.contains("\(second) (not mounted): mounting it would make a second btrfs instance"), "\(before.stdout)")
            let grow = try root.dockstore(["grow", "--to", "400M"])
            try #require(grow.status == 0, "\(grow.stdout)\(grow.stderr)")
            // Attack 39 T F7: grow says so, as it leaves it short.
            #expect(grow.stderr.contains("\(root.image) is also attached to \(second): it keeps its size, so after the grow it is shorter than the store and cannot be mounted as it")
                    && grow.stderr.contains("detach it (losetup -d \(second))"), "\(grow.stderr)")
            let check = try root.dockstore(["check"])
            #expect(check.status == 1 && check.stdout.contains("is also attached to \(second), 314572800 bytes long (not mounted): truncated, shorter than the store's 419430400 bytes, it cannot be mounted as the store"),
                    "\(check.stdout)\(check.stderr)")
        }
    }

    @Test func teardownRefusesAMountedSecondLoopOverTheImageBeforeItChangesAnything() throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "300M"]).status == 0)
            let second = try attach(root, over: root.image)
            defer { release(root, [second]) }
            let other = root.path + "/mnt/x"
            try root.sh("mkdir -p '\(other)' && mount \(second) '\(other)'")
            let before = root.snapshot()
            let refused = try root.dockstore(["teardown", "--delete-image"])
            #expect(refused.status == 2, "\(refused.stdout) \(refused.stderr)")
            #expect(refused.stderrLines == ["dockstore: refusing: \(second) (a second loop device over \(root.image)) is mounted at \(other): a second btrfs instance of the store at \(root.mountpoint), which teardown would leave mounted; nothing was changed: stop what writes there, umount \(other), losetup -d \(second), then re-run"], "\(refused.stderr)")
            #expect(root.changes(since: before) == [], "the refusal changed the tree")
            #expect(FileManager.default.fileExists(atPath: root.image))
        }
    }

    /// Defect 4: a loop device stacked on a device store's device, mounted elsewhere.
    @Test func aMountedLoopDeviceOverTheStoresDeviceIsCriticalAndNeverWiped() throws {
        try withTestRoot { root in
            let disk = try root.attachDisk(megabytes: 512)
            try #require(try root.dockstore(["provision", "--device", disk]).status == 0)
            let second = try attach(root, over: disk)
            defer { release(root, [second]) }
            let other = root.path + "/mnt/x"
            try root.sh("mkdir -p '\(other)' && mount \(second) '\(other)' && echo precious > '\(other)/precious' && sync")
            let before = root.snapshot()

            let check = try root.dockstore(["check"])
            #expect(check.status == 2 && check.stdout.contains("\(second) is a loop device over \(disk)") && check.stdout.contains("and it is mounted"), "\(check.stdout)")
            for run in [["teardown", "--wipe-device"], ["teardown", "--wipe-device", "--dry-run"], ["teardown"]] {
                let refused = try root.dockstore(run)
                #expect(refused.status == 2, "\(run): \(refused.stdout) \(refused.stderr)")
                #expect(refused.stderrLines == ["dockstore: refusing: \(second) (a loop device over \(disk), the store's device) is mounted at \(other): a second btrfs instance of the store at \(root.mountpoint), which teardown would leave mounted; nothing was changed: stop what writes there, umount \(other), losetup -d \(second), then re-run"], "\(run): \(refused.stderr)")
            }
            let provision = try root.dockstore(["provision", "--device", disk])
            #expect(provision.status == 2 && provision.stderr.contains("\(second) (a loop device over it)"), "\(provision.stderr)")
            #expect(root.changes(since: before) == [], "the refusals changed the tree")
            #expect(try root.sh("blkid -p -s TYPE -o value \(disk)") == "btrfs\n", "nothing wiped")
            #expect(try root.sh("cat '\(other)/precious'") == "precious\n")
        }
    }

    /// Defect 4 at the wipe's re-check: the stacked loop device is mounted after teardown looked.
    @Test func teardownWipeRechecksForAMountedLoopDeviceOverTheDevice() throws {
        try withTestRoot { root in
            let disk = try root.attachDisk(megabytes: 512)
            try #require(try root.dockstore(["provision", "--device", disk]).status == 0)
            var stacked: [String] = []
            defer { release(root, stacked) }
            let other = root.path + "/mnt/x"
            let result = try root.runStopped(["teardown", "--wipe-device"], before: "wipe-device") {
                let second = try attach(root, over: disk)
                stacked.append(second)
                try root.sh("mkdir -p '\(other)' && mount \(second) '\(other)'")
            }
            let second = try #require(stacked.first)
            #expect(result.status == 2, "\(result.stderr)")
            #expect(result.stderrLines.last == "dockstore: refusing to wipe \(disk): \(second) (a loop device over it) is mounted at \(other), a second instance of its filesystem; nothing was wiped, and fstab still names it: umount \(other), losetup -d \(second), then re-run teardown --wipe-device", "\(result.stderr)")
            #expect(try root.sh("blkid -p -s TYPE -o value \(disk)") == "btrfs\n", "nothing wiped")
        }
    }
    /// Defect 5's message: a loop device over the image mounted after teardown looked is named
    /// with its mount at the delete-image re-check, and the message does not say "again".
    @Test func theDeleteImageRecheckNamesTheMountOfTheLoopDeviceHoldingTheImage() throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "300M"]).status == 0)
            var loops: [String] = []
            defer { release(root, loops) }
            let other = root.path + "/mnt/x"
            let result = try root.runStopped(["teardown", "--delete-image"], before: "delete-image") {
                let second = try attach(root, over: root.image)
                loops.append(second)
                try root.sh("mkdir -p '\(other)' && mount \(second) '\(other)'")
            }
            let second = try #require(loops.first)
            #expect(result.status == 2, "\(result.stderr)")
            #expect(result.stderrLines.last == "dockstore: \(root.image) is attached to \(second); \(second) is mounted at \(other); not deleting it: umount \(other), losetup -d \(second), then re-run", "\(result.stderr)")
            #expect(FileManager.default.fileExists(atPath: root.image), "the image stays")
        }
    }

    /// Attack 44 O 3c: a loop device left over the file the image replaced (a copy moved over
    /// it: same UUID, devid and device UUID, the old file deleted) carries the same member as
    /// the image. provision mounted the image beside it ("ready"), and the next boot's UUID=
    /// may mount either. It refuses before mounting, naming both, and mounts once it is gone.
    @Test func provisionRefusesALoopDeviceOverTheFileTheImageReplaced() throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "256M"]).status == 0)
            let store = try root.sh("findmnt -rn -o SOURCE '\(root.mountpoint)'").trimmingCharacters(in: .whitespacesAndNewlines)
            _ = try root.sh("umount '\(root.mountpoint)' && (losetup -d \(store) 2>/dev/null || true)")
            let old = try root.sh("losetup -f --show '\(root.image)'").trimmingCharacters(in: .whitespacesAndNewlines)
            defer { release(root, [old]) }
            _ = try root.sh("cp --sparse=always '\(root.image)' '\(root.image).new' && mv '\(root.image).new' '\(root.image)'")
            let before = root.snapshot()
            let run = try root.dockstore(["provision"])
            #expect(run.status == ExitStatus.refused.rawValue && run.stderrLines.count == 1 && run.stderr.contains("block copies")
                    && run.stderr.contains(root.image) && run.stderr.contains(old), "\(run.stdout)\(run.stderr)")
            #expect(root.changes(since: before).isEmpty, "\(root.changes(since: before))")
            #expect(root.mounts().first { $0.target == root.mountpoint } == nil, "mounted beside its copy")
            release(root, [old])
            let again = try root.dockstore(["provision"])
            #expect(again.status == 0, "\(again.stdout)\(again.stderr)")
            let check = try root.dockstore(["check"])
            #expect(check.status == 0, "\(check.stdout)")
        }
    }
}
