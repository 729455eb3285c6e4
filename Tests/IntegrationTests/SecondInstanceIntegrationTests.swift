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

    /// Attack 22 G2: a second instance attached under another name (a hard link of the image) and
    /// mounted. check as root matches it by the file's device and inode; without root the name
    /// did not match and check said OK. The kernel's `metadata_uuid` of its temporary fsid is the
    /// store's, which any user reads: CRITICAL both ways, in every format.
    @Test func aSecondInstanceThroughAHardLinkIsCriticalWithoutRoot() throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "300M"]).status == 0)
            _ = try root.sh("chmod 755 '\(root.path)'")
            func nobody(_ arguments: [String]) throws -> RunResult {
                try root.run("/usr/bin/setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", TestRoot.binary] + arguments + ["--root", root.path])
            }
            let healthy = try nobody(["check"])
            #expect(healthy.status == 0 && healthy.stdout.hasPrefix("DOCKSTORE OK"), "\(healthy.stdout)\(healthy.stderr)")
            let link = root.path + "/var/lib/hl.btrfs"
            let second = try root.sh("ln '\(root.image)' '\(link)' && losetup -r -f --show '\(link)'").trimmingCharacters(in: .whitespacesAndNewlines)
            let other = root.path + "/mnt/x"
            try root.sh("mkdir -p '\(other)' && mount -o ro \(second) '\(other)'")
            defer { _ = umount2(other, 0); try? LoopDevice.detach(second) }
            let critical = "DOCKSTORE CRITICAL - \(root.image) is also attached to \(second), which is mounted: a second btrfs instance of the store at \(root.mountpoint)"
            for (who, run) in [("root", try root.dockstore(["check"])), ("nobody", try nobody(["check"]))] {
                #expect(run.status == 2 && run.stdout.hasPrefix(critical), "\(who): \(run.stdout)\(run.stderr)")
            }
            let json = try nobody(["check", "--format", "json"])
            #expect(json.status == 2 && json.stdout.contains("\"image_second_instance\""), "\(json.stdout)")
            let prom = try nobody(["check", "--format", "prometheus"])
            #expect(prom.stdout.contains("dockstore_image_second_instances{mountpoint=\"\(root.mountpoint)\"} 1"), "\(prom.stdout)")
        }
    }

    /// Attack 23 H4, H5, H6, check without root against check as root on the same states:
    /// - H6: a hard link of the image attached, not mounted: root WARNING, nobody said OK; the
    ///   kernel's name of its backing file reaches the image's inode by stat(2): WARNING both.
    /// - H4: a copy given its own fsid with `btrfstune -m` (the remedy for copies), mounted: root
    ///   OK, nobody CRITICAL by its `metadata_uuid`; it needs no temporary fsid: OK both.
    /// - H5: a block copy mounted: root `store_copy`; nobody said the image was attached there;
    ///   it now says a second instance or a block copy, and that root tells them apart.
    @Test func withoutRootTheAnswersFollowWhatTheKernelShowsEveryUser() throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "300M"]).status == 0)
            _ = try root.sh("chmod 755 '\(root.path)'")
            func nobody() throws -> RunResult {
                try root.run("/usr/bin/setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", TestRoot.binary, "check", "--root", root.path])
            }
            // H6
            let link = root.path + "/var/lib/hl.btrfs"
            let attached = try root.sh("ln '\(root.image)' '\(link)' && losetup -r -f --show '\(link)'").trimmingCharacters(in: .whitespacesAndNewlines)
            for (who, run) in [("root", try root.dockstore(["check"])), ("nobody", try nobody())] {
                #expect(run.status == 1 && run.stdout.contains("is also attached to \(attached)") && run.stdout.contains("(not mounted)"),
                        "\(who): \(run.stdout)\(run.stderr)")
            }
            // Attack 24 I5: without root it says which name led to it, not "by name only".
            let linked = try nobody()
            #expect(linked.stdout.contains("is also attached to \(attached), through the kernel's name of its backing file, \(link), which reaches the image's file here (a hard link; check as root confirms it is this image) (not mounted)")
                    && !linked.stdout.contains("by the kernel's name of its backing file only"), "\(linked.stdout)")
            try LoopDevice.detach(attached)
            _ = try root.sh("rm '\(link)'")

            // H4 and H5: copies of the image, the store frozen while they are made.
            let tuned = root.path + "/var/lib/tuned.btrfs", copy = root.path + "/var/lib/copy.btrfs"
            _ = try root.sh("sync && fsfreeze -f '\(root.mountpoint)' && cp --sparse=always '\(root.image)' '\(tuned)' && cp --sparse=always '\(root.image)' '\(copy)'; fsfreeze -u '\(root.mountpoint)'")
            _ = try root.sh("btrfstune -m '\(tuned)' </dev/null >/dev/null 2>&1")
            let tunedLoop = try root.sh("losetup -f --show '\(tuned)'").trimmingCharacters(in: .whitespacesAndNewlines)
            let tunedAt = root.path + "/mnt/tuned"
            try root.sh("mkdir -p '\(tunedAt)' && mount -o ro \(tunedLoop) '\(tunedAt)'")
            defer { _ = umount2(tunedAt, 0); try? LoopDevice.detach(tunedLoop) }
            for (who, run) in [("root", try root.dockstore(["check"])), ("nobody", try nobody())] {
                #expect(run.status == 0 && run.stdout.hasPrefix("DOCKSTORE OK"), "\(who), a btrfstune -m copy mounted: \(run.stdout)\(run.stderr)")
            }
            let copyLoop = try root.sh("losetup -r -f --show '\(copy)'").trimmingCharacters(in: .whitespacesAndNewlines)
            let copyAt = root.path + "/mnt/copy"
            try root.sh("mkdir -p '\(copyAt)' && mount -o ro \(copyLoop) '\(copyAt)'")
            defer { _ = umount2(copyAt, 0); try? LoopDevice.detach(copyLoop) }
            let asRoot = try root.dockstore(["check", "--format", "json"])
            #expect(asRoot.status == 2 && asRoot.stdout.contains("\"store_copy\"") && !asRoot.stdout.contains("\"image_second_instance\""), "root: \(asRoot.stdout)")
            let withoutRoot = try nobody()
            #expect(withoutRoot.status == 2 && withoutRoot.stdout.hasPrefix("DOCKSTORE CRITICAL - \(copyLoop) is mounted as a btrfs with the store's on-disk UUID under a temporary fsid: a second instance of \(root.image) attached under another name, or a block copy of it (check as root tells them apart)"),
                    "nobody: \(withoutRoot.stdout)\(withoutRoot.stderr)")
            #expect(!withoutRoot.stdout.contains("is also attached to \(copyLoop)"), "\(withoutRoot.stdout)")
        }
    }
}
