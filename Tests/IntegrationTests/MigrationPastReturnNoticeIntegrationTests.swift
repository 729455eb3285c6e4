import DockStoreCore
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Attack 25 J3: a migrate-ebs killed after its replace (the image no member of the store any
/// more), then a reboot: the boot's provision brought the store up on the volume and warned
/// "… with --abort it keeps the store on the image", and `--abort` then refused (past the
/// point of return). The warning now offers only finishing, which works.
@Suite(.serialized, .enabled(if: isRoot, Comment(rawValue: needsRoot)))
struct MigrationPastReturnNoticeIntegrationTests {
    @Test func theBootAfterThePointOfReturnOffersNoAbort() throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "400M"]).status == 0)
            try root.write(root.mountpoint + "/marker", "kept\n")
            let loop = try #require(root.mounts().first { $0.target == root.mountpoint }?.source)
            let disk = try root.attachDisk(megabytes: 1024)
            let killed = try root.dockstore(["migrate-ebs", disk, "--yes"], environment: ["DOCKSTORE_FAILPOINT": "replace"])
            try #require(killed.signal == SIGKILL, "\(killed.stdout) \(killed.stderr)")
            // A reboot: the store unmounted, the image's loop device gone, the volume scanned again.
            _ = try root.sh("umount '\(root.mountpoint)'")
            for device in root.loopDevices() where device != disk { _ = try? root.sh("losetup -d \(device)") }
            root.forgetBtrfs([loop, disk])
            _ = try root.sh("btrfs device scan \(disk) >/dev/null")

            let boot = try root.dockstore(["provision"])
            #expect(boot.status == 0, "\(boot.stdout)\(boot.stderr)")
            #expect(boot.stderr.contains("warning: a migration of the store by replace is open (phase: ")
                    && boot.stderr.contains("(the image is no longer part of the store: the move is past its point of return, and only finishing it is left)")
                    && !boot.stderr.contains("--abort"), "\(boot.stderr)")
            let abort = try root.dockstore(["migrate-ebs", disk, "--abort", "--yes"])
            #expect(abort.status == 2 && abort.stderr.contains("past the point of return"), "\(abort.stdout)\(abort.stderr)")
            let finish = try root.dockstore(["migrate-ebs", disk, "--yes"])
            #expect(finish.status == 0, "\(finish.stdout)\(finish.stderr)")
            #expect(root.read(root.mountpoint + "/marker") == "kept\n")
            #expect(root.status(root.path + "/var/lib/dockstore/migration.json") == nil)
        }
    }
}
