import DockStoreCore
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `provision --device X --force` while a format record is on disk (a format killed inside mkfs,
/// of X itself or of another device): the forced format supersedes it, and the record is
/// forgotten after the fstab line, as the unforced path forgets its own. On the old code the
/// record stayed behind after a finished provision (naming a UUID no device carries).
@Suite(.serialized, .enabled(if: isRoot, Comment(rawValue: needsRoot)))
struct FormatRecordForceIntegrationTests {
    @Test(arguments: [true, false])
    func aForcedFormatForgetsTheRecordItSupersedes(sameDevice: Bool) throws {
        try withTestRoot { root in
            let killed = try root.attachDisk(megabytes: 512)
            let recorded = try #require(try FormatRecordIntegrationTests.killInsideMkfs(root, killed))
            let disk = sameDevice ? killed : try root.attachDisk(megabytes: 512)
            // Data on the device: only --force formats it.
            _ = try root.sh("mkfs.ext4 -q -F \(disk)")
            let refused = try root.dockstore(["provision", "--device", disk])
            #expect(refused.status == 2, "\(refused.stdout) \(refused.stderr)")
            let dry = try root.dockstore(["provision", "--device", disk, "--force", "--dry-run"])
            #expect(dry.status == 0, "\(dry.stderr)")
            #expect(dry.stdout.contains("remove \(root.path)\(FormatRecordIntegrationTests.recordPath): the format it records (UUID \(recorded.uuid)) is superseded by this forced format"), "\(dry.stdout)")
            let forced = try root.dockstore(["provision", "--device", disk, "--force"])
            #expect(forced.status == 0, "\(forced.stderr)")
            let uuid = try root.sh("blkid -s UUID -o value \(disk)").trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(try root.sh("blkid -s TYPE -o value \(disk)") == "btrfs\n")
            #expect(uuid != recorded.uuid)
            #expect(root.read(root.fstab) == TestRoot.createdFstab("UUID=\(uuid) /var/lib/docker btrfs nofail,x-systemd.before=dockstore-provision.service 0 0\n"))
            #expect(try FormatRecordIntegrationTests.record(root) == nil, "no record is left behind: \(forced.stdout)")
            let again = try root.dockstore(["provision", "--device", disk])
            #expect(again.status == 0, "\(again.stderr)")
            let down = try root.dockstore(["teardown"])
            #expect(down.status == 0, "\(down.stderr)")
            #expect(root.mounts().isEmpty)
        }
    }
}
