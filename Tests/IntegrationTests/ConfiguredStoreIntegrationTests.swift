import DockStoreCore
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Docker serves one store per root, the one its drop-in names (attack 8 F7, attack 9):
/// - teardown given another store's mountpoint and image (an admin's docker-labelled backup
///   mounted by hand) takes that one down and keeps the live store's drop-in, storage flags,
///   folder record and boot unit, saying so;
/// - teardown at a mountpoint where nothing is, while the drop-in names another, has nothing
///   to do and says where the configured store is;
/// - provision of a second store beside a finished one (or one killed after its fstab line)
///   refuses, naming the line, instead of pointing the drop-in at each in turn;
/// - a `provision --device` killed after its mount, before its fstab line, is taken down by
///   teardown: the format record proves the UUID is the one dockstore gave mkfs.
@Suite(.serialized, .enabled(if: isRoot, Comment(rawValue: needsRoot)))
struct ConfiguredStoreIntegrationTests {
    /// The live store's files teardown must leave alone, with their bytes.
    static func configuration(_ root: TestRoot) -> [String: String?] {
        let files = [root.dropIn, root.sysconfig, root.path + "/var/lib/dockstore/provision-folders", root.path + "/etc/dockstore.disabled", root.fstab]
        return Dictionary(uniqueKeysWithValues: files.map { ($0, root.read($0)) })
    }

