import DockStoreCore
import Foundation
import Testing

/// Outside attack 14, Y-BOOT-1: `dockstore backend overlay2` on a provisioned store was undone by
/// the next boot's provision, which set btrfs again without a word, and DOCKSTORE_BACKEND=overlay2
/// (the setting meant for it) was refused. Now backend records the driver in
/// /etc/sysconfig/dockstore, provision (the boot unit's plain run) sets the driver the settings
/// name when it fits the store as backend judges it, and status agrees; a real dockerd started
/// from the resulting DOCKER_OPTS is the oracle for "dockerd starts with this".
@Suite(.serialized, .enabled(if: isRoot && hasDockerd, Comment(rawValue: needsDockerd)))
struct BackendKeptAtBootIntegrationTests {
    func settings(_ root: TestRoot) -> String { root.path + "/etc/sysconfig/dockstore" }

    @Test func theDriverBackendSetSurvivesTheBootAndDockerdStartsWithIt() throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "1G"]).status == 0)
            let set = try root.dockstore(["backend", "overlay2"])
            #expect(set.status == 0, "\(set.stderr)")
            #expect(set.stdout.contains("\(settings(root)): create it with add DOCKSTORE_BACKEND=\"overlay2\""), "\(set.stdout)")
            #expect(root.read(settings(root)) == BackendSettingsEdit.createdMark + "\n" + BackendSettingsEdit.additionMark + "\nDOCKSTORE_BACKEND=\"overlay2\"\n")
            // bash, which docker.service's EnvironmentFile stands in for here, reads the same value
            let bash = try root.run("/bin/bash", ["-c", ". \(settings(root)); printf %s \"$DOCKSTORE_BACKEND\""])
            #expect(bash.stdout == "overlay2")

            // the boot: provision keeps the driver, status calls it in place
            let boot = try root.dockstore(["provision"])
            #expect(boot.status == 0 && boot.stdout.contains("nothing to do"), "\(boot.stdout) \(boot.stderr)")
            #expect(root.read(root.sysconfig)?.contains("DOCKER_OPTS=\"--storage-driver=overlay2\"") == true)
            let status = try root.dockstore(["status"])
            #expect(status.status == 0 && status.stdout.contains("DOCKER_OPTS: in place"), "\(status.stdout)")
            #expect(try root.dockstore(["backend", "overlay2"]).stdout.contains("nothing to do"))

            // the oracle: dockerd on the store with DOCKER_OPTS as bash reads it
            let (daemon, log) = try Dockerd.start(in: root, dataRoot: root.mountpoint)
            let running = try #require(daemon, "dockerd did not start: \(log)")
            defer { running.stop() }
            let driver = try running.docker(["info", "--format", "{{.Driver}}"])
            #expect(driver.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "overlay2", "\(driver.stdout) \(driver.stderr)")
            running.stop()

            // back to btrfs: the setting follows; teardown removes the file backend created
            #expect(try root.dockstore(["backend", "btrfs"]).status == 0)
            #expect(root.read(settings(root))?.contains("DOCKSTORE_BACKEND=\"btrfs\"") == true)
            #expect(try root.dockstore(["provision"]).stdout.contains("nothing to do"))
            let down = try root.dockstore(["teardown", "--delete-image"])
            #expect(down.status == 0, "\(down.stderr)")
            #expect(down.stdout.contains("[boot-settings] \(settings(root)): remove it: dockstore backend created it"), "\(down.stdout)")
            #expect(!FileManager.default.fileExists(atPath: settings(root)))
        }
    }

    @Test func anAdminsSettingsFileIsEditedInPlaceAndGivenBack() throws {
        try withTestRoot { root in
            let template = "# Settings of dockstore-provision.service\nDOCKSTORE_SIZE=\"1G\"\nDOCKSTORE_BACKEND=\"\"\nDOCKSTORE_BACKEND_OPTIONS=\"\"\n# caf\u{e9}"
            try root.write(settings(root), template)
            try #require(try root.dockstore(["provision"]).status == 0)
            let set = try root.dockstore(["backend", "vfs"])
            #expect(set.status == 0, "\(set.stderr)")
            #expect(root.read(settings(root)) == template.replacingOccurrences(of: "DOCKSTORE_BACKEND=\"\"", with: "DOCKSTORE_BACKEND=\"vfs\""))
            #expect(root.read(settings(root) + ".dockstore.bak") == template)
            #expect(try root.dockstore(["provision"]).stdout.contains("nothing to do"))
            // a driver the store cannot take in the settings is refused at boot, nothing changed
            try root.write(settings(root), template.replacingOccurrences(of: "DOCKSTORE_BACKEND=\"\"", with: "DOCKSTORE_BACKEND=\"zfs\""))
            let before = root.snapshot()
            let refused = try root.dockstore(["provision"])
            #expect(refused.status == 2)
            #expect(refused.stderr.contains("DOCKSTORE_BACKEND=\"zfs\" in \(settings(root)) does not fit this store (btrfs): the zfs driver needs a zfs dataset"), "\(refused.stderr)")
            #expect(root.snapshot() == before)
        }
    }

    /// Attack 17, A4 (decided): with neither a settings file nor a provision, nothing is
    /// recorded or said (no boot there provisions; scripts/install puts the template in place).
    @Test func aHostWithoutDockstoresBootGetsNoSettingsFile() throws {
        try withTestRoot { root in
            try root.write(root.sysconfig, "DOCKER_OPTS=\"\"\n")
            try root.sh("mkdir -p \(root.mountpoint)")
            let result = try root.dockstore(["backend", "vfs"])
            #expect(result.status == 0)
            #expect(!FileManager.default.fileExists(atPath: settings(root)))
            #expect(!result.stderr.contains(settings(root)), "\(result.stderr)")
        }
    }

    /// Attack 17, A1: --force cannot outlast the boot where provision sets the driver: a driver
    /// that does not fit the store is refused there, before anything changes.
    @Test func forceOfADriverTheStoreCannotTakeIsRefusedWhereTheBootProvisions() throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "1G"]).status == 0)
            let before = root.snapshot()
            let forced = try root.dockstore(["backend", "zfs", "--force"])
            #expect(forced.status == 2 && forced.stderrLines.count == 1, "\(forced.stderr)")
            #expect(forced.stderr.contains("the zfs driver needs a zfs dataset; --force would write it for now, but the boot's dockstore provision sets only a driver that fits the store"), "\(forced.stderr)")
            #expect(root.changes(since: before) == [])
            #expect(try root.dockstore(["provision"]).stdout.contains("nothing to do"))
        }
    }

    /// Attack 17, A2: vfs's option `size` has no `vfs.` prefix; provision kept only prefixed
    /// options of the driver and dropped it at the next boot.
    @Test func aDriversOptionsWithoutItsPrefixSurviveTheBoot() throws {
        try withTestRoot { root in
            try root.write(settings(root), "DOCKSTORE_BACKEND=\"\"\nDOCKSTORE_BACKEND_OPTIONS=\"\"\n")
            try #require(try root.dockstore(["provision", "--size", "1G"]).status == 0)
            #expect(try root.dockstore(["backend", "vfs", "--storage-opt", "size=1G"]).status == 0)
            #expect(root.read(settings(root)) == "DOCKSTORE_BACKEND=\"vfs\"\nDOCKSTORE_BACKEND_OPTIONS=\"\"\n")
            let boot = try root.dockstore(["provision"])
            #expect(boot.stdout.contains("nothing to do"), "\(boot.stdout)")
            #expect(root.read(root.sysconfig)?.contains("DOCKER_OPTS=\"--storage-driver=vfs --storage-opt=size=1G\"") == true)
            // and the options, once the settings give some, follow what backend sets
            try root.write(settings(root), "DOCKSTORE_BACKEND=\"vfs\"\nDOCKSTORE_BACKEND_OPTIONS=\"size=1G\"\n")
            #expect(try root.dockstore(["backend", "vfs", "--storage-opt", "size=2G"]).status == 0)
            #expect(root.read(settings(root)) == "DOCKSTORE_BACKEND=\"vfs\"\nDOCKSTORE_BACKEND_OPTIONS=\"size=2G\"\n")
            #expect(try root.dockstore(["provision"]).stdout.contains("nothing to do"))
        }
    }
}
