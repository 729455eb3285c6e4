import DockStoreCore
import Foundation
import Testing

/// Options where a user types them: `--root` before the command, and DOCKSTORE_MOUNTPOINT
/// from the settings file read by every command that takes --mountpoint.
@Suite(.serialized, .enabled(if: isRoot, Comment(rawValue: needsRoot)))
struct GlobalOptionsIntegrationTests {
    @Test func rootBeforeTheCommand() throws {
        try withTestRoot { root in
            let up = try root.run(TestRoot.binary, ["--root", root.path, "provision", "--size", "512M"])
            #expect(up.status == 0, "\(up.stderr)")
            #expect(root.mounts().contains { $0.target == root.mountpoint })
            let status = try root.run(TestRoot.binary, ["--root=\(root.path)", "status"])
            #expect(status.status == 0, "\(status.stdout)")
            let check = try root.run(TestRoot.binary, ["--root", root.path, "check"])
            #expect(check.status == 0 && check.stdout.hasPrefix("DOCKSTORE OK"), "\(check.stdout)")
            // A global option given twice, before and after, is the parser's to refuse or take.
            let bad = try root.run(TestRoot.binary, ["--root", root.path, "--nonsense", "status"])
            #expect(bad.status == 64, "\(bad.stderr)")
        }
    }

    @Test func checkGrowAndBackendReadTheSettingsMountpoint() throws {
        try withTestRoot { root in
            try root.write(root.path + "/etc/sysconfig/dockstore", "DOCKSTORE_MOUNTPOINT=\"/srv/docker\"\nDOCKSTORE_SIZE=\"512M\"\n")
            try root.sh("mkdir -p \(root.path)/srv")
            try #require(try root.dockstore(["provision"]).status == 0)
            let other = root.path + "/srv/docker"
            #expect(root.mounts().contains { $0.target == other })
            let check = try root.dockstore(["check", "--format", "json"])
            #expect(check.status == 0, "\(check.stdout)")
            #expect(check.stdout.contains("\"mountpoint\":\"\\/srv\\/docker\"") || check.stdout.contains("/srv/docker"), "\(check.stdout)")
            let grow = try root.dockstore(["grow", "--to", "1G", "--dry-run"])
            #expect(grow.status == 0, "\(grow.stdout) \(grow.stderr)")
            #expect(grow.stdout.contains(other), "\(grow.stdout)")
            let backend = try root.dockstore(["backend", "--json"])
            #expect(backend.status == 0, "\(backend.stdout) \(backend.stderr)")
            #expect(backend.stdout.contains("\"filesystem\" : \"btrfs\""), "the filesystem at the settings mountpoint: \(backend.stdout)")
        }
    }

    /// A --root tree without /etc (a bare image tree): provision makes the folder for fstab
    /// as it does for the drop-in and sysconfig, instead of failing after the mount.
    @Test func aTreeWithoutEtcGetsItsFstab() throws {
        try withTestRoot { root in
            try root.sh("rm -rf \(root.path)/etc")
            let result = try root.dockstore(["provision", "--size", "512M"])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(root.read(root.fstab)?.contains("/var/lib/docker-storage.btrfs /var/lib/docker btrfs") == true)
        }
    }

    /// From the outside tester: the failpoint list needs no device, a missing device is one
    /// line with exit 64, and status never calls a file it did not judge "in place".
    @Test func smallThingsTheTesterFound() throws {
        try withTestRoot { root in
            let points = try root.dockstore(["migrate-ebs", "--list-failpoints"], root: false)
            #expect(points.status == 0 && points.stdout.hasPrefix("journal\n"), "\(points.stdout) \(points.stderr)")
            let missing = try root.dockstore(["migrate-ebs", "--yes"])
            #expect(missing.status == 64 && missing.stderrLines.count == 1, "\(missing.stderr)")
            try root.sh("rm -rf \(root.path)/var")
            let status = try root.dockstore(["status"])
            #expect(status.status == 4, "\(status.stdout)")
            #expect(!status.stdout.contains("in place"), "nothing was judged, nothing is in place: \(status.stdout)")
        }
    }

    /// fstab keeps a backup like the other files dockstore edits: the bytes before the
    /// change, beside it, as /etc/fstab.dockstore.bak.
    @Test func fstabGetsABackup() throws {
        try withTestRoot { root in
            let original = "# the image build's own line, kept byte for byte\n/dev/vda1 / ext4 defaults 0 1\n"
            try root.write(root.fstab, original)
            try #require(try root.dockstore(["provision", "--size", "512M"]).status == 0)
            #expect(root.read(root.fstab + ".dockstore.bak") == original)
            #expect(root.read(root.fstab)?.hasPrefix(original) == true)
        }
    }
}
