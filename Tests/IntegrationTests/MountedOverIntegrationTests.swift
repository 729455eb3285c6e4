import DockStoreCore
import Foundation
import Testing

/// Another filesystem mounted over the store (attack 12, B02, B10): an ext4 volume mounted at
/// the store's mountpoint, a host folder bind-mounted there. check said OK with the ext4's
/// figures, status told the admin to remove the store's own fstab line (and, over a bind mount
/// of the host's root disk, exited 1 opening /dev/vda), provision called the store's own loop
/// device a second instance; now every command says what is mounted over the store and to
/// unmount it once. And fstab's line for another image (B20) says --image PATH.
@Suite(.serialized, .enabled(if: isRoot, Comment(rawValue: needsRoot)))
struct MountedOverIntegrationTests {
    /// The stack at the mountpoint, in the mount table's order: the store's mount and the one over it.
    func stack(_ root: TestRoot) throws -> (store: MountEntry, over: MountEntry) {
        let here = try MountTable.read().entries.filter { $0.target == root.mountpoint }
        try #require(here.count == 2, "\(here)")
        return (here[0], here[1])
    }

    func verdict(_ root: TestRoot, over: String, type: String, store: String) -> String {
        "another filesystem (\(over), \(type)) is mounted over the store (\(store), btrfs) at \(root.mountpoint): Docker would write there, not on the store, and the store's figures cannot be read through it; unmount it (umount \(root.mountpoint) once), which leaves the store mounted"
    }

    /// check CRITICAL (mounted_over in every format), status a problem (exit 4), provision and
    /// teardown refuse (exit 2, one line, nothing changed); unmounting once as told leaves the
    /// store in place.
    func expectEveryCommandSays(_ root: TestRoot, _ said: String) throws {
        let check = try root.dockstore(["check"])
        #expect(check.status == 2, "\(check.stdout)")
        #expect(check.stdout.hasPrefix("DOCKSTORE CRITICAL - \(said) | "), "\(check.stdout)")
        let prometheus = try root.dockstore(["check", "--format", "prometheus"])
        #expect(prometheus.stdout.contains("dockstore_status{mountpoint=\"\(root.mountpoint)\",reason=\"mounted_over\"} 2\n"), "\(prometheus.stdout)")
        let json = try CheckMonitoringIntegrationTests.json(try root.dockstore(["check", "--format", "json"]).stdout)
        let reasons = try #require(json["reasons"] as? [[String: Any]])
        #expect(reasons.first?["figure"] as? String == "mounted_over" && reasons.first?["message"] as? String == said, "\(reasons)")

        let status = try root.dockstore(["status"])
        #expect(status.status == 4, "\(status.stdout) \(status.stderr)")
        #expect(status.stderr.isEmpty, "\(status.stderr)")
        #expect(status.stdout.contains("\n  - \(said), then re-run; nothing was changed"), "\(status.stdout)")
        #expect(!status.stdout.contains("remove that line") && !status.stdout.contains("second btrfs instance"), "\(status.stdout)")

        let target = try root.attachDisk(megabytes: 600)
        let before = root.snapshot()
        let provision = try root.dockstore(["provision"])
        #expect(provision.status == 2, "\(provision.stderr)")
        #expect(provision.stderr == "dockstore: \(said), then re-run; nothing was changed\n", "\(provision.stderr)")
        let teardown = try root.dockstore(["teardown"])
        #expect(teardown.status == 2, "\(teardown.stderr)")
        #expect(teardown.stderr == "dockstore: refusing: 2 filesystems are mounted on top of each other at \(root.mountpoint): \(said); teardown unmounts only the store: then re-run; nothing was changed\n", "\(teardown.stderr)")
        // Attack 50 T B1, B2: grow called the store ext4 and advised resize2fs of the cover (the
        // host's root disk under a bind mount); reclaim and migrate-ebs called it not btrfs.
        for (arguments, doing) in [(["grow", "--to", "512M"], "grow the store"), (["reclaim"], "reclaim"), (["migrate-ebs", target, "--yes"], "move the store")] {
            let run = try root.dockstore(arguments)
            #expect(run.status == 2 && run.stderr == "dockstore: refusing to \(doing): \(said), then re-run; nothing was changed\n", "\(arguments): \(run.stderr)")
        }
        #expect(root.changes(since: before) == [], "refusals leave nothing changed")

        _ = try root.sh("umount '\(root.mountpoint)'")
        #expect(try root.dockstore(["check"]).status == 0)
        let after = try root.dockstore(["status"])
        #expect(after.status == 0, "unmounted once, the store is in place: \(after.stdout)")
    }

