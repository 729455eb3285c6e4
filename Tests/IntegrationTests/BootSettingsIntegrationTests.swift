import DockStoreCore
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// provision --mountpoint writes the mountpoint to /etc/sysconfig/dockstore, so the boot
/// unit's plain provision finds the store (attack 15, C23: before, provision said "ready" and
/// only warned that the next boot would refuse); teardown takes back what it wrote. A store
/// left mounted elsewhere by an older provision is named with the --mountpoint to give, never
/// with advice to unmount it (C24).
@Suite(.serialized, .enabled(if: isRoot, Comment(rawValue: needsRoot)))
struct BootSettingsIntegrationTests {
    var settings: (TestRoot) -> String { { $0.path + "/etc/sysconfig/dockstore" } }
    static let created = BootSettingsEdit.createdMark + "\n" + BootSettingsEdit.additionMark + "\nDOCKSTORE_MOUNTPOINT=\"/srv/docker\"\n"

    @Test func aMountpointGivenOnceIsWhereTheBootFindsTheStore() throws {
        try withTestRoot { root in
            try FileManager.default.createDirectory(atPath: root.path + "/srv", withIntermediateDirectories: false)
            let before = root.snapshot()
            let made = try root.dockstore(["provision", "--mountpoint", "/srv/docker", "--size", "256M"])
            #expect(made.status == 0, "\(made.stdout) \(made.stderr)")
            #expect(made.stdout.contains("[boot-settings] \(settings(root)): create it with add DOCKSTORE_MOUNTPOINT=\"/srv/docker\""), "\(made.stdout)")
            #expect(!made.stderr.contains("Docker does not start at boot"), "\(made.stderr)")
            #expect(root.read(settings(root)) == Self.created)
            #expect(root.status(settings(root)).map { $0.st_mode & 0o7777 } == 0o644)
            // The boot: plain provision, plain status.
            let boot = try root.dockstore(["provision"])
            #expect(boot.status == 0, "\(boot.stderr)")
            #expect(boot.stdout.contains("nothing to do"), "\(boot.stdout)")
            #expect(try root.dockstore(["status"]).status == 0)
            let down = try root.dockstore(["teardown", "--delete-image"])
            #expect(down.status == 0, "\(down.stdout) \(down.stderr)")
            #expect(down.stdout.contains("[boot-settings] \(settings(root)): remove it: dockstore provision created it"), "\(down.stdout)")
            #expect(root.changes(since: before) == ["etc/dockstore.disabled"], "the tree is as before provision")
        }
    }

    /// An admin's settings file: the line is added after provision's comment, every other byte
    /// stays, and teardown gives the file back byte for byte. bash reads the value given.
    @Test func anAdminsFileGetsOneMarkedLineAndGetsItBack() throws {
        try withTestRoot { root in
            try FileManager.default.createDirectory(atPath: root.path + "/srv", withIntermediateDirectories: false)
            let admin = "## Path: System/Docker\n# mine, Latin-1: caf\u{e9}\nDOCKSTORE_SIZE=\"256M\""
            try root.write(settings(root), admin)
            let made = try root.dockstore(["provision", "--mountpoint", "/srv/docker"])
            #expect(made.status == 0, "\(made.stdout) \(made.stderr)")
            #expect(root.read(settings(root)) == admin + "\n" + BootSettingsEdit.additionAfterUnendedLineMark + "\nDOCKSTORE_MOUNTPOINT=\"/srv/docker\"\n")
            #expect(try root.sh(". \(settings(root)); printf %s \"$DOCKSTORE_MOUNTPOINT\"") == "/srv/docker")
            #expect(root.read(settings(root) + ".dockstore.bak") == admin)
            let down = try root.dockstore(["teardown", "--delete-image"])
            #expect(down.status == 0, "\(down.stdout) \(down.stderr)")
            #expect(down.stdout.contains("remove the line dockstore provision added: DOCKSTORE_MOUNTPOINT=\"/srv/docker\""), "\(down.stdout)")
            #expect(root.read(settings(root)) == admin, "given back byte for byte, the newline provision ended its last line with too")
        }
    }

    /// Killed right after the step (its failpoint), then the boot: plain provision finds the
    /// store; teardown killed at its own step is finished by the next teardown.
    @Test func killedAtTheStepTheBootAndTheRerunConverge() throws {
        try withTestRoot { root in
            try FileManager.default.createDirectory(atPath: root.path + "/srv", withIntermediateDirectories: false)
            let before = root.snapshot()
            let killed = try root.dockstore(["provision", "--mountpoint", "/srv/docker", "--size", "256M"],
                                            environment: ["DOCKSTORE_FAILPOINT": "boot-settings"])
            #expect(killed.signal == SIGKILL, "\(killed.stdout) \(killed.stderr)")
            #expect(root.read(settings(root)) == Self.created)
            let boot = try root.dockstore(["provision"])
            #expect(boot.status == 0, "\(boot.stdout) \(boot.stderr)")
            #expect(root.mounts().map(\.target) == [root.path + "/srv/docker"])
            let cut = try root.dockstore(["teardown", "--delete-image"], environment: ["DOCKSTORE_FAILPOINT": "boot-settings"])
            #expect(cut.signal == SIGKILL, "\(cut.stdout) \(cut.stderr)")
            #expect(root.read(settings(root)) == nil)
            let again = try root.dockstore(["teardown", "--delete-image", "--mountpoint", "/srv/docker"])
            #expect(again.status == 0, "\(again.stdout) \(again.stderr)")
            #expect(root.changes(since: before) == ["etc/dockstore.disabled"], "\(root.changes(since: before))")
        }
    }