    @Test func aBackupTornDownByHandLeavesTheLiveStoresConfiguration() throws {
        try withTestRoot { root in
            let provisioned = try root.dockstore(["provision", "--size", "256M"])
            try #require(provisioned.status == 0, "\(provisioned.stdout) \(provisioned.stderr)")
            let backup = root.path + "/srv/backup/b.img", restore = root.path + "/mnt/restore"
            try root.sh("mkdir -p '\(root.path)/srv/backup' '\(restore)' && truncate -s 300M '\(backup)' && mkfs.btrfs -q -L docker '\(backup)' && mount -o loop '\(backup)' '\(restore)'")
            let before = Self.configuration(root)
            let note = "kept Docker's configuration (dockstore-provision.service at boot, the storage flags in \(root.sysconfig), \(root.dropIn), the folders provision made (\(root.path)/var/lib/dockstore/provision-folders)): it serves the store at \(root.mountpoint), not the one at \(restore); to take that store down too, run dockstore teardown --mountpoint /var/lib/docker"
            let args = ["teardown", "--mountpoint", "/mnt/restore", "--image", "/srv/backup/b.img"]
            let plan = try root.dockstore(args + ["--dry-run"])
            let planned: [String] = plan.stdout.split(separator: "\n").map(String.init).filter { $0.hasPrefix("  ") }
            #expect(plan.status == 0 && planned.count == 2, "\(plan.stdout) \(plan.stderr)")
            #expect(plan.stdout.contains("[unmount] unmount \(restore)") && plan.stdout.contains(note), "\(plan.stdout)")
            let torn = try root.dockstore(args)
            #expect(torn.status == 0, "\(torn.stdout) \(torn.stderr)")
            let ran: [String] = torn.stdout.split(separator: "\n").map(String.init).filter { $0.hasPrefix("[") }
            let ids: [String] = ran.map { String($0.dropFirst().prefix(while: { $0 != "]" })) }
            #expect(ids == ["unmount", "detach-loop"], "\(torn.stdout)")
            #expect(torn.stdout.contains(note), "\(torn.stdout)")
            #expect(Self.configuration(root) == before, "the live store's configuration changed")
            #expect(root.mounts().map(\.target) == [root.mountpoint])
            #expect(try root.dockstore(["status"]).status == 0)
            #expect(root.status(backup) != nil, "the backup image is kept without --delete-image")
            // The live store's own teardown takes its configuration down as always.
            let live = try root.dockstore(["teardown", "--delete-image"])
            #expect(live.status == 0 && live.stdout.contains("[drop-in]") && live.stdout.contains("[disable-boot]") && !live.stdout.contains("kept Docker's"),
                    "\(live.stdout) \(live.stderr)")
            #expect(root.status(root.dropIn) == nil && root.status(root.sysconfig) == nil)
        }
    }

    @Test func nothingAtTheMountpointGivenWhileTheDropInNamesAnother() throws {
        try withTestRoot { root in
            try root.sh("mkdir -p '\(root.path)/srv'")
            let provisioned = try root.dockstore(["provision", "--size", "256M", "--mountpoint", "/srv/docker", "--image", "/srv/docker.img"])
            try #require(provisioned.status == 0, "\(provisioned.stdout) \(provisioned.stderr)")
            let before = root.snapshot()
            // The defaults given: provision wrote /srv/docker and its image to
            // /etc/sysconfig/dockstore (attack 15, C23), which a plain teardown takes.
            let torn = try root.dockstore(["teardown", "--mountpoint", "/var/lib/docker", "--image", "/var/lib/docker-storage.btrfs"])
            #expect(torn.status == 0, "\(torn.stdout) \(torn.stderr)")
            #expect(torn.stdout == """
                Nothing of Docker's storage is set up at \(root.mountpoint); nothing to do.
                kept Docker's configuration (dockstore-provision.service at boot, the storage flags in \(root.sysconfig), \(root.dropIn), the folders provision made (\(root.path)/var/lib/dockstore/provision-folders)): it serves the store at \(root.path)/srv/docker, not the one at \(root.mountpoint); to take that store down too, run dockstore teardown --mountpoint /srv/docker

                """, "\(torn.stdout)")
            #expect(root.changes(since: before) == [], "teardown of nothing changed the tree")
            let named = try root.dockstore(["teardown", "--mountpoint", "/srv/docker", "--image", "/srv/docker.img", "--delete-image"])
            #expect(named.status == 0 && named.stdout.contains("[drop-in]"), "\(named.stdout) \(named.stderr)")
            #expect(root.mounts().isEmpty && root.status(root.dropIn) == nil)
        }
    }

    /// The live store's image given with a wrong --mountpoint (attack 9, helper ou's note): the
    /// old teardown planned to detach the mounted store's loop device and take its
    /// configuration; now it refuses, naming where the image is mounted.
    @Test(arguments: ["/srv/x", "/etc/fstab/x"])
    func theLiveStoreWithAWrongMountpointIsRefused(_ wrong: String) throws {
        try withTestRoot { root in
            let provisioned = try root.dockstore(["provision", "--size", "256M"])
            try #require(provisioned.status == 0, "\(provisioned.stdout) \(provisioned.stderr)")
            try root.sh("mkdir -p '\(root.path)/srv/x'")
            let loop = try #require(root.mounts().first?.source)
            let before = root.snapshot()
            for run in [["teardown", "--mountpoint", wrong, "--dry-run"], ["teardown", "--mountpoint", wrong, "--delete-image"]] {
                let refused = try root.dockstore(run)
                #expect(refused.status == 2 && refused.stdout.isEmpty, "\(run): \(refused.stdout) \(refused.stderr)")
                #expect(refused.stderrLines == ["dockstore: refusing: \(root.image) is mounted at \(root.mountpoint) through \(loop), not at \(root.path)\(wrong), where nothing is mounted: teardown takes the store down at its own mountpoint; nothing was changed: give it with --mountpoint /var/lib/docker"],
                        "\(run): \(refused.stderr)")
                #expect(root.changes(since: before) == [], "\(run) changed the tree")
            }
            #expect(root.mounts().map(\.target) == [root.mountpoint])
        }
    }

    @Test(arguments: ["none", "fstab", "drop-in"])
    func aSecondStoreBesideOneWithItsFstabLineIsRefused(_ failpoint: String) throws {
        try withTestRoot { root in
            try root.sh("mkdir -p '\(root.path)/srv'")
            let first = try root.dockstore(["provision", "--size", "256M"], environment: failpoint == "none" ? [:] : ["DOCKSTORE_FAILPOINT": failpoint])
            #expect(failpoint == "none" ? first.status == 0 : first.signal == SIGKILL, "\(first.stdout) \(first.stderr)")
            let line = try #require(root.read(root.fstab)?.split(separator: "\n").last.map(String.init))
            let before = root.snapshot()
            let second = try root.dockstore(["provision", "--size", "256M", "--mountpoint", "/srv/d2", "--image", "/srv/d2.img"])
            #expect(second.status == 2 && second.stdout.isEmpty, "\(failpoint): \(second.stdout) \(second.stderr)")
            #expect(second.stderrLines == ["dockstore: \(root.fstab) line 2 ('\(line)') mounts a store dockstore set up at \(root.mountpoint), not at \(root.path)/srv/d2: dockstore keeps one store per root (Docker's drop-in names one); keep that one (dockstore provision --mountpoint /var/lib/docker --image /var/lib/docker-storage.btrfs --root \(root.path)) or take it down first (dockstore teardown --mountpoint /var/lib/docker --image /var/lib/docker-storage.btrfs --root \(root.path)), then re-run; nothing was changed"],
                    "\(failpoint): \(second.stderr)")
            #expect(root.changes(since: before) == [], "\(failpoint): the refusal changed the tree")
            #expect(root.mounts().map(\.target) == [root.mountpoint])
            // The way out it names finishes the first store.
            let keep = try root.dockstore(["provision", "--mountpoint", "/var/lib/docker", "--image", "/var/lib/docker-storage.btrfs"])
            #expect(keep.status == 0, "\(failpoint): \(keep.stdout) \(keep.stderr)")
            #expect(root.read(root.dropIn)?.contains("After=var-lib-docker.mount\nPartOf=var-lib-docker.mount\nAssertPathIsMountPoint=/var/lib/docker\n") == true)
        }
    }

    @Test func aDeviceProvisionKilledAfterItsMountIsTornDown() throws {
        try withTestRoot { root in
            let disk = try root.attachDisk(megabytes: 512)
            let before = root.snapshot()
            let killed = try root.dockstore(["provision", "--device", disk], environment: ["DOCKSTORE_FAILPOINT": "mount"])
            #expect(killed.signal == SIGKILL, "\(killed.stdout) \(killed.stderr)")
            #expect(root.mounts().map(\.target) == [root.mountpoint])
            let uuid = try root.sh("blkid -p -o value -s UUID \(disk)").trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(root.read(root.path + "/var/lib/dockstore/format-record.json")?.contains(uuid) == true)
            let torn = try root.dockstore(["teardown"])
            #expect(torn.status == 0 && torn.stdout.contains("[unmount]") && torn.stdout.contains("[forget-format-record]"), "\(torn.stdout) \(torn.stderr)")
            #expect(root.mounts().isEmpty)
            #expect(root.changes(since: before).filter { !$0.hasPrefix("etc/dockstore.disabled") && !$0.hasSuffix(".dockstore.bak") } == [],
                    "\(root.changes(since: before))")
            #expect(try root.sh("blkid -p -o value -s UUID \(disk)").trimmingCharacters(in: .whitespacesAndNewlines) == uuid, "DATA: teardown without --wipe-device keeps the filesystem")
            root.forgetBtrfs([disk])
        }
    }
}
