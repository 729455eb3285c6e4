import DockStoreCore
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Attack 24 I2: the image hard-linked beside itself (`ln IMAGE link.btrfs`), then its own name
/// removed while mounted. The kernel marks the loop device's name "(deleted)" for good, yet the
/// file lives on as `link.btrfs`: every command called it deleted and advised copying the data
/// out of the loop device with dd, never naming the link, which moved back is the whole fix.
/// Now it is the image renamed away, with `mv link.btrfs IMAGE` as the way back; without root
/// (the loop device cannot be opened to match the inode) the stricter "deleted" stays.
@Suite(.serialized, .enabled(if: isRoot, Comment(rawValue: needsRoot)))
struct ImageHardLinkedAwayIntegrationTests {
    @Test func theImageUnlinkedWithAHardLinkBesideItIsRenamedToThatLink() throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "256M"]).status == 0)
            try root.write(root.mountpoint + "/marker", "kept\n")
            let loop = try #require(root.mounts().first { $0.target == root.mountpoint }?.source)
            let link = root.path + "/var/lib/link.btrfs"
            _ = try root.sh("ln '\(root.image)' '\(link)' && rm '\(root.image)' && chmod 755 '\(root.path)'")
            #expect(root.read("/sys/block/\(loop.dropFirst(5))/loop/backing_file") == root.image + " (deleted)\n")
            let disk = try root.attachDisk(megabytes: 512)
            let before = root.snapshot()
            let diskBefore = try root.ends(disk)

            let verdict = "the image \(root.image) was moved away while mounted: \(loop) at \(root.mountpoint) runs on \(link); nothing is at \(root.image) now, so the next boot makes a new, empty store there; move it back before unmounting: mv -n \(link) \(root.image)"
            let check = try root.dockstore(["check"])
            #expect(check.status == 2 && check.stdout.hasPrefix("DOCKSTORE CRITICAL - \(verdict) | "), "\(check.stdout)\(check.stderr)")
            #expect(!check.stdout.contains("dd if="), "\(check.stdout)")
            let refusal = "refusing: \(verdict.dropLast("; move it back before unmounting: mv -n \(link) \(root.image)".count)), so do not unmount it or reboot; move it back before unmounting: mv -n \(link) \(root.image), and re-run"
            for arguments in [["provision"], ["provision", "--dry-run"], ["grow", "--to", "300M"], ["reclaim"], ["reclaim", "--orphans"],
                              ["teardown"], ["migrate-ebs", disk, "--dry-run"], ["migrate-ebs", disk, "--yes"]] {
                let run = try root.dockstore(arguments)
                #expect(run.status == 2 && run.stderrLines.count == 1 && run.stderr.contains("runs on \(link);")
                        && run.stderr.contains("mv -n \(link) \(root.image)") && !run.stderr.contains("copy it out"),
                        "\(arguments): exit \(run.status): \(run.stdout)\(run.stderr)")
                if arguments.first == "provision" { #expect(run.stderr == "dockstore: \(refusal)\n", "\(run.stderr)") }
            }
            let status = try root.dockstore(["status"])
            #expect(status.stdout.contains("  - \(refusal)"), "\(status.stdout)")
            #expect(root.changes(since: before) == [], "\(root.changes(since: before))")
            #expect(try root.ends(disk) == diskBefore)

            // Without root nothing ties the link to the loop device: the stricter verdict stays.
            let nobody = try root.run("/usr/bin/setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", TestRoot.binary, "check", "--root", root.path])
            #expect(nobody.status == 2 && nobody.stdout.hasPrefix("DOCKSTORE CRITICAL - the image \(root.image) was deleted while mounted"),
                    "\(nobody.stdout)\(nobody.stderr)")

            // The advice followed: the store is the image again, and a reboot mounts its data.
            _ = try root.sh("mv '\(link)' '\(root.image)'")
            let after = try root.dockstore(["check"])
            #expect(after.status == 0, "\(after.stdout)\(after.stderr)")
            // Attack 26 L5: the kernel's name stays "(deleted)", and without root the file at the
            // name cannot be matched to the loop device: not "replaced … move the new file aside"
            // (that file is the live image), but UNKNOWN saying only root can tell.
            let nobodyAfter = try root.run("/usr/bin/setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", TestRoot.binary, "check", "--root", root.path])
            #expect(nobodyAfter.status == 3 && nobodyAfter.stdout.contains("only check as root can tell") && !nobodyAfter.stdout.contains("aside"),
                    "\(nobodyAfter.stdout)\(nobodyAfter.stderr)")
            _ = try root.sh("umount '\(root.mountpoint)'")
            let boot = try root.dockstore(["provision"])
            #expect(boot.status == 0, "\(boot.stdout)\(boot.stderr)")
            #expect(root.read(root.mountpoint + "/marker") == "kept\n")
        }
    }

    /// The other way round, a guard for the search: attached through a hard link that was then
    /// removed, while the image's own name still holds the file. The other name found in the
    /// folder is the image itself: nothing is lost or renamed, and check stays OK.
    @Test func aLoopDeviceAttachedThroughARemovedLinkOfTheImageIsTheImage() throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "256M"]).status == 0)
            let link = root.path + "/var/lib/link.btrfs"
            _ = try root.sh("umount '\(root.mountpoint)' && ln '\(root.image)' '\(link)'")
            let loop = try root.sh("losetup -f --show '\(link)'").trimmingCharacters(in: .whitespacesAndNewlines)
            defer { _ = umount2(root.mountpoint, 0); try? LoopDevice.detach(loop) }
            _ = try root.sh("mount \(loop) '\(root.mountpoint)' && rm '\(link)'")
            #expect(root.read("/sys/block/\(loop.dropFirst(5))/loop/backing_file") == link + " (deleted)\n")
            let check = try root.dockstore(["check"])
            #expect(check.status == 0 && check.stdout.hasPrefix("DOCKSTORE OK"), "\(check.stdout)\(check.stderr)")
        }
    }
}