    /// B10: an ext4 volume mounted over the store.
    @Test func ext4MountedOverTheStore() throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "300M"]).status == 0)
            _ = try root.sh("truncate -s 64M '\(root.path)/e4.img' && mkfs.ext4 -q '\(root.path)/e4.img' && mount -o loop '\(root.path)/e4.img' '\(root.mountpoint)'")
            let (store, over) = try stack(root)
            #expect(over.fstype == "ext4" && store.fstype == "btrfs")
            try expectEveryCommandSays(root, verdict(root, over: over.source, type: "ext4", store: store.source))
        }
    }

    /// B02: a folder of the filesystem holding the test root bind-mounted over the store (on
    /// this VM the host's root disk /dev/vda, which status opened and exited 1 with EPERM).
    @Test func hostFolderBoundOverTheStore() throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "300M"]).status == 0)
            _ = try root.sh("mkdir '\(root.path)/host' && mount --bind '\(root.path)/host' '\(root.mountpoint)'")
            let (store, over) = try stack(root)
            #expect(over.root.hasSuffix("/host"), "\(over)")
            try expectEveryCommandSays(root, verdict(root, over: "\(over.source)[\(over.root)]", type: over.fstype, store: store.source))
        }
    }

    /// Nothing of the store below: an ext4 alone where fstab configures the btrfs image is not
    /// the store for check (UNKNOWN, as tmpfs), and status names it, not the store's own line.
    @Test func ext4AloneWhereTheImageIsConfigured() throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "300M"]).status == 0)
            _ = try root.sh("umount '\(root.mountpoint)' && truncate -s 64M '\(root.path)/e4.img' && mkfs.ext4 -q '\(root.path)/e4.img' && mount -o loop '\(root.path)/e4.img' '\(root.mountpoint)'")
            let ext4 = try #require(try MountTable.read().mount(at: root.mountpoint))
            let check = try root.dockstore(["check"])
            #expect(check.status == 3, "\(check.stdout)")
            #expect(check.stdout.hasPrefix("DOCKSTORE UNKNOWN - ext4 is mounted at \(root.mountpoint), not Docker's store: the store configured there is the btrfs image \(root.image) (its fstab line, else DOCKSTORE_IMAGE), which is not mounted; Docker writes on the ext4, not on its store: see findmnt \(root.mountpoint), unmount what is there and mount the store (dockstore provision)"), "\(check.stdout)")
            let status = try root.dockstore(["status"])
            #expect(status.status == 4 && status.stderr.isEmpty, "\(status.stdout) \(status.stderr)")
            #expect(status.stdout.contains("\n  - \(root.mountpoint) already has \(ext4.source) (ext4) mounted on it, not \(root.image); unmount it or give another --mountpoint"), "\(status.stdout)")
            #expect(!status.stdout.contains("remove that line"), "\(status.stdout)")
        }
    }

    /// Outside attack 14, Y-MSG-1: the settings name another image while the store is mounted.
    /// The refusal names the store's fstab line and how to keep it (--image), as it does with the
    /// store unmounted; never "unmount it", which would take Docker's live store away.
    @Test func settingsNamingAnotherImageUnderTheMountedStore() throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "300M"]).status == 0)
            try root.write(root.path + "/etc/sysconfig/dockstore", "DOCKSTORE_IMAGE=\"/var/lib/docker2.img\"\n")
            let uuid = try root.sh("blkid -s UUID -o value '\(root.image)'").trimmingCharacters(in: .whitespacesAndNewlines)
            let before = root.snapshot()
            for run in [["provision"], ["provision", "--dry-run"]] {
                let refused = try root.dockstore(run)
                #expect(refused.status == 2 && refused.stderrLines.count == 1, "\(run): \(refused.stderr)")
                #expect(refused.stderr.contains("mounts /var/lib/docker-storage.btrfs, a btrfs image (label 'docker', UUID \(uuid)), at /var/lib/docker: it is a store and may hold Docker's data, which this run would leave behind for a new, empty /var/lib/docker2.img; to take it over, give --image /var/lib/docker-storage.btrfs (or DOCKSTORE_IMAGE=/var/lib/docker-storage.btrfs in \(root.path)/etc/sysconfig/dockstore)"), "\(run): \(refused.stderr)")
                #expect(!refused.stderr.contains("unmount it"), "\(run): \(refused.stderr)")
                #expect(root.changes(since: before) == [], "\(run) changed the tree")
            }
            #expect(root.mounts().map(\.target) == [root.mountpoint])
            // Taken over with --image: the settings now name it (attack 15, C23), so the boot's
            // plain provision finds the store in place.
            let kept = try root.dockstore(["provision", "--image", "/var/lib/docker-storage.btrfs"])
            #expect(kept.status == 0 && kept.stdout.hasPrefix("[boot-settings] \(root.path)/etc/sysconfig/dockstore: set DOCKSTORE_IMAGE=\"/var/lib/docker-storage.btrfs\" (was \"/var/lib/docker2.img\", line 1)"),
                    "\(kept.stdout) \(kept.stderr)")
            let boot = try root.dockstore(["provision"])
            #expect(boot.status == 0 && boot.stdout.hasSuffix("nothing to do.\n"), "\(boot.stdout) \(boot.stderr)")
        }
    }

    /// B20: fstab's line mounts another btrfs image at the mountpoint: take it over with
    /// --image, never "remove that line" (the next run would make a new, empty store).
    @Test func legacyLineForAnotherImage() throws {
        try withTestRoot { root in
            _ = try root.sh("truncate -s 300M '\(root.path)/var/lib/docker.img' && mkfs.btrfs -q -L docker '\(root.path)/var/lib/docker.img' >/dev/null")
            try root.write(root.fstab, "/var/lib/docker.img /var/lib/docker btrfs loop 0 0\n")
            let uuid = try root.sh("blkid -s UUID -o value '\(root.path)/var/lib/docker.img'").trimmingCharacters(in: .whitespacesAndNewlines)
            let line = "\(root.fstab) line 1 mounts /var/lib/docker.img, a btrfs image (label 'docker', UUID \(uuid)), at /var/lib/docker: it is a store and may hold Docker's data"
            let said = "\(line), which this run would leave behind for a new, empty /var/lib/docker-storage.btrfs; to take it over, give --image /var/lib/docker.img (or DOCKSTORE_IMAGE=/var/lib/docker.img in \(root.path)/etc/sysconfig/dockstore); to set up an empty store instead, choose another --mountpoint; nothing was changed"
            let before = root.snapshot()
            let provision = try root.dockstore(["provision", "--size", "300M"])
            #expect(provision.status == 2 && provision.stderr == "dockstore: \(said)\n", "\(provision.stderr)")
            let status = try root.dockstore(["status"])
            #expect(status.status == 4 && status.stdout.contains("\n  - \(said)"), "\(status.stdout)")
            _ = try root.sh("truncate -s 300M '\(root.path)/dev.img'")
            let loop = try root.sh("losetup -f --show '\(root.path)/dev.img'").trimmingCharacters(in: .whitespacesAndNewlines)
            let device = try root.dockstore(["provision", "--device", loop])
            #expect(device.status == 2 && device.stderr == "dockstore: \(line); to keep it, take it over first (dockstore provision --image /var/lib/docker.img), then move it onto \(loop) with dockstore migrate-ebs \(loop); to set up an empty store instead, choose another --mountpoint; nothing was changed\n", "\(device.stderr)")
            _ = try root.sh("losetup -d \(loop) && rm '\(root.path)/dev.img'")
            #expect(root.changes(since: before) == [], "refusals leave nothing changed")
            let takeOver = try root.dockstore(["provision", "--image", "/var/lib/docker.img"])
            #expect(takeOver.status == 0, "what the message says works: \(takeOver.stderr)")
            #expect(root.mounts().contains { $0.target == root.mountpoint }, "the old store is mounted")
        }
    }

    /// Attack 21 F7: the image moved away and the settings changed to another image. The refusal
    /// said only "remove that line", which gives up the store; it now says the line's image is
    /// missing and how to keep that store, for provision, its dry run and status alike.
    @Test func settingsNamingAnotherImageWhileTheLinesImageIsMissing() throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "300M"]).status == 0)
            _ = try root.sh("umount '\(root.mountpoint)' && mv '\(root.image)' '\(root.path)/var/lib/moved.btrfs'")
            try root.write(root.path + "/etc/sysconfig/dockstore", "DOCKSTORE_IMAGE=\"/var/lib/store2.btrfs\"\n")
            let said = "\(root.fstab) line 2 mounts /var/lib/docker-storage.btrfs at /var/lib/docker, the store dockstore set up in that image, and no file is at that path in this root (moved or deleted); to keep that store, put it back there and give --image /var/lib/docker-storage.btrfs (or DOCKSTORE_IMAGE=/var/lib/docker-storage.btrfs in \(root.path)/etc/sysconfig/dockstore); remove that line only to give up that store and the data in it; nothing was changed"
            let before = root.snapshot()
            for run in [["provision"], ["provision", "--dry-run"]] {
                let refused = try root.dockstore(run)
                #expect(refused.status == 2 && refused.stderr == "dockstore: \(said)\n", "\(run): \(refused.stderr)")
            }
            let status = try root.dockstore(["status"])
            #expect(status.status == 4 && status.stdout.contains("\n  - \(said)"), "\(status.stdout)")
            _ = try root.sh("truncate -s 300M '\(root.path)/dev.img'")
            let loop = try root.sh("losetup -f --show '\(root.path)/dev.img'").trimmingCharacters(in: .whitespacesAndNewlines)
            defer { try? LoopDevice.detach(loop) }
            let device = try root.dockstore(["provision", "--device", loop])
            #expect(device.status == 2 && device.stderr.contains("and no file is at that path in this root (moved or deleted); to keep that store, put it back there and take it over (dockstore provision --image /var/lib/docker-storage.btrfs), then move it onto \(loop) with dockstore migrate-ebs \(loop)")
                    && device.stderrLines.count == 1, "\(device.stderr)")
            #expect(BlockProbe.probe(loop) == .blank)
            #expect(root.changes(since: before).filter { !$0.contains("dev.img") } == [], "refusals leave nothing changed")
            // What the message says works: the image put back and taken over.
            _ = try root.sh("mv '\(root.path)/var/lib/moved.btrfs' '\(root.image)'")
            let kept = try root.dockstore(["provision", "--image", "/var/lib/docker-storage.btrfs"])
            #expect(kept.status == 0 && root.mounts().contains { $0.target == root.mountpoint }, "\(kept.stdout)\(kept.stderr)")
        }
    }

    /// Attack 22 G4: the same with the settings unchanged and `--device`: the line's image is the
    /// one configured, yet for a device store it is another store; the refusal said only "remove
    /// that line".
    @Test func aDeviceWhileTheLinesImageIsMissing() throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "300M"]).status == 0)
            _ = try root.sh("umount '\(root.mountpoint)' && mv '\(root.image)' '\(root.path)/var/lib/moved.btrfs'")
            _ = try root.sh("truncate -s 300M '\(root.path)/dev.img'")
            let loop = try root.sh("losetup -f --show '\(root.path)/dev.img'").trimmingCharacters(in: .whitespacesAndNewlines)
            defer { try? LoopDevice.detach(loop) }
            let before = root.snapshot()
            let device = try root.dockstore(["provision", "--device", loop])
            #expect(device.status == 2 && device.stderr == "dockstore: \(root.fstab) line 2 mounts /var/lib/docker-storage.btrfs at /var/lib/docker, the store dockstore set up in that image, and no file is at that path in this root (moved or deleted); to keep that store, put it back there and take it over (dockstore provision --image /var/lib/docker-storage.btrfs), then move it onto \(loop) with dockstore migrate-ebs \(loop); remove that line only to give up that store and the data in it; nothing was changed\n",
                    "\(device.stderr)")
            #expect(BlockProbe.probe(loop) == .blank)
            #expect(root.changes(since: before) == [], "\(root.changes(since: before))")
            // The advice followed: the image back, taken over, then moved onto the device.
            _ = try root.sh("mv '\(root.path)/var/lib/moved.btrfs' '\(root.image)'")
            let kept = try root.dockstore(["provision", "--image", "/var/lib/docker-storage.btrfs"])
            #expect(kept.status == 0, "\(kept.stdout)\(kept.stderr)")
            let moved = try root.dockstore(["migrate-ebs", loop, "--yes"])
            #expect(moved.status == 0, "\(moved.stdout)\(moved.stderr)")
        }
    }
}
