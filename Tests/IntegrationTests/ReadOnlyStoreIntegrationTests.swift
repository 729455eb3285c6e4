import DockStoreCore
import Foundation
import Testing

/// Attack 31 R 2b, 2c, attack 32 S ro4: a store remounted read-only. grow --to extended the image and told the
/// loop device, then the resize failed with EROFS (exit 1; --dry-run planned it all); reclaim
/// sent the admin to "dockstore check MOUNTPOINT", which check refuses. Both refuse now before
/// anything changes, with check's words for the state and the remount that ends it.
@Suite(.serialized, .enabled(if: isRoot, Comment(rawValue: needsRoot)))
struct ReadOnlyStoreIntegrationTests {
    @Test func growAndReclaimRefuseAReadOnlyStore() throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "256M"]).status == 0)
            _ = try root.sh("mount -o remount,ro '\(root.mountpoint)'")
            let size = try FileStatus.of(root.image)?.size
            let before = root.snapshot()
            let remount = "nothing was changed: remount it read-write (mount -o remount,rw \(root.mountpoint)) and re-run"
            for (arguments, doing) in [(["grow", "--to", "512M", "--dry-run"], "grown"), (["grow", "--to", "512M"], "grown"),
                                       (["reclaim", "--budget", "5s"], "balanced"), (["reclaim", "--budget", "5s", "--dry-run"], "balanced")] {
                let run = try root.dockstore(arguments)
                #expect(run.status == 2 && run.stderrLines.count == 1
                        && run.stderr == "dockstore: \(root.mountpoint) is mounted read-only (mount option ro), so it cannot be \(doing); \(remount)\n",
                        "\(arguments): exit \(run.status): \(run.stdout)\(run.stderr)")
                #expect(root.changes(since: before).isEmpty, "\(arguments): \(root.changes(since: before))")
            }
            #expect(try FileStatus.of(root.image)?.size == size, "the image was not extended")
            // Attack 32 S ro4: migrate-ebs wrote its journal, failed with EROFS and left teardown
            // blocked by the open migration; it refuses first now.
            let disk = try root.attachDisk(megabytes: 600)
            let edges = try root.ends(disk)
            let attached = root.snapshot()
            for (arguments, doing) in [(["migrate-ebs", disk, "--dry-run"], "moved"), (["migrate-ebs", disk, "--yes"], "moved"),
                                       (["migrate-ebs", disk, "--abort", "--yes"], "moved back")] {
                let run = try root.dockstore(arguments)
                #expect(run.status == 2 && run.stderr == "dockstore: \(root.mountpoint) is mounted read-only (mount option ro), so it cannot be \(doing); \(remount)\n",
                        "\(arguments): exit \(run.status): \(run.stdout)\(run.stderr)")
                #expect(root.changes(since: attached).isEmpty, "\(arguments): \(root.changes(since: attached))")
            }
            #expect(try root.ends(disk) == edges, "the volume was not written")
            #expect(try root.dockstore(["teardown", "--dry-run"]).status == 0)
            _ = try root.sh("mount -o remount,rw '\(root.mountpoint)'")
            let grown = try root.dockstore(["grow", "--to", "512M"])
            #expect(grown.status == 0, "\(grown.stdout)\(grown.stderr)")
        }
    }
}
