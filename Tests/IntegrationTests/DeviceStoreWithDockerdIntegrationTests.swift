import Foundation
import Testing

/// A device store with a running dockerd (attack 13 X1): dockerd's btrfs driver bind-mounts its
/// home, `DATA_ROOT/btrfs`, onto itself at every start, so the volume shows mounted a second
/// time below the store's mountpoint. That is Docker's own mount of the store: provision finds
/// it in place and status sees no problem, as for an image store. Before, both told the admin
/// to unmount Docker's driver mount under a running dockerd (exit 2 and 4).
@Suite(.serialized, .enabled(if: isRoot && hasDockerd, Comment(rawValue: needsDockerd)))
struct DeviceStoreWithDockerdIntegrationTests {
    @Test func provisionAndStatusFindTheStoreInPlaceWhileDockerdRuns() throws {
        try withTestRoot { root in
            let disk = try root.attachDisk(megabytes: 1024)
            let up = try root.dockstore(["provision", "--device", disk])
            #expect(up.status == 0, "\(up.stderr)")
            let (dockerd, log) = try Dockerd.start(in: root, dataRoot: root.mountpoint)
            defer { dockerd?.stop() }
            _ = try #require(dockerd, "dockerd refused: \(log)")
            let targets = try root.sh("findmnt -rn -S \(disk) -o TARGET").split(separator: "\n").map(String.init)
            #expect(targets.contains(root.mountpoint + "/btrfs"), "dockerd's driver mount is there: \(targets)")
            for arguments in [["provision", "--device", disk], ["provision"]] {
                let again = try root.dockstore(arguments)
                #expect(again.status == 0 && again.stdout.contains("Docker's storage is in place"), "\(arguments): \(again.stdout) \(again.stderr)")
            }
            let status = try root.dockstore(["status"])
            #expect(status.status == 0 && !status.stdout.contains("problem"), "\(status.stdout) \(status.stderr)")
            // The volume mounted somewhere else still refuses.
            try root.sh("mkdir -p '\(root.path)/elsewhere' && mount \(disk) '\(root.path)/elsewhere'")
            defer { _ = try? root.sh("umount '\(root.path)/elsewhere' 2>/dev/null") }
            let refused = try root.dockstore(["provision", "--device", disk])
            #expect(refused.status == 2 && refused.stderr.contains("is mounted at \(root.path)/elsewhere; unmount it first")
                    && !refused.stderr.contains(root.mountpoint + "/btrfs"), "\(refused.stderr)")
            try root.sh("umount '\(root.path)/elsewhere'")
            // teardown plans to stop Docker (which takes its driver mount away) before it unmounts
            // and wipes; before, it refused the driver mount as "mounted elsewhere" (X1td).
            let plan = try root.dockstore(["teardown", "--stop-docker", "--wipe-device", "--dry-run"])
            #expect(plan.status == 0 && plan.stdout.contains("[stop-docker]") && plan.stdout.contains("[wipe-device]"), "\(plan.stdout) \(plan.stderr)")
            dockerd?.stop()
            let down = try root.dockstore(["teardown", "--wipe-device"])
            #expect(down.status == 0, "\(down.stdout) \(down.stderr)")
            #expect(root.mounts().isEmpty, "nothing of the store is mounted")
            #expect(try root.sh("blkid -p \(disk) || true").isEmpty, "the volume was wiped")
        }
    }
}
