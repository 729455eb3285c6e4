import DockStoreCore
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// After a finished move (fstab mounts the volume by `UUID=` with dockstore's ordering option),
/// a file of another btrfs at the image's name: one migrate-ebs kept there (attack 28 DI2), a
/// restored backup. The boot's provision took the file for the store: with nothing mounted it
/// said "attach the volume" (attached) and then "to move the image onto the volume, run
/// migrate-ebs"; with the volume mounted by systemd's own mount of the line, "unmount it",
/// every boot, while status and check said in place (status, before the boot, said to move the
/// file onto the volume). fstab's volume line is the store: the boot mounts the volume, says
/// the file is another btrfs, and leaves the file alone.
@Suite(.serialized, .enabled(if: isRoot, Comment(rawValue: needsRoot)))
struct OtherBtrfsAtImageNameIntegrationTests {
    func movedStore(_ root: TestRoot) throws -> (disk: String, uuid: String, other: String) {
        try #require(try root.dockstore(["provision", "--size", "400M"]).status == 0)
        try root.write(root.mountpoint + "/marker", "kept\n")
        let disk = try root.attachDisk(megabytes: 1024)
        let moved = try root.dockstore(["migrate-ebs", disk, "--yes"])
        try #require(moved.status == 0, "\(moved.stdout)\(moved.stderr)")
        let uuid = try root.sh("blkid -p -o value -s UUID \(disk)").trimmingCharacters(in: .whitespacesAndNewlines)
        _ = try root.sh("truncate -s 300M '\(root.image)' && mkfs.btrfs -q '\(root.image)'")
        let other = try root.sh("blkid -p -o value -s UUID '\(root.image)'").trimmingCharacters(in: .whitespacesAndNewlines)
        try #require(!uuid.isEmpty && !other.isEmpty && uuid != other)
        return (disk, uuid, other)
    }

    func expectWarned(_ run: RunResult, _ root: TestRoot, other: String, uuid: String, _ what: String) {
        #expect(run.stderrLines.count == 1 && run.stderr.contains("warning: \(root.image) holds another btrfs (\(other)) than the store fstab mounts from UUID=\(uuid)")
                && run.stderr.contains("dockstore leaves that file alone"), "\(what): \(run.stderr)")
    }

    @Test func theBootMountsTheVolumeAndLeavesTheFileAlone() throws {
        try withTestRoot { root in
            let (disk, uuid, other) = try movedStore(root)
            let fstab = root.read(root.fstab)
            let file = try Data(contentsOf: URL(fileURLWithPath: root.image))
            _ = try root.sh("umount '\(root.mountpoint)'")

            let status = try root.dockstore(["status"])
            #expect(status.stdout.contains("not mounted: mount \(disk) (btrfs)") && !status.stdout.contains("loopback image"), "\(status.stdout)")
            let plan = try root.dockstore(["provision", "--dry-run"])
            #expect(plan.status == 0 && plan.stdout.contains("[mount] mount \(disk)"), "\(plan.stdout)\(plan.stderr)")
            expectWarned(plan, root, other: other, uuid: uuid, "the dry run")
            let boot = try root.dockstore(["provision"])
            #expect(boot.status == 0, "\(boot.stdout)\(boot.stderr)")
            expectWarned(boot, root, other: other, uuid: uuid, "the boot")
            #expect(root.read(root.mountpoint + "/marker") == "kept\n", "DATA: the volume's store is mounted")
            #expect(root.read(root.fstab) == fstab)
            #expect(try Data(contentsOf: URL(fileURLWithPath: root.image)) == file, "the other btrfs file is unchanged")
            #expect(try root.dockstore(["check"]).status == 0)
            #expect(try root.dockstore(["status"]).status == 0)

            // systemd mounted the line before the unit ran: in place, the same warning.
            _ = try root.sh("umount '\(root.mountpoint)' && mount \(disk) '\(root.mountpoint)'")
            let mounted = try root.dockstore(["provision"])
            #expect(mounted.status == 0 && mounted.stdout.contains("Docker's storage is in place: \(disk) mounted"), "\(mounted.stdout)\(mounted.stderr)")
            expectWarned(mounted, root, other: other, uuid: uuid, "mounted by systemd")

            // Attack 30 2-del: teardown --delete-image deleted the file provision had just left alone.
            let kept = root.snapshot()
            for arguments in [["teardown", "--delete-image", "--dry-run"], ["teardown", "--delete-image"]] {
                let teardown = try root.dockstore(arguments)
                #expect(teardown.status == 2 && teardown.stderrLines.count == 1
                        && teardown.stderr.contains("refusing to delete \(root.image): the store teardown takes down is on the volume UUID=\(uuid)"),
                        "\(arguments): \(teardown.stdout)\(teardown.stderr)")
            }
            #expect(root.changes(since: kept) == [], "\(root.changes(since: kept))")
            #expect(try Data(contentsOf: URL(fileURLWithPath: root.image)) == file, "the other btrfs file is unchanged")

            // The volume missing at a boot: refused, naming the file as another btrfs, nothing changed.
            _ = try root.sh("umount '\(root.mountpoint)'")
            root.forgetBtrfs([disk])
            let backing = try root.sh("losetup -n -O BACK-FILE \(disk)").trimmingCharacters(in: .whitespacesAndNewlines)
            _ = try root.sh("losetup -d \(disk)")
            let before = root.snapshot()
            let missing = try root.dockstore(["provision"])
            #expect(missing.status == 2 && missing.stderrLines.count == 1
                    && missing.stderr.contains("\(root.image) holds another btrfs (\(other)), not that store, but no device holds that filesystem now: attach the volume"),
                    "\(missing.stderr)")
            #expect(root.changes(since: before) == [], "\(root.changes(since: before))")
            let again = try root.sh("losetup -f --show '\(backing)'").trimmingCharacters(in: .whitespacesAndNewlines)
            let back = try root.dockstore(["provision"])
            #expect(back.status == 0 && root.read(root.mountpoint + "/marker") == "kept\n", "attached as \(again): \(back.stdout)\(back.stderr)")
        }
    }

    /// A copy of the store itself (the volume's UUID) at the image's name stays refused: which of
    /// the two is current cannot be told, and neither is mounted.
    @Test func aCopyOfTheStoreAtTheImagesNameIsStillRefused() throws {
        try withTestRoot { root in
            let (disk, _, _) = try movedStore(root)
            _ = try root.sh("umount '\(root.mountpoint)' && rm '\(root.image)' && cp --sparse=always \(disk) '\(root.image)'")
            let before = root.snapshot()
            let boot = try root.dockstore(["provision"])
            #expect(boot.status == 2 && boot.stderrLines.count == 1, "\(boot.stdout)\(boot.stderr)")
            #expect(root.changes(since: before) == [], "\(root.changes(since: before))")
            let teardown = try root.dockstore(["teardown", "--delete-image"])
            #expect(teardown.status == 2 && teardown.stderr.contains("refusing to delete \(root.image): the store teardown takes down is on the volume"),
                    "\(teardown.stdout)\(teardown.stderr)")
            #expect(root.changes(since: before) == [], "\(root.changes(since: before))")
        }
    }
}
