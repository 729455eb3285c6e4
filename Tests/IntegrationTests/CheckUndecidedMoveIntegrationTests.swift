import DockStoreCore
import Foundation
import Testing

/// Attack 25 J6: migrate-ebs killed right after its replace leaves the store on the volume, a
/// loop device over a file beside the image, with the journal open. check without root cannot
/// read the journal nor the image (root's 0600 files), which are what tell a volume from the
/// image renamed away: its UNKNOWN said "cannot tell whether the store's loop device is still
/// bound to its configured image", about the volume. It names the loop device, the file it runs
/// on and the two things it could be, and that check as root tells; root's check is not UNKNOWN.
@Suite(.serialized, .enabled(if: isRoot, Comment(rawValue: needsRoot)))
struct CheckUndecidedMoveIntegrationTests {
    @Test func nobodySaysWhichTwoThingsTheVolumeCouldBe() throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "300M"]).status == 0)
            let volumeFile = root.path + "/var/lib/volume.img"
            _ = try root.sh("truncate -s 600M '\(volumeFile)'")
            let volume = try root.sh("losetup -f --show '\(volumeFile)'").trimmingCharacters(in: .whitespacesAndNewlines)
            let killed = try root.dockstore(["migrate-ebs", volume, "--yes"], environment: ["DOCKSTORE_FAILPOINT": "replace", MigrationMethod.variable: "replace"])
            try #require(killed.signal == SIGKILL, "\(killed.stdout) \(killed.stderr)")
            _ = try root.sh("chmod 755 '\(root.path)' '\(root.path)/var' '\(root.path)/var/lib' && chmod 600 '\(root.image)' '\(root.path)/var/lib/dockstore/migration.json'")

            let nobody = try root.run("/usr/bin/setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", TestRoot.binary, "check", "--root", root.path])
            #expect(nobody.status == 3 && nobody.stdout.contains("cannot tell whether \(volume), which the store runs on, is the image \(root.image) renamed to \(volumeFile) while mounted (the next boot would mount another file) or a volume the store was moved onto: ")
                    && nobody.stdout.contains("Permission denied, and the migration journal that would tell is not readable to this user either; check as root tells"),
                    "exit \(nobody.status): \(nobody.stdout)\(nobody.stderr)")
            #expect(!nobody.stdout.contains("still bound to its configured image"), "\(nobody.stdout)")

            let asRoot = try root.dockstore(["check"])
            #expect(asRoot.status != 3 && !asRoot.stdout.contains("cannot tell whether"), "exit \(asRoot.status): \(asRoot.stdout)")
        }
    }
}
