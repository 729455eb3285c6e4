import DockStoreCore
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Attack 8, F5: the store's image attached to a second loop device and mounted at another
/// path while the store is mounted at /var/lib/docker: the kernel mounts a second btrfs
/// instance of the same bytes, and two instances writing one file lose files. Before, provision
/// said "in place; nothing to do" (exit 0), status "in place" and check OK. Now provision
/// refuses naming the second loop device and its mount (nothing changed), status reports it,
/// check is CRITICAL in every format; once it is unmounted but still attached, provision warns
/// and check is WARNING; once detached, all is in place again.
@Suite(.serialized, .enabled(if: isRoot, Comment(rawValue: needsRoot)))
struct SecondInstanceIntegrationTests {
    @Test func aSecondInstanceOfTheImageIsRefusedReportedAndCritical() throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "300M"]).status == 0)
            let second = try root.sh("losetup -f --show '\(root.image)'").trimmingCharacters(in: .whitespacesAndNewlines)
            let other = root.path + "/mnt/x"
            try root.sh("mkdir -p '\(other)' && mount \(second) '\(other)'")
            let mountpoint = root.mountpoint, image = root.image

            let before = root.snapshot()
            let refusal = "\(image) is also attached to \(second), mounted at \(other): a second btrfs instance of the store at \(mountpoint), and two instances writing one file lose files; stop what writes there, umount \(other) and losetup -d \(second), then re-run; nothing was changed"
            for run in [["provision"], ["provision", "--dry-run"]] {
                let refused = try root.dockstore(run)
                #expect(refused.status == 2, "\(run): \(refused.stdout) \(refused.stderr)")
                #expect(refused.stderrLines == ["dockstore: \(refusal)"], "\(run): \(refused.stderr)")
                #expect(root.changes(since: before) == [], "\(run) changed the tree")
            }
            let status = try root.dockstore(["status"])
            #expect(status.status == 4 && status.stdout.contains("  - \(refusal)"), "\(status.status) \(status.stdout)")

            let check = try root.dockstore(["check"])
            #expect(check.status == 2, "\(check.stdout)")
            #expect(check.stdout.hasPrefix("DOCKSTORE CRITICAL - \(image) is also attached to \(second), which is mounted: a second btrfs instance of the store at \(mountpoint)"), "\(check.stdout)")
            let json = try root.dockstore(["check", "--format", "json"])
            #expect(json.status == 2 && json.stdout.contains("\"image_second_instance\""), "\(json.stdout)")
            let prom = try root.dockstore(["check", "--format", "prometheus"])
            #expect(prom.stdout.contains("dockstore_image_second_instances{mountpoint=\"\(mountpoint)\"} 1"), "\(prom.stdout)")
            #expect(prom.stdout.contains("dockstore_image_second_loops{mountpoint=\"\(mountpoint)\"} 1"), "\(prom.stdout)")

            // Unmounted, still attached: anyone can mount it again; a warning, not a refusal.
            try root.sh("umount '\(other)'")
            let warned = try root.dockstore(["provision"])
            #expect(warned.status == 0, "\(warned.stdout) \(warned.stderr)")
            #expect(warned.stderrLines == ["dockstore: warning: \(image) is also attached to \(second) (not mounted): mounting it would make a second btrfs instance of the store at \(mountpoint), and two instances writing one file lose files; detach it (losetup -d \(second))"], "\(warned.stderr)")
            let checkWarn = try root.dockstore(["check"])
            #expect(checkWarn.status == 1 && checkWarn.stdout.hasPrefix("DOCKSTORE WARNING - \(image) is also attached to \(second) (not mounted)"), "\(checkWarn.stdout)")

            try root.sh("losetup -d \(second)")
            let clean = try root.dockstore(["provision"])
            #expect(clean.status == 0 && clean.stderr.isEmpty, "\(clean.stdout) \(clean.stderr)")
            #expect(try root.dockstore(["status"]).status == 0)
            #expect(try root.dockstore(["check"]).status == 0)
        }
    }
}
