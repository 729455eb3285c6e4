import DockStoreCore
import Foundation
import Testing

/// Attack 22 G5 and G6: the image of dockstore's fstab line is missing (moved away, unmounted),
/// or was renamed while mounted, and a command names another store.
/// - G5: `provision --mountpoint /srv/docker` refused with the one-store rule's "keep that one
///   (dockstore provision --mountpoint /var/lib/docker --image …)", which with the image gone makes
///   a new, empty store; the refusal now says the image is missing and to put it back first.
/// - G6: with the settings naming another image, status took the renamed image's loop device
///   for a device store and advised `migrate-ebs` onto it; status, provision and teardown now
///   say what they say without the settings change: the image moved away while mounted.
@Suite(.serialized, .enabled(if: isRoot, Comment(rawValue: needsRoot)))
struct MissingLineImageElsewhereIntegrationTests {
    /// The store unmounted and its loop device gone, as after a shutdown.
    func unmount(_ root: TestRoot) throws {
        let loops = root.loopDevices()
        _ = try root.sh("umount '\(root.mountpoint)'")
        for loop in root.loopDevices() { _ = try root.sh("losetup -d \(loop)") }
        root.forgetBtrfs(loops)
        #expect(root.loopDevices() == [])
    }

    @Test func anotherMountpointWhileTheLinesImageIsMissingSaysToPutItBackFirst() throws {
        try withTestRoot { root in
            try root.sh("mkdir -p '\(root.path)/srv'")
            try #require(try root.dockstore(["provision", "--size", "300M"]).status == 0)
            try root.write(root.mountpoint + "/marker", "kept\n")
            try unmount(root)
            let aside = root.path + "/run/aside.btrfs"
            _ = try root.sh("mv '\(root.image)' '\(aside)'")
            let line = try #require(root.read(root.fstab)?.split(separator: "\n").first { $0.contains("docker-storage.btrfs") })
            let lineNumber = try #require(root.read(root.fstab)?.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0 == line }) + 1
            let before = root.snapshot()
            let keep = "--mountpoint /var/lib/docker --image /var/lib/docker-storage.btrfs --root \(root.path)"
            let said = "dockstore: \(root.fstab) line \(lineNumber) ('\(line)') mounts a store dockstore set up at \(root.mountpoint) in the image /var/lib/docker-storage.btrfs, not at \(root.path)/srv/docker, and no file is at that path in this root (moved or deleted): dockstore keeps one store per root (Docker's drop-in names one); to keep that store, put its image back at /var/lib/docker-storage.btrfs and run dockstore provision \(keep) (without the image it makes a new, empty store); to give it up, take it down (dockstore teardown \(keep)), then re-run; nothing was changed"
            let args = ["provision", "--size", "300M", "--mountpoint", "/srv/docker", "--image", "/var/lib/store2.btrfs"]
            for run in [args, args + ["--dry-run"]] {
                let refused = try root.dockstore(run)
                #expect(refused.status == 2 && refused.stdout.isEmpty, "\(run): exit \(refused.status): \(refused.stdout)\(refused.stderr)")
                #expect(refused.stderrLines == [Substring(said)], "\(run): \(refused.stderr)")
            }
            #expect(root.changes(since: before) == [], "\(root.changes(since: before))")
            #expect(root.status(root.path + "/var/lib/store2.btrfs") == nil)

            // The advice followed: the image put back, the command it names keeps that store.
            _ = try root.sh("mv '\(aside)' '\(root.image)'")
            let kept = try root.dockstore(["provision", "--mountpoint", "/var/lib/docker", "--image", "/var/lib/docker-storage.btrfs"])
            #expect(kept.status == 0, "\(kept.stdout)\(kept.stderr)")
            #expect(root.read(root.mountpoint + "/marker") == "kept\n")
        }
    }

    @Test func theOtherWayOutGivesUpTheStoreAndLeavesItsImageAlone() throws {
        try withTestRoot { root in
            try root.sh("mkdir -p '\(root.path)/srv'")
            try #require(try root.dockstore(["provision", "--size", "300M"]).status == 0)
            try unmount(root)
            let aside = root.path + "/run/aside.btrfs"
            _ = try root.sh("mv '\(root.image)' '\(aside)'")
            let sum = try root.sh("sha256sum < '\(aside)'")
            let down = try root.dockstore(["teardown", "--mountpoint", "/var/lib/docker", "--image", "/var/lib/docker-storage.btrfs"])
            #expect(down.status == 0, "\(down.stdout)\(down.stderr)")
            #expect(!(root.read(root.fstab) ?? "").contains("docker-storage.btrfs"), "\(root.read(root.fstab) ?? "")")
            #expect(try root.sh("sha256sum < '\(aside)'") == sum)
            _ = try root.sh("rm -f '\(root.path)/etc/dockstore.disabled'")
            let other = try root.dockstore(["provision", "--size", "300M", "--mountpoint", "/srv/docker", "--image", "/var/lib/store2.btrfs"])
            #expect(other.status == 0, "\(other.stdout)\(other.stderr)")
            #expect(root.mounts().map(\.target) == [root.path + "/srv/docker"])
        }
    }

    @Test func settingsNamingAnotherImageWhileTheImageIsRenamedMounted() throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "300M"]).status == 0)
            let loop = try #require(root.mounts().first { $0.target == root.mountpoint }?.source)
            let moved = root.path + "/var/lib/moved.btrfs"
            _ = try root.sh("mv '\(root.image)' '\(moved)'")
            try root.write(root.path + "/etc/sysconfig/dockstore", "DOCKSTORE_IMAGE=\"/var/lib/store2.btrfs\"\n")
            let before = root.snapshot()
            let said = "refusing: the image \(root.image) was moved away while mounted: \(loop) at \(root.mountpoint) runs on \(moved); nothing is at \(root.image) now, so the next boot makes a new, empty store there, so do not unmount it or reboot; move it back before unmounting: mv -n \(moved) \(root.image), and re-run"
            for arguments in [["provision", "--dry-run"], ["provision"], ["teardown", "--dry-run"], ["teardown"]] {
                let run = try root.dockstore(arguments)
                #expect(run.status == 2 && run.stderr == "dockstore: \(said)\n", "\(arguments): exit \(run.status): \(run.stdout)\(run.stderr)")
            }
            let status = try root.dockstore(["status"])
            #expect(status.stdout.contains("store:       image") && !status.stdout.contains("store:       device"), "\(status.stdout)")
            #expect(status.stdout.contains("  - \(said)") && !status.stdout.contains("migrate-ebs"), "\(status.stdout)")
            #expect(status.status == 4, "exit \(status.status): \(status.stdout)\(status.stderr)")
            #expect(root.changes(since: before) == [], "\(root.changes(since: before))")

            // The way back works with the settings left as they are: the store is kept by naming it.
            _ = try root.sh("mv '\(moved)' '\(root.image)'")
            let kept = try root.dockstore(["provision", "--image", "/var/lib/docker-storage.btrfs"])
            #expect(kept.status == 0, "\(kept.stdout)\(kept.stderr)")
        }
    }
}