    /// Attack 16, C4: killed at any step after boot-settings (it comes first), the boot's plain
    /// provision finds the store's place and finishes there.
    @Test(arguments: ["boot-settings", "create-image", "mount", "fstab", "drop-in", "sysconfig"])
    func theBootAfterAKillFindsTheStoresPlace(_ point: String) throws {
        try withTestRoot { root in
            try FileManager.default.createDirectory(atPath: root.path + "/srv", withIntermediateDirectories: false)
            let killed = try root.dockstore(["provision", "--mountpoint", "/srv/docker", "--size", "256M"],
                                            environment: ["DOCKSTORE_FAILPOINT": point])
            #expect(killed.signal == SIGKILL, "\(point): \(killed.stdout) \(killed.stderr)")
            _ = try root.sh("umount \(root.path)/srv/docker 2>/dev/null; true")
            let boot = try root.dockstore(["provision"])
            #expect(boot.status == 0, "\(point): \(boot.stdout) \(boot.stderr)")
            #expect(root.mounts().map(\.target) == [root.path + "/srv/docker"], "\(point)")
        }
    }

    /// Attack 16, C6b: a folder on the settings file's way that others can write: the boot would
    /// refuse the file, so provision refuses to write it (exit 2, nothing changed).
    @Test func aLooseSettingsFolderIsRefusedBeforeAnythingChanges() throws {
        try withTestRoot { root in
            try FileManager.default.createDirectory(atPath: root.path + "/srv", withIntermediateDirectories: false)
            _ = try root.sh("mkdir -m 0775 \(root.path)/etc/sysconfig && chmod 0775 \(root.path)/etc/sysconfig")
            let before = root.snapshot()
            let refused = try root.dockstore(["provision", "--mountpoint", "/srv/docker", "--size", "256M"])
            #expect(refused.status == 2, "\(refused.stdout) \(refused.stderr)")
            #expect(refused.stderrLines.count == 1, "\(refused.stderr)")
            #expect(refused.stderr.contains("but the boot would refuse that file: refusing \(settings(root)): its folder \(root.path)/etc/sysconfig is writable by its group"), "\(refused.stderr)")
            #expect(root.changes(since: before) == [])
        }
    }

    /// A store an older provision set up at /srv/docker, with nothing in the settings: the
    /// boot's plain provision refuses naming --mountpoint and DOCKSTORE_MOUNTPOINT, and never
    /// tells to unmount Docker's live store (C24); nothing changes.
    @Test func aStoreMountedElsewhereIsNamedNotToBeUnmounted() throws {
        try withTestRoot { root in
            try FileManager.default.createDirectory(atPath: root.path + "/srv", withIntermediateDirectories: false)
            try #require(try root.dockstore(["provision", "--mountpoint", "/srv/docker", "--size", "256M"]).status == 0)
            try FileManager.default.removeItem(atPath: settings(root))
            try? FileManager.default.removeItem(atPath: settings(root) + ".dockstore.bak")
            let before = root.snapshot()
            for arguments in [["provision"], ["provision", "--dry-run"]] {
                let refused = try root.dockstore(arguments)
                #expect(refused.status == 2, "\(refused.stdout) \(refused.stderr)")
                #expect(refused.stderrLines.count == 1, "\(refused.stderr)")
                #expect(refused.stderr.contains("\(root.image) is mounted at \(root.path)/srv/docker, not at \(root.mountpoint)"), "\(refused.stderr)")
                #expect(refused.stderr.contains("give --mountpoint /srv/docker (and set DOCKSTORE_MOUNTPOINT=/srv/docker in \(settings(root)), which the boot unit reads)"), "\(refused.stderr)")
                #expect(!refused.stderr.contains("unmount it there first"), "\(refused.stderr)")
                #expect(root.changes(since: before) == [])
            }
            let status = try root.dockstore(["status"])
            #expect(status.stdout.contains("give --mountpoint /srv/docker"), "\(status.stdout)")
            let fixed = try root.dockstore(["provision", "--mountpoint", "/srv/docker"])
            #expect(fixed.status == 0, "\(fixed.stdout) \(fixed.stderr)")
            #expect(fixed.stdout.contains("[boot-settings]"), "\(fixed.stdout)")
            #expect(try root.dockstore(["provision"]).status == 0)
        }
    }
}
