import DockStoreCore
import Foundation
import Testing

/// Attack 12, B04: the ext4 holding the image stops writing after an error
/// (`errors=remount-ro`; since Linux 6.x it says so only as `emergency_ro` in its superblock
/// options, statvfs still saying read-write). Every block the sparse image has not allocated
/// yet is then a write that fails, so check says CRITICAL before Docker writes, not after.
@Suite(.serialized, .enabled(if: isRoot, Comment(rawValue: needsRoot)))
struct HostReadOnlyIntegrationTests {
    @Test func checkIsCriticalWhenTheFilesystemHoldingTheImageStopsWriting() throws {
        try withTestRoot { root in
            let host = root.path + "/host.img"
            _ = try root.sh("truncate -s 1G '\(host)' && mkfs.ext4 -q '\(host)' && mkdir -p '\(root.path)/var/lib' && mount -o loop,errors=remount-ro '\(host)' '\(root.path)/var/lib' && mkdir -p '\(root.path)/var/lib'")
            let provisioned = try root.dockstore(["provision", "--size", "600M"])
            try #require(provisioned.status == 0, "\(provisioned.stderr)")
            let ok = try root.dockstore(["check"])
            #expect(ok.status == 0, "\(ok.stdout)")
            let source = try root.sh("findmnt -n -o SOURCE '\(root.path)/var/lib'").trimmingCharacters(in: .whitespacesAndNewlines)
            let trigger = "/sys/fs/ext4/\((source as NSString).lastPathComponent)/trigger_fs_error"
            try #require(FileManager.default.fileExists(atPath: trigger), "this kernel has no \(trigger)")
            _ = try root.sh("echo 1 > '\(trigger)'")
            // btrfs may also have turned the store read-only by now (a commit that met the error):
            // CRITICAL either way, and the host's state is among the reasons.
            let check = try root.dockstore(["check", "--format", "json"])
            #expect(check.status == 2, "\(check.stdout)")
            let json = try #require(try JSONSerialization.jsonObject(with: Data(check.stdout.utf8)) as? [String: Any])
            let figures = (json["reasons"] as? [[String: Any]] ?? []).compactMap { $0["figure"] as? String }
            #expect(figures.contains("host_read_only"), "\(check.stdout)")
            #expect(check.stdout.contains("the filesystem holding the image \(root.image) (\(root.path)/var/lib) is read-only ("), "\(check.stdout)")
            let nagios = try root.dockstore(["check"])
            #expect(nagios.status == 2 && nagios.stdout.hasPrefix("DOCKSTORE CRITICAL - "), "\(nagios.stdout)")
        }
        reliability("check with the image's filesystem read-only after an error", cases: 1, runs: 1)
    }
}
