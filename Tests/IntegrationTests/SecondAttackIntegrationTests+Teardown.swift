import DockStoreCore
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Teardown's re-checks, each refusing while dockstore is stopped right before the step
/// (`DOCKSTORE_PAUSE=step:stop`) and something changes meanwhile. Outside attack F4b on issue 15:
/// a tmpfs mounted over the store after planning made the unmount's re-check refuse with exit 2
/// after /etc/dockstore.disabled had already been written; a refusal now leaves nothing changed.
extension SecondAttackIntegrationTests {
    @Test func teardownRefusedAtTheUnmountChangesNothing() throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "200M"]).status == 0)
            let before = root.snapshot()
            let result = try runStopped(root, ["teardown", "--delete-image"], before: "unmount") {
                try root.sh("mount -t tmpfs -o size=1M none '\(root.mountpoint)'")
            }
            #expect(result.status == ExitStatus.refused.rawValue, "\(result.stderr)")
            #expect(result.stderr.contains("on top of each other") && result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
            try root.sh("umount '\(root.mountpoint)'")
            #expect(root.changes(since: before) == [], "a refusal leaves nothing changed")
            let again = try root.dockstore(["teardown", "--delete-image"])
            #expect(again.status == 0, "a re-run finishes: \(again.stderr)")
            #expect(root.status(root.path + "/etc/dockstore.disabled") != nil && root.mounts().isEmpty)
        }
        reliability("teardown refused at the unmount's re-check changes nothing (F4b)", cases: 1, runs: 2)
    }

    /// With --stop-docker the stop comes before the unmount: a refusal then says dockerd was
    /// stopped and how to start it again, and changes nothing else.
    @Test func teardownRefusedAfterStoppingDockerdSaysSo() throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "200M"]).status == 0)
            // A stand-in for dockerd, spawned with SIGTERM at its default disposition.
            let pid = try TeardownIntegrationTests().spawnStandIn(root)
            defer {
                kill(pid, SIGKILL)
                var status: Int32 = 0
                waitpid(pid, &status, 0)
            }
            try root.write(root.path + "/run/docker.pid", "\(pid)\n")
            let before = root.snapshot()
            let result = try runStopped(root, ["teardown", "--stop-docker"], before: "unmount") {
                try root.sh("mount -t tmpfs -o size=1M none '\(root.mountpoint)'")
            }
            try root.sh("umount '\(root.mountpoint)'")
            #expect(result.status == ExitStatus.refused.rawValue, "\(result.stderr)")
            #expect(result.stderr.contains("on top of each other"), "\(result.stderr)")
            #expect(result.stderr.contains("this run had stopped dockerd (pid \(pid)) before: start dockerd again"), "\(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count == 1, "one line: \(result.stderr)")
            #expect(kill(pid, 0) != 0 || DockerDaemon.isZombie(pid), "the stand-in got SIGTERM")
            #expect(root.changes(since: before) == [], "nothing but dockerd changed")
        }
    }

    /// The image is attached to a loop device again before delete-image: not deleted.
    @Test func teardownDeleteImageRechecksTheLoopDevices() throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "200M"]).status == 0)
            var loop = ""
            let result = try runStopped(root, ["teardown", "--delete-image"], before: "delete-image") {
                loop = try root.sh("losetup -f --show '\(root.image)'").trimmingCharacters(in: .whitespacesAndNewlines)
            }
            #expect(result.status == ExitStatus.refused.rawValue, "\(result.stderr)")
            // Not "again": the message cannot tell whether it was attached since, or stayed held.
            #expect(result.stderr.contains("dockstore: \(root.image) is attached to \(loop); not deleting it: detach it (losetup -d \(loop)) and re-run"), "\(result.stderr)")
            #expect(root.status(root.image) != nil, "the image stays")
            try root.sh("losetup -d '\(loop)'")
            let again = try root.dockstore(["teardown", "--delete-image"])
            #expect(again.status == 0, "\(again.stderr)")
            #expect(root.status(root.image) == nil)
        }
    }

    /// The drop-in became an admin's before its removal: kept, and the refusal says why.
    @Test func teardownDropInRechecksItsOwner() throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "200M"]).status == 0)
            let admins = "[Service]\nEnvironment=FOO=1\n"
            let result = try runStopped(root, ["teardown"], before: "drop-in") {
                try root.write(root.dropIn, admins)
            }
            #expect(result.status == ExitStatus.refused.rawValue, "\(result.stderr)")
            #expect(result.stderr.contains("does not start with the lines dockstore writes"), "\(result.stderr)")
            #expect(root.read(root.dropIn) == admins, "the admin's drop-in stays")
        }
    }

    /// The store's device was mounted again before the wipe: nothing wiped.
    @Test func teardownWipeRechecksThatTheDeviceIsNotMounted() throws {
        try withTestRoot { root in
            let disk = try root.attachDisk(megabytes: 512)
            try #require(try root.dockstore(["provision", "--device", disk]).status == 0)
            let elsewhere = root.path + "/elsewhere"
            let result = try runStopped(root, ["teardown", "--wipe-device"], before: "wipe-device") {
                try root.sh("mkdir -p '\(elsewhere)' && mount '\(disk)' '\(elsewhere)'")
            }
            #expect(result.status == ExitStatus.refused.rawValue, "\(result.stderr)")
            #expect(result.stderr.contains("refusing to wipe \(disk): it is mounted at \(elsewhere) again; nothing was wiped, and fstab still names it")
                    && result.stderr.contains("re-run teardown --wipe-device"), "\(result.stderr)")
            try root.sh("umount '\(elsewhere)'")
            #expect(try root.sh("blkid -p -s TYPE -o value \(disk)") == "btrfs\n", "nothing wiped")
            // The wipe comes before the fstab write: fstab still names the device, so the re-run
            // the message asks for finds it, wipes it and finishes.
            #expect(root.read(root.fstab)?.contains("UUID=") == true && root.mounts().isEmpty, "the line stays, nothing mounted")
            let rerun = try root.dockstore(["teardown", "--wipe-device"])
            #expect(rerun.status == 0, "\(rerun.stderr)")
            #expect(BlockProbe.probe(disk) == .unrecognizedData && root.read(root.fstab) == nil, "wiped, and the fstab provision created removed")
        }
    }

    /// The device holds another filesystem by the time of the wipe: nothing wiped.
    @Test func teardownWipeRechecksTheFilesystemUUID() throws {
        try withTestRoot { root in
            let disk = try root.attachDisk(megabytes: 512)
            try #require(try root.dockstore(["provision", "--device", disk]).status == 0)
            let result = try runStopped(root, ["teardown", "--wipe-device"], before: "wipe-device") {
                try root.sh("mkfs.btrfs -q -f -L appdata '\(disk)'")
            }
            #expect(result.status == ExitStatus.refused.rawValue, "\(result.stderr)")
            #expect(result.stderr.contains("not the store's filesystem"), "\(result.stderr)")
            #expect(try root.sh("blkid -p -s LABEL -o value \(disk)") == "appdata\n", "the other filesystem stays")
        }
    }
}
